"""Community data access: comments (with the comment rate window), reviews and announcements.
Every function maps to one DynamoDB round trip unless it says so. Keys (docs/data-model.md):

- ``COMMENT#<id> / COMMENT`` — a comment or a reply.
  GSI1: ``COURSE#<course_id>#COMMENTS`` / ``<thread_id>`` (a top-level comment) or
  ``<thread_id>#<reply_id>`` (a reply): read backwards, a page of threads newest first, each
  thread's replies just before it.
  GSI2: ``USER#<author_id>#COMMENTS`` / ``<created_at>#<id>`` (an author's comments: erasure).
- ``COMMENT_RATE#<user_id> / WINDOW`` — when the user last posted (the sliding rate window).
- ``REVIEW#<id> / REVIEW`` — a review; ``id`` is derived from (course, learner): one per learner.
  GSI1 (visible reviews only, sparse): ``COURSE#<course_id>#REVIEWS`` / ``<created_at>#<id>``.
  GSI2: ``USER#<author_id>#REVIEWS`` / ``<id>`` (an author's reviews: erasure).
- ``COURSE#<course_id>#ANNOUNCEMENTS / <announcement_id>`` — an announcement (ids sort by time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from coursewave.audit import AuditEntry
from coursewave.clock import now
from coursewave.db import Item, Key, decode, key, keyed, transaction
from coursewave.events import OutboxEvent
from coursewave.pagination import decode_cursor, encode_cursor
from functions.community.domain import (
    MAX_REPLIES_PER_THREAD,
    RATE_WINDOW_SECONDS,
    Announcement,
    Comment,
    Reply,
    Review,
    Thread,
)
from functions.courses import public as courses

CURSOR_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


class ConditionFailed(Exception):
    """What a write was conditioned on no longer holds (or a concurrent transaction touched the
    same items): read again and decide again."""


def _cancelled_on_condition(exc: TransactWriteError) -> bool:
    return any(
        reason is not None and reason.code in ("ConditionalCheckFailed", "TransactionConflict")
        for reason in exc.cancellation_reasons or ()
    )


# -- entities ----------------------------------------------------------------------------------


class CommentItem(Item, discriminator="Comment"):
    comment_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    course_owner_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute()
    body = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    parent_author_id = UnicodeAttribute(null=True)
    edited_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    deleted_by = UnicodeAttribute(null=True)
    reply_count = NumberAttribute(default=0)
    version = NumberAttribute(default=0)

    @staticmethod
    def key_of(comment_id: str) -> Key:
        return key("COMMENT", comment_id), "COMMENT"

    @staticmethod
    def thread_partition(course_id: str) -> str:
        return key("COURSE", course_id, "COMMENTS")

    @staticmethod
    def author_partition(user_id: str) -> str:
        return key("USER", user_id, "COMMENTS")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.comment_id)
        if self.course_id is None:  # a key-only instance (an update)
            return {"PK": pk, "SK": sk}
        position = key(self.parent_id, self.comment_id) if self.parent_id else self.comment_id
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.thread_partition(self.course_id),
            "GSI1SK": position,
            "GSI2PK": self.author_partition(self.author_id),
            "GSI2SK": f"{self.created_at}#{self.comment_id}",
        }


class CommentRate(Item, discriminator="CommentRate"):
    """The times (epoch seconds) of the user's comments still inside the rate window."""

    user_id = UnicodeAttribute()
    posted = ListAttribute(of=NumberAttribute, default=list)
    version = NumberAttribute(default=0)

    @staticmethod
    def key_of(user_id: str) -> Key:
        return key("COMMENT_RATE", user_id), "WINDOW"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.user_id)
        return {"PK": pk, "SK": sk}


class ReviewItem(Item, discriminator="Review"):
    review_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    course_owner_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute()
    rating = NumberAttribute()
    body = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    hidden_at = UnicodeAttribute(null=True)
    reply_author_id = UnicodeAttribute(null=True)
    reply_body = UnicodeAttribute(null=True)
    reply_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)

    @staticmethod
    def key_of(review_id: str) -> Key:
        return key("REVIEW", review_id), "REVIEW"

    @staticmethod
    def course_partition(course_id: str) -> str:
        return key("COURSE", course_id, "REVIEWS")

    @staticmethod
    def author_partition(user_id: str) -> str:
        return key("USER", user_id, "REVIEWS")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.review_id)
        if self.course_id is None:  # a key-only instance (an update)
            return {"PK": pk, "SK": sk}
        listed = self.hidden_at is None  # a hidden review leaves the course's list
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.course_partition(self.course_id) if listed else None,
            "GSI1SK": f"{self.created_at}#{self.review_id}" if listed else None,
            "GSI2PK": self.author_partition(self.author_id),
            "GSI2SK": self.review_id,
        }


