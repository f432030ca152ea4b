"""The community's pure rules: who may post, edit, delete, review and announce, the comment rate
limit, the edit window, and how a review moves its course's rating. No I/O here."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from coursewave.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from coursewave.users import Principal

MAX_COMMENT_LENGTH = 5000
MAX_REVIEW_LENGTH = 5000
MAX_REPLY_LENGTH = 5000
MAX_ANNOUNCEMENT_TITLE = 200
MAX_ANNOUNCEMENT_BODY = 10_000
# Every reply of a thread comes with its thread in a page: a thread holds at most this many.
MAX_REPLIES_PER_THREAD = 100
EDIT_WINDOW = timedelta(minutes=15)
# At most RATE_LIMIT comments in any RATE_WINDOW_SECONDS (a sliding window, not a fixed one).
RATE_LIMIT = 10
RATE_WINDOW_SECONDS = 60
DELETED_BODY = "[deleted]"


@dataclass(frozen=True)
class Comment:
    id: str
    course_id: str
    course_owner_id: str  # a course's instructor never changes: who may moderate the thread
    author_id: str
    author_name: str
    body: str | None  # None once deleted
    created_at: str
    parent_id: str | None = None
    parent_author_id: str | None = None
    edited_at: str | None = None
    deleted_at: str | None = None
    deleted_by: str | None = None
    reply_count: int = 0
    version: int = 0

    @property
    def thread_id(self) -> str:
        return self.parent_id or self.id

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)  # oldest first


@dataclass(frozen=True)
class Reply:
    """The course owner's one answer to a review."""

    author_id: str
    body: str
    created_at: str


@dataclass(frozen=True)
class Review:
    id: str
    course_id: str
    course_owner_id: str
    author_id: str
    author_name: str
    rating: int
    body: str | None
    created_at: str
    updated_at: str
    hidden_at: str | None = None
    reply: Reply | None = None
    version: int = 0

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


@dataclass(frozen=True)
class Announcement:
    id: str
    course_id: str
    author_id: str
    title: str
    body: str
    created_at: str


# -- who may do what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFacts:
    """What the community needs to know of a course and of the caller's place in it."""

    course_id: str
    owner_id: str
    published: bool
    visible_to_caller: bool  # the courses domain's rule (published, enrolled, owner, admin)
    enrolled: bool  # an active or completed enrollment (a revoked one is none)


def readable(course: CourseFacts | None) -> CourseFacts:
    """Comments and reviews are public for published courses, and only for them."""
    if course is None or not course.published:
        raise NotFound("No such course.")
    return course


def check_may_post(course: CourseFacts | None, principal: Principal) -> CourseFacts:
    """Comments: enrolled learners and the course's owner."""
    if course is None or not course.visible_to_caller:
        raise NotFound("No such course.")
    if not (course.enrolled or principal.user_id == course.owner_id):
        raise Forbidden("Only learners enrolled in this course and its instructor may post here.")
    return course


def check_may_review(course: CourseFacts | None, principal: Principal) -> CourseFacts:
    """Reviews: enrolled learners only (the owner does not review their own course)."""
    if course is None or not course.visible_to_caller:
        raise NotFound("No such course.")
    if not course.enrolled:
        raise Forbidden("Only learners enrolled in this course may review it.")
    return course


def check_may_announce(course: CourseFacts | None, principal: Principal) -> CourseFacts:
    if course is None or not course.visible_to_caller:
        raise NotFound("No such course.")
    if not (principal.is_admin or principal.user_id == course.owner_id):
        raise Forbidden("Only the course's instructor or an admin may post announcements.")
    return course


def check_may_read_announcements(course: CourseFacts | None, principal: Principal) -> CourseFacts:
    if course is None or not course.visible_to_caller:
        raise NotFound("No such course.")
    if not (course.enrolled or principal.is_admin or principal.user_id == course.owner_id):
        raise Forbidden("Announcements are for the course's learners.")
    return course


