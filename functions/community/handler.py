"""Community routes (API.md "Community"): course comments, reviews and announcements."""

from __future__ import annotations

from coursewave.api import PUBLIC, Api, roles, signed_in
from coursewave.pagination import PageQuery
from coursewave.users import Principal
from functions.community import logic
from functions.community.domain import DELETED_BODY, Announcement, Comment, Review
from functions.community.models import (
    AnnouncementIn,
    AnnouncementOut,
    AnnouncementPage,
    AuthorOut,
    CommentIn,
    CommentOut,
    CommentPatch,
    HideIn,
    ReviewIn,
    ReviewOut,
    ReviewPage,
    ReviewPatch,
    ReviewReplyIn,
    ReviewReplyOut,
    ThreadOut,
    ThreadPage,
)

app = Api("community")
lambda_handler = app.lambda_handler


def comment_out(comment: Comment) -> CommentOut:
    return CommentOut(**_comment_fields(comment))


def _comment_fields(comment: Comment) -> dict[str, object]:
    return {
        "id": comment.id,
        "course_id": comment.course_id,
        "parent_id": comment.parent_id,
        "author": None
        if comment.deleted
        else AuthorOut(id=comment.author_id, name=comment.author_name),
        "body": DELETED_BODY if comment.body is None else comment.body,
        "deleted": comment.deleted,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "reply_count": comment.reply_count,
    }


def review_out(review: Review) -> ReviewOut:
    reply = review.reply
    return ReviewOut(
        id=review.id,
        course_id=review.course_id,
        author=AuthorOut(id=review.author_id, name=review.author_name),
        rating=review.rating,
        body=review.body,
        created_at=review.created_at,
        updated_at=review.updated_at,
        hidden=review.hidden,
        reply=ReviewReplyOut(body=reply.body, created_at=reply.created_at) if reply else None,
    )


def announcement_out(announcement: Announcement) -> AnnouncementOut:
    return AnnouncementOut(
        id=announcement.id,
        course_id=announcement.course_id,
        author_id=announcement.author_id,
        title=announcement.title,
        body=announcement.body,
        created_at=announcement.created_at,
    )


# -- comments ----------------------------------------------------------------------------------


@app.route(
    "GET",
    "/v1/courses/{id}/comments",
    access=PUBLIC,
    summary="A published course's discussion: threads newest first, each with its replies "
    '(oldest first); deleted comments keep their place as "[deleted]"',
    query=PageQuery,
    response=ThreadPage,
)
def list_comments(id: str, query: PageQuery) -> ThreadPage:
    threads, cursor = logic.list_comments(id, query.limit, query.cursor)
    items = [
        ThreadOut(
            **_comment_fields(thread.comment),
            replies=[comment_out(reply) for reply in thread.replies],
        )
        for thread in threads
    ]
    return ThreadPage(items=items, next_cursor=cursor)


@app.route(
    "POST",
    "/v1/courses/{id}/comments",
    access=signed_in("enrolled learners, the course's owner"),
    summary="Post a comment, or a reply to a top-level comment (at most 10 a minute)",
    status=201,
    body=CommentIn,
    response=CommentOut,
    errors=(403, 404, 409, 429),
)
def post_comment(id: str, body: CommentIn, principal: Principal) -> CommentOut:
    return comment_out(logic.post_comment(principal, id, body.body, body.parent_id))


@app.route(
    "PATCH",
    "/v1/comments/{comment_id}",
    access=signed_in("the comment's author, within 15 minutes of posting"),
    summary="Edit a comment (its author, for 15 minutes; later: 403 EDIT_WINDOW_CLOSED)",
    body=CommentPatch,
    response=CommentOut,
    errors=(403, 404, 409),
)
def edit_comment(comment_id: str, body: CommentPatch, principal: Principal) -> CommentOut:
    return comment_out(logic.edit_comment(principal, comment_id, body.body))