class AnnouncementItem(Item, discriminator="Announcement"):
    announcement_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = UnicodeAttribute()

    @staticmethod
    def partition(course_id: str) -> str:
        return key("COURSE", course_id, "ANNOUNCEMENTS")

    def keys(self) -> dict[str, str | None]:
        return {"PK": self.partition(self.course_id), "SK": self.announcement_id}


# -- mapping -----------------------------------------------------------------------------------


def _to_comment(item: CommentItem) -> Comment:
    return Comment(
        id=item.comment_id,
        course_id=item.course_id,
        course_owner_id=item.course_owner_id,
        author_id=item.author_id,
        author_name=item.author_name,
        body=item.body,
        created_at=item.created_at,
        parent_id=item.parent_id,
        parent_author_id=item.parent_author_id,
        edited_at=item.edited_at,
        deleted_at=item.deleted_at,
        deleted_by=item.deleted_by,
        reply_count=int(item.reply_count or 0),
        version=int(item.version or 0),
    )


def _comment_item(comment: Comment) -> CommentItem:
    return keyed(
        CommentItem(
            comment_id=comment.id,
            course_id=comment.course_id,
            course_owner_id=comment.course_owner_id,
            author_id=comment.author_id,
            author_name=comment.author_name,
            body=comment.body,
            created_at=comment.created_at,
            parent_id=comment.parent_id,
            parent_author_id=comment.parent_author_id,
            edited_at=comment.edited_at,
            deleted_at=comment.deleted_at,
            deleted_by=comment.deleted_by,
            reply_count=comment.reply_count,
            version=comment.version,
        )
    )


def _to_review(item: ReviewItem) -> Review:
    reply = None
    if item.reply_body is not None:
        reply = Reply(
            author_id=item.reply_author_id or "",
            body=item.reply_body,
            created_at=item.reply_at or "",
        )
    return Review(
        id=item.review_id,
        course_id=item.course_id,
        course_owner_id=item.course_owner_id,
        author_id=item.author_id,
        author_name=item.author_name,
        rating=int(item.rating),
        body=item.body,
        created_at=item.created_at,
        updated_at=item.updated_at,
        hidden_at=item.hidden_at,
        reply=reply,
        version=int(item.version or 0),
    )


def _review_item(review: Review) -> ReviewItem:
    reply = review.reply
    return keyed(
        ReviewItem(
            review_id=review.id,
            course_id=review.course_id,
            course_owner_id=review.course_owner_id,
            author_id=review.author_id,
            author_name=review.author_name,
            rating=review.rating,
            body=review.body,
            created_at=review.created_at,
            updated_at=review.updated_at,
            hidden_at=review.hidden_at,
            reply_author_id=reply.author_id if reply else None,
            reply_body=reply.body if reply else None,
            reply_at=reply.created_at if reply else None,
            version=review.version,
        )
    )


def _to_announcement(item: AnnouncementItem) -> Announcement:
    return Announcement(
        id=item.announcement_id,
        course_id=item.course_id,
        author_id=item.author_id,
        title=item.title,
        body=item.body,
        created_at=item.created_at,
    )


Raw = dict[str, Any]


# -- reads alongside the course (one BatchGetItem through courses.public.read_course) ----------


def comment_key(comment_id: str) -> Key:
    return CommentItem.key_of(comment_id)


def rate_key(user_id: str) -> Key:
    return CommentRate.key_of(user_id)


def decode_comment(raw: Raw | None) -> Comment | None:
    item = decode(CommentItem, raw)
    return _to_comment(item) if item is not None else None


@dataclass(frozen=True)
class RateWindow:
    posted: list[float]
    version: int | None  # None: no window item yet