def check_parent(parent: Comment | None, course_id: str) -> Comment:
    """A reply answers a top-level comment of the same course, still there, not full."""
    if parent is None or parent.course_id != course_id:
        raise ValidationFailed.for_field("parent_id", "no such comment in this course")
    if parent.parent_id is not None:
        raise ValidationFailed.for_field(
            "parent_id", "replies go to a top-level comment (one level of replies)"
        )
    if parent.deleted:
        raise Conflict("That comment was deleted; it takes no replies.")
    if parent.reply_count >= MAX_REPLIES_PER_THREAD:
        raise Conflict(f"This thread is full ({MAX_REPLIES_PER_THREAD} replies).")
    return parent


def check_may_edit(comment: Comment | None, principal: Principal, now: datetime) -> Comment:
    """The author, within EDIT_WINDOW of posting (403 after: the right has expired)."""
    if comment is None or comment.deleted:
        raise NotFound("No such comment.")
    if comment.author_id != principal.user_id:
        raise Forbidden("Only the comment's author may edit it.")
    if now - datetime.fromisoformat(comment.created_at) > EDIT_WINDOW:
        raise Forbidden(
            "Comments can be edited for 15 minutes after posting.", code="EDIT_WINDOW_CLOSED"
        )
    return comment


def check_may_delete(comment: Comment | None, principal: Principal) -> Comment:
    """The author, the course's owner or an admin."""
    if comment is None:
        raise NotFound("No such comment.")
    if not (
        principal.is_admin or principal.user_id in (comment.author_id, comment.course_owner_id)
    ):
        raise Forbidden("Only the author, the course's instructor or an admin may delete this.")
    return comment


def soft_deleted(comment: Comment, principal: Principal, moment: str) -> Comment:
    """The comment as the thread keeps it: in place, without its text."""
    return replace(comment, body=None, deleted_at=moment, deleted_by=principal.user_id)


def check_review_author(review: Review | None, principal: Principal) -> Review:
    if review is None:
        raise NotFound("No such review.")
    if review.author_id != principal.user_id:
        raise Forbidden("Only the review's author may change it.")
    return review


def check_may_remove_review(review: Review | None, principal: Principal) -> Review:
    if review is None:
        raise NotFound("No such review.")
    if not (principal.is_admin or review.author_id == principal.user_id):
        raise Forbidden("Only the review's author or an admin may delete it.")
    return review


def check_may_reply(review: Review | None, principal: Principal) -> Review:
    """The course's owner, once."""
    if review is None:
        raise NotFound("No such review.")
    if review.course_owner_id != principal.user_id:
        raise Forbidden("Only the course's instructor may reply to its reviews.")
    if review.reply is not None:
        raise Conflict("This review has a reply already.")
    return review


# -- the rate limit ----------------------------------------------------------------------------


def admit_comment(posted: list[float], now: float) -> list[float]:
    """The caller's recent post times with ``now`` added, or ``RateLimited`` (with the seconds
    until the oldest post in the window leaves it) when RATE_LIMIT are already in the window."""
    recent = sorted(t for t in posted if now - t < RATE_WINDOW_SECONDS)
    if len(recent) >= RATE_LIMIT:
        oldest = recent[-RATE_LIMIT]
        raise RateLimited(int(oldest + RATE_WINDOW_SECONDS - now) + 1)
    return [*recent, now]


# -- ratings -----------------------------------------------------------------------------------


def counted(review: Review | None) -> tuple[int, int]:
    """What a review adds to its course's (rating sum, rating count): nothing when hidden."""
    if review is None or review.hidden:
        return 0, 0
    return review.rating, 1


def rating_change(before: Review | None, after: Review | None) -> tuple[int, int]:
    """The (sum, count) deltas a review's change makes to its course's rating."""
    (sum_before, count_before), (sum_after, count_after) = counted(before), counted(after)
    return sum_after - sum_before, count_after - count_before


def review_id(course_id: str, user_id: str) -> str:
    """The natural key of "one review per learner per course", as an opaque id: two concurrent
    first reviews collide on the same item and a conditional put lets one through."""
    digest = hashlib.sha256(f"{course_id}\0{user_id}".encode()).digest()[:20]
    return "rev_" + base64.b32encode(digest).decode().lower().rstrip("=")
