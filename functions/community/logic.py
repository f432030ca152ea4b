"""Community use cases: comments, reviews and announcements, in domain terms.

Writes follow one pattern: read what the decision needs in one batch (the course, the caller's
enrollment, the rate window, the parent comment — ``courses.public.read_course``), decide with
``domain``, write everything the decision implies in one conditional transaction (the item, the
course's rating, the event, the audit entry). When a condition no longer holds (a concurrent
change) the use case reads again and decides again, a few times at most.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from coursewave.audit import audit_entry
from coursewave.clock import new_id, now, now_iso
from coursewave.errors import Conflict, NotFound, RateLimited
from coursewave.events import domain_event
from coursewave.observability import metrics
from coursewave.users import Principal
from functions.community import domain, repository
from functions.community.domain import (
    Announcement,
    Comment,
    CourseFacts,
    Reply,
    Review,
    Thread,
)
from functions.courses import public as courses
from functions.enrollment import public as enrollment
from functions.users import public as users

MAX_ATTEMPTS = 4
DOMAIN = "community"


def _facts(read: courses.CourseRead, principal: Principal | None) -> CourseFacts | None:
    course = read.course
    if course is None or read.course_id is None or course.status == "deleted":
        return None
    enrolled = False
    if principal is not None:
        raw = read.extra.get(enrollment.enrollment_key(principal.user_id, read.course_id))
        found = enrollment.decode_enrollment(raw)
        enrolled = found is not None and not found.is_revoked
    visible = course.is_published or enrolled or courses.is_manager(course, principal)
    return CourseFacts(
        course_id=read.course_id,
        owner_id=course.instructor_id,
        published=course.is_published,
        visible_to_caller=visible,
        enrolled=enrolled,
    )


def _read(
    course_ref: str, principal: Principal | None, *extra: Any
) -> tuple[CourseFacts | None, courses.CourseRead]:
    """The course, the caller's enrollment and ``extra`` keys: one BatchGetItem."""

    def keys(course_id: str) -> list[Any]:
        mine = [enrollment.enrollment_key(principal.user_id, course_id)] if principal else []
        return [*mine, *extra]

    read = courses.read_course(course_ref, keys)
    return _facts(read, principal), read


def _retry_exhausted() -> Conflict:
    return Conflict("This changed while the request was applied; try again.")


# -- comments ----------------------------------------------------------------------------------


def post_comment(
    principal: Principal, course_ref: str, body: str, parent_id: str | None
) -> Comment:
    """A comment or a reply by an enrolled learner or the course's owner, at most RATE_LIMIT a
    minute (429 beyond), with ``CommentPosted``."""
    rate_key = repository.rate_key(principal.user_id)
    extra = [rate_key] + ([repository.comment_key(parent_id)] if parent_id else [])
    for _ in range(MAX_ATTEMPTS):
        facts, read = _read(course_ref, principal, *extra)
        course = domain.check_may_post(facts, principal)
        parent = None
        if parent_id is not None:
            raw = read.extra.get(repository.comment_key(parent_id))
            parent = domain.check_parent(repository.decode_comment(raw), course.course_id)
        window = repository.decode_rate(read.extra.get(rate_key))
        moment = now()
        posted = domain.admit_comment(window.posted, moment.timestamp())
        comment = Comment(
            id=new_id("cmt_"),
            course_id=course.course_id,
            course_owner_id=course.owner_id,
            author_id=principal.user_id,
            author_name=principal.name,
            body=body,
            created_at=now_iso(),
            parent_id=parent.id if parent else None,
            parent_author_id=parent.author_id if parent else None,
        )
        event = domain_event(
            DOMAIN,
            "CommentPosted",
            {
                "comment_id": comment.id,
                "course_id": comment.course_id,
                "author_id": comment.author_id,
                "parent_id": comment.parent_id,
                "parent_author_id": comment.parent_author_id,
            },
        )
        try:
            repository.add_comment(comment, window, posted, event)
        except repository.ConditionFailed:
            continue
        metrics.add_metric(name="CommentPosted", unit="Count", value=1)
        return comment
    # Only the caller's own simultaneous posts (the rate window) or a burst of replies to one
    # thread make every attempt lose: either way, "too many at once, retry in a moment".
    raise RateLimited(1)


def list_comments(
    course_ref: str, limit: int, cursor: str | None
) -> tuple[list[Thread], str | None]:
    facts, _ = _read(course_ref, None)
    course = domain.readable(facts)
    return repository.thread_page(course.course_id, limit, cursor)


def edit_comment(principal: Principal, comment_id: str, body: str) -> Comment:
    for _ in range(MAX_ATTEMPTS):
        comment = domain.check_may_edit(repository.get_comment(comment_id), principal, now())
        edited = replace(comment, body=body, edited_at=now_iso(), version=comment.version + 1)
        try:
            repository.replace_comment(edited, comment.version)
            return edited
        except repository.ConditionFailed:
            continue
    raise _retry_exhausted()


def delete_comment(principal: Principal, comment_id: str) -> None:
    """Soft delete: the comment keeps its place (and its replies) as "[deleted]"; its text is
    erased. Deleting a deleted comment changes nothing."""
    for _ in range(MAX_ATTEMPTS):
        comment = domain.check_may_delete(repository.get_comment(comment_id), principal)
        if comment.deleted:
            return
        gone = domain.soft_deleted(comment, principal, now_iso())
        try:
            repository.replace_comment(replace(gone, version=comment.version + 1), comment.version)
            return
        except repository.ConditionFailed:
            continue
    raise _retry_exhausted()


# -- reviews -----------------------------------------------------------------------------------