def decode_rate(raw: Raw | None) -> RateWindow:
    item = decode(CommentRate, raw)
    if item is None:
        return RateWindow(posted=[], version=None)
    return RateWindow(posted=[float(t) for t in item.posted or []], version=int(item.version))


def get_comment(comment_id: str) -> Comment | None:
    try:
        return _to_comment(CommentItem.get(*comment_key(comment_id), consistent_read=True))
    except CommentItem.DoesNotExist:
        return None


def get_review(review_id: str) -> Review | None:
    try:
        return _to_review(ReviewItem.get(*ReviewItem.key_of(review_id), consistent_read=True))
    except ReviewItem.DoesNotExist:
        return None


# -- comments ----------------------------------------------------------------------------------


def _rate_item(user_id: str, posted: list[float], version: int) -> CommentRate:
    return keyed(
        CommentRate(
            user_id=user_id,
            posted=posted,
            version=version,
            expires_at=now() + timedelta(seconds=RATE_WINDOW_SECONDS * 2),
        )
    )


def add_comment(
    comment: Comment, window: RateWindow, posted: list[float], event: OutboxEvent
) -> None:
    """The comment, the author's rate window as read moved on to ``posted``, the parent's reply
    count (a reply: the parent must still be a live top-level comment) and the event: one
    transaction. ``ConditionFailed`` when the window or the parent changed since read."""
    rate_condition = (
        CommentRate.PK.does_not_exist()
        if window.version is None
        else CommentRate.version == window.version
    )
    try:
        with transaction() as tx:
            tx.save(_comment_item(comment), condition=CommentItem.PK.does_not_exist())
            tx.save(
                _rate_item(comment.author_id, posted, (window.version or 0) + 1),
                condition=rate_condition,
            )
            if comment.parent_id is not None:
                tx.update(
                    keyed(CommentItem(comment_id=comment.parent_id)),
                    actions=[CommentItem.reply_count.add(1), CommentItem.version.add(1)],
                    condition=(
                        CommentItem.PK.exists()
                        & CommentItem.deleted_at.does_not_exist()
                        & CommentItem.parent_id.does_not_exist()
                        & (CommentItem.reply_count < MAX_REPLIES_PER_THREAD)
                    ),
                )
            tx.save(event)
    except TransactWriteError as exc:
        if _cancelled_on_condition(exc):
            raise ConditionFailed(comment.id) from exc
        raise


def replace_comment(comment: Comment, read_version: int) -> None:
    """Write the edited (or soft-deleted) comment if it is still as read."""
    try:
        _comment_item(comment).save(condition=CommentItem.version == read_version)
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ConditionFailed(comment.id) from exc
        raise


def thread_page(course_id: str, limit: int, cursor: str | None) -> tuple[list[Thread], str | None]:
    """Up to ``limit`` threads, newest first, each with all its replies (oldest first), from
    one Query (more pages only when the threads hold more than a page of replies)."""
    partition = CommentItem.thread_partition(course_id)
    start = decode_cursor(cursor, key_names=CURSOR_KEYS, fixed={"GSI1PK": partition})
    results = CommentItem.gsi1.query(
        partition,
        scan_index_forward=False,
        last_evaluated_key=start,
        page_size=min(1000, limit * 10 + 1),
    )
    threads: list[Thread] = []
    pending: list[Comment] = []  # replies of the thread whose head comes next (newest first)
    last_head: CommentItem | None = None
    for item in results:
        if not isinstance(item, CommentItem):
            continue
        if len(threads) == limit:
            assert last_head is not None
            return threads, encode_cursor({name: getattr(last_head, name) for name in CURSOR_KEYS})
        comment = _to_comment(item)
        if comment.parent_id is not None:
            pending.append(comment)
            continue
        replies = [reply for reply in pending if reply.parent_id == comment.id]
        threads.append(Thread(comment=comment, replies=list(reversed(replies))))
        pending, last_head = [], item
    return threads, None


def comments_by_author(user_id: str) -> list[Comment]:
    """Every comment the user wrote (GSI2, all pages)."""
    return [
        _to_comment(item)
        for item in CommentItem.gsi2.query(CommentItem.author_partition(user_id))
        if isinstance(item, CommentItem)
    ]