@app.route(
    "DELETE",
    "/v1/comments/{comment_id}",
    access=signed_in("the comment's author, the course's owner, admin"),
    summary='Delete a comment: it stays in its thread as "[deleted]", without its text',
    status=204,
    errors=(403, 404, 409),
)
def delete_comment(comment_id: str, principal: Principal) -> None:
    logic.delete_comment(principal, comment_id)


# -- reviews -----------------------------------------------------------------------------------


@app.route(
    "GET",
    "/v1/courses/{id}/reviews",
    access=PUBLIC,
    summary="A published course's reviews, newest first (hidden ones left out)",
    query=PageQuery,
    response=ReviewPage,
)
def list_reviews(id: str, query: PageQuery) -> ReviewPage:
    reviews, cursor = logic.list_reviews(id, query.limit, query.cursor)
    return ReviewPage(items=[review_out(review) for review in reviews], next_cursor=cursor)


@app.route(
    "POST",
    "/v1/courses/{id}/reviews",
    access=signed_in("enrolled learners"),
    summary="Review a course (one review per learner: 409 on a second); its rating updates",
    status=201,
    body=ReviewIn,
    response=ReviewOut,
    errors=(403, 404, 409),
)
def post_review(id: str, body: ReviewIn, principal: Principal) -> ReviewOut:
    return review_out(logic.post_review(principal, id, body.rating, body.body))


@app.route(
    "PATCH",
    "/v1/reviews/{review_id}",
    access=signed_in("the review's author"),
    summary="Change your review's rating or text; the course's rating follows",
    body=ReviewPatch,
    response=ReviewOut,
    errors=(403, 404, 409),
)
def edit_review(review_id: str, body: ReviewPatch, principal: Principal) -> ReviewOut:
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    return review_out(logic.edit_review(principal, review_id, changes))


@app.route(
    "DELETE",
    "/v1/reviews/{review_id}",
    access=signed_in("the review's author, admin"),
    summary="Delete a review (its author, or an admin: audit-logged); the rating follows",
    status=204,
    errors=(403, 404, 409),
)
def delete_review(review_id: str, principal: Principal) -> None:
    logic.delete_review(principal, review_id)


@app.route(
    "POST",
    "/v1/reviews/{review_id}/reply",
    access=signed_in("the course's owner, once"),
    summary="The course's instructor answers a review (once)",
    status=201,
    body=ReviewReplyIn,
    response=ReviewOut,
    errors=(403, 404, 409),
)
def reply_to_review(review_id: str, body: ReviewReplyIn, principal: Principal) -> ReviewOut:
    return review_out(logic.reply_to_review(principal, review_id, body.body))


@app.route(
    "POST",
    "/v1/admin/reviews/{review_id}/hide",
    access=roles("admin"),
    summary="Hide a review: it leaves the course's list and rating (audit-logged)",
    body=HideIn,
    response=ReviewOut,
    errors=(404, 409),
    domain="admin",
)
def hide_review(review_id: str, body: HideIn, principal: Principal) -> ReviewOut:
    return review_out(logic.hide_review(principal, review_id, body.reason))


# -- announcements -----------------------------------------------------------------------------


@app.route(
    "POST",
    "/v1/courses/{id}/announcements",
    access=signed_in("the course's owner, admin"),
    summary="Announce something to every learner of the course (delivered as notifications)",
    status=201,
    body=AnnouncementIn,
    response=AnnouncementOut,
    errors=(403, 404),
)
def post_announcement(id: str, body: AnnouncementIn, principal: Principal) -> AnnouncementOut:
    return announcement_out(logic.post_announcement(principal, id, body.title, body.body))


@app.route(
    "GET",
    "/v1/courses/{id}/announcements",
    access=signed_in("enrolled learners, the course's owner, admin"),
    summary="The course's announcements, newest first",
    query=PageQuery,
    response=AnnouncementPage,
    errors=(403, 404),
)
def list_announcements(id: str, query: PageQuery, principal: Principal) -> AnnouncementPage:
    found, cursor = logic.list_announcements(principal, id, query.limit, query.cursor)
    return AnnouncementPage(items=[announcement_out(a) for a in found], next_cursor=cursor)