def post_review(principal: Principal, course_ref: str, rating: int, body: str | None) -> Review:
    """One review per enrolled learner (409 on a second, however close the two are), with the
    course's rating moved in the same transaction and ``ReviewPosted``."""
    facts, _ = _read(course_ref, principal)
    course = domain.check_may_review(facts, principal)
    review_id = domain.review_id(course.course_id, principal.user_id)
    moment = now_iso()
    review = Review(
        id=review_id,
        course_id=course.course_id,
        course_owner_id=course.owner_id,
        author_id=principal.user_id,
        author_name=principal.name,
        rating=rating,
        body=body,
        created_at=moment,
        updated_at=moment,
    )
    event = domain_event(
        DOMAIN,
        "ReviewPosted",
        {
            "review_id": review.id,
            "course_id": review.course_id,
            "author_id": review.author_id,
            "rating": review.rating,
        },
    )
    try:
        repository.write_review(review, None, domain.rating_change(None, review), event=event)
    except repository.ConditionFailed as exc:
        raise Conflict("You have reviewed this course already; edit your review instead.") from exc
    metrics.add_metric(name="ReviewPosted", unit="Count", value=1)
    return review


def list_reviews(
    course_ref: str, limit: int, cursor: str | None
) -> tuple[list[Review], str | None]:
    facts, _ = _read(course_ref, None)
    course = domain.readable(facts)
    return repository.review_page(course.course_id, limit, cursor)


def edit_review(principal: Principal, review_id: str, changes: dict[str, Any]) -> Review:
    for _ in range(MAX_ATTEMPTS):
        review = domain.check_review_author(repository.get_review(review_id), principal)
        edited = replace(review, **changes, updated_at=now_iso(), version=review.version + 1)
        delta = domain.rating_change(review, edited)
        try:
            repository.write_review(edited, review.version, delta)
            return edited
        except repository.ConditionFailed:
            continue
    raise _retry_exhausted()


def delete_review(principal: Principal, review_id: str) -> None:
    """The author's or an admin's (audit-logged) removal; the rating loses what it counted."""
    for _ in range(MAX_ATTEMPTS):
        review = domain.check_may_remove_review(repository.get_review(review_id), principal)
        audit = None
        if review.author_id != principal.user_id:
            audit = audit_entry(
                actor_id=principal.user_id,
                action="review.deleted",
                target_type="review",
                target_id=review.id,
                before={"rating": review.rating, "course_id": review.course_id},
                after={},
            )
        try:
            repository.delete_review(review, domain.rating_change(review, None), audit)
            return
        except repository.ConditionFailed:
            continue
    raise _retry_exhausted()


def reply_to_review(principal: Principal, review_id: str, body: str) -> Review:
    for _ in range(MAX_ATTEMPTS):
        review = domain.check_may_reply(repository.get_review(review_id), principal)
        reply = Reply(author_id=principal.user_id, body=body, created_at=now_iso())
        answered = replace(review, reply=reply, version=review.version + 1)
        try:
            repository.write_review(answered, review.version, (0, 0))
            return answered
        except repository.ConditionFailed:
            continue
    raise _retry_exhausted()


def hide_review(principal: Principal, review_id: str, reason: str | None) -> Review:
    """An admin hides a review: it leaves the course's list and rating, audit-logged in the
    same transaction. Hiding a hidden review changes nothing."""
    for _ in range(MAX_ATTEMPTS):
        review = repository.get_review(review_id)
        if review is None:
            raise NotFound("No such review.")
        if review.hidden:
            return review
        hidden = replace(review, hidden_at=now_iso(), version=review.version + 1)
        audit = audit_entry(
            actor_id=principal.user_id,
            action="review.hidden",
            target_type="review",
            target_id=review.id,
            before={"hidden": False},
            after={"hidden": True, "course_id": review.course_id},
            reason=reason,
        )
        try:
            repository.write_review(
                hidden, review.version, domain.rating_change(review, hidden), audit=audit
            )
            return hidden
        except repository.ConditionFailed:
            continue
    raise _retry_exhausted()


# -- announcements -----------------------------------------------------------------------------


def post_announcement(principal: Principal, course_ref: str, title: str, body: str) -> Announcement:
    """The owner's (or an admin's) message to the course's learners: stored here, delivered by
    the notifications domain from ``AnnouncementPosted``."""
    facts, _ = _read(course_ref, principal)
    course = domain.check_may_announce(facts, principal)
    announcement = Announcement(
        id=new_id("ann_"),
        course_id=course.course_id,
        author_id=principal.user_id,
        title=title,
        body=body,
        created_at=now_iso(),
    )
    event = domain_event(
        DOMAIN,
        "AnnouncementPosted",
        {
            "announcement_id": announcement.id,
            "course_id": announcement.course_id,
            "author_id": announcement.author_id,
            "title": announcement.title,
            "body": announcement.body,
        },
    )
    repository.add_announcement(announcement, event)
    return announcement


def list_announcements(
    principal: Principal, course_ref: str, limit: int, cursor: str | None
) -> tuple[list[Announcement], str | None]:
    facts, _ = _read(course_ref, principal)
    course = domain.check_may_read_announcements(facts, principal)
    return repository.announcement_page(course.course_id, limit, cursor)


# -- account deletion --------------------------------------------------------------------------


def erase_author(user_id: str) -> int:
    """``UserDeleted``: the account's comments and reviews show the erased name (their text
    stays: it belongs to the discussion; docs/privacy.md). Returns how many items changed: 0
    for a repeat (every write is conditional on the name still differing)."""
    name = users.ERASED_NAME
    changed = sum(
        repository.rename_comment_author(comment.id, name)
        for comment in repository.comments_by_author(user_id)
        if comment.author_name != name
    )
    changed += sum(
        repository.rename_review_author(review.id, name)
        for review in repository.reviews_by_author(user_id)
        if review.author_name != name
    )
    return changed