def rename_comment_author(comment_id: str, name: str) -> bool:
    """Show ``name`` as the comment's author; False when it already does (idempotent)."""
    item = keyed(CommentItem(comment_id=comment_id))
    try:
        item.update(
            actions=[CommentItem.author_name.set(name)],
            condition=CommentItem.PK.exists() & (CommentItem.author_name != name),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- reviews -----------------------------------------------------------------------------------


def write_review(
    review: Review,
    read_version: int | None,
    rating_delta: tuple[int, int],
    *,
    event: OutboxEvent | None = None,
    audit: AuditEntry | None = None,
) -> None:
    """Put the review if it is still as read (``read_version`` None: if there is none, the
    natural key making it one per learner), with the course's rating change, its event and
    its audit entry, in one transaction. ``ConditionFailed`` otherwise."""
    condition = (
        ReviewItem.PK.does_not_exist()
        if read_version is None
        else ReviewItem.version == read_version
    )
    try:
        with transaction() as tx:
            tx.save(_review_item(review), condition=condition)
            if rating_delta != (0, 0):
                courses.count_rating(tx, review.course_id, *rating_delta)
            if event is not None:
                tx.save(event)
            if audit is not None:
                tx.save(audit)
    except TransactWriteError as exc:
        if _cancelled_on_condition(exc):
            raise ConditionFailed(review.id) from exc
        raise


def delete_review(
    review: Review, rating_delta: tuple[int, int], audit: AuditEntry | None = None
) -> None:
    """Delete the review if it is still as read, with the course's rating change (and the
    admin's audit entry), in one transaction."""
    try:
        with transaction() as tx:
            tx.delete(_review_item(review), condition=ReviewItem.version == review.version)
            if rating_delta != (0, 0):
                courses.count_rating(tx, review.course_id, *rating_delta)
            if audit is not None:
                tx.save(audit)
    except TransactWriteError as exc:
        if _cancelled_on_condition(exc):
            raise ConditionFailed(review.id) from exc
        raise


def review_page(course_id: str, limit: int, cursor: str | None) -> tuple[list[Review], str | None]:
    """Visible reviews of the course, newest first: one Query on GSI1."""
    partition = ReviewItem.course_partition(course_id)
    start = decode_cursor(cursor, key_names=CURSOR_KEYS, fixed={"GSI1PK": partition})
    results = ReviewItem.gsi1.query(
        partition, scan_index_forward=False, last_evaluated_key=start, limit=limit
    )
    reviews = [_to_review(item) for item in results if isinstance(item, ReviewItem)]
    return reviews, encode_cursor(results.last_evaluated_key)


def reviews_by_author(user_id: str) -> list[Review]:
    return [
        _to_review(item)
        for item in ReviewItem.gsi2.query(ReviewItem.author_partition(user_id))
        if isinstance(item, ReviewItem)
    ]


def rename_review_author(review_id: str, name: str) -> bool:
    """Show ``name`` as the review's author; False when it already does (idempotent). The
    version moves too, so an edit read before the erasure cannot write the old name back."""
    item = keyed(ReviewItem(review_id=review_id))
    try:
        item.update(
            actions=[ReviewItem.author_name.set(name), ReviewItem.version.add(1)],
            condition=ReviewItem.PK.exists() & (ReviewItem.author_name != name),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- announcements -----------------------------------------------------------------------------


def add_announcement(announcement: Announcement, event: OutboxEvent) -> None:
    with transaction() as tx:
        tx.save(
            AnnouncementItem(
                announcement_id=announcement.id,
                course_id=announcement.course_id,
                author_id=announcement.author_id,
                title=announcement.title,
                body=announcement.body,
                created_at=announcement.created_at,
            ),
            condition=AnnouncementItem.PK.does_not_exist(),
        )
        tx.save(event)


def announcement_page(
    course_id: str, limit: int, cursor: str | None
) -> tuple[list[Announcement], str | None]:
    """The course's announcements, newest first: one Query."""
    partition = AnnouncementItem.partition(course_id)
    start = decode_cursor(cursor, key_names={"PK", "SK"}, fixed={"PK": partition})
    results = AnnouncementItem.query(
        partition, scan_index_forward=False, last_evaluated_key=start, limit=limit
    )
    found = [_to_announcement(item) for item in results if isinstance(item, AnnouncementItem)]
    return found, encode_cursor(results.last_evaluated_key)
