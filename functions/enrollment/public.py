"""What other domains may use of the enrollment domain: plain functions and plain types.

Payments (above) enrolls a paying learner and revokes a refunded enrollment through
``add_paid_enrollment`` and ``add_revocation``: each adds enrollment's own items and events to
the caller's transaction, so a payment's success and its enrollment (or a refund and the
revocation) are one atomic write. Enrollment never imports payments.

The dashboard (served here) shows tiles that higher domains keep through ``add_unread_change``,
``add_unread_reset``, ``add_certificate_card`` and ``add_certificate_card_removal``: each adds
one write to the caller's transaction, so the tile changes atomically with the caller's own
item (a notification marked read and the unread count, a certificate issued and its card).
The tiles share one item: one tile write per transaction (DynamoDB refuses two on one item).

Assessments' gradebook lists a course's learners with ``roster_page`` and its export with
``course_learners`` (every page, off the request path); the caller checks who asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from coursewave.clock import iso, new_id, now
from coursewave.db import Key
from coursewave.events import domain_event
from coursewave.pagination import decode_cursor, encode_cursor
from functions.enrollment import domain
from functions.enrollment.domain import Enrollment, ViewableLesson

if TYPE_CHECKING:
    from coursewave.users import Principal

__all__ = [
    "Enrollment",
    "ViewableLesson",
    "add_certificate_card",
    "add_certificate_card_removal",
    "add_paid_enrollment",
    "add_revocation",
    "add_unread_change",
    "add_unread_reset",
    "course_learners",
    "decode_enrollment",
    "enrollment_key",
    "learner_ids_page",
    "roster_page",
    "viewable_lesson",
]


def viewable_lesson(
    course_id_or_slug: str, lesson_id: str, principal: Principal | None
) -> ViewableLesson:
    """The lesson with its content and video if the caller may view it now; ``NotFound`` or
    ``Forbidden`` otherwise (``logic.viewable_lesson``, which imports users' public face: on
    first use, so a function that reaches enrollment for something else does not pay for it)."""
    from functions.enrollment import logic

    return logic.viewable_lesson(course_id_or_slug, lesson_id, principal)


def enrollment_key(user_id: str, course_id: str) -> Key:
    """The key of a learner's enrollment in a course, to read it in a caller's batch."""
    from functions.enrollment import repository

    return repository.enrollment_key(user_id, course_id)


def decode_enrollment(raw: dict[str, Any] | None) -> Enrollment | None:
    """The enrollment from its raw item (read by ``enrollment_key``); revoked ones included."""
    from functions.enrollment import repository

    return repository.decode(raw)


def roster_page(
    course_id: str, limit: int, cursor: str | None
) -> tuple[list[Enrollment], str | None]:
    """One page of the course's roster (one Query) and the next cursor; the caller has checked
    that whoever asks manages the course."""
    from functions.enrollment import repository

    partition = repository.roster_partition(course_id)
    start = decode_cursor(
        cursor, key_names={"PK", "SK", "GSI1PK", "GSI1SK"}, fixed={"GSI1PK": partition}
    )
    found, last_key = repository.roster_page(course_id, limit, start)
    return found, encode_cursor(last_key)


def learner_ids_page(
    course_id: str, limit: int, cursor: str | None
) -> tuple[list[str], str | None]:
    """One page of the ids of the course's active learners (a Query on the roster index, in
    enrollment order) and the cursor of the next page (None after the last). Revoked
    enrollments are left out. For the domains above that reach every learner (announcements)."""
    found, next_cursor = roster_page(course_id, limit, cursor)
    return [e.user_id for e in found if not e.is_revoked], next_cursor


def course_learners(course_id: str, page_size: int = 100) -> Iterator[Enrollment]:
    """Every enrollment of the course, page by page on the roster index (for reports that run
    off the request path, such as a gradebook export; the caller has checked who asked)."""
    from functions.enrollment import repository

    start = None
    while True:
        found, start = repository.roster_page(course_id, page_size, start)
        yield from found
        if not start:
            return


def add_paid_enrollment(
    tx: Any,
    *,
    user_id: str,
    user_name: str,
    user_email: str,
    course_id: str,
    payment_id: str,
    price: dict[str, Any],
) -> str:
    """Add the learner's paid enrollment to ``tx`` (fails the transaction on its condition if
    the learner already holds an active enrollment) with ``EnrollmentCreated``; returns its id."""
    from functions.enrollment import repository

    moment = now()
    enrollment = Enrollment(
        id=new_id("enr_"),
        user_id=user_id,
        course_id=course_id,
        user_name=user_name,
        user_email=user_email,
        enrolled_at=iso(moment),
        last_activity_at=domain.activity_stamp(moment),
        source=domain.PAID,
        payment_id=payment_id,
    )
    event = domain_event(
        "enrollment",
        "EnrollmentCreated",
        {
            "enrollment_id": enrollment.id,
            "course_id": course_id,
            "user_id": user_id,
            "source": domain.PAID,
            "enrolled_at": enrollment.enrolled_at,
            "price": price,
            "payment_id": payment_id,
        },
    )
    repository.add_paid(tx, enrollment, event)
    return enrollment.id


def add_revocation(
    tx: Any, *, user_id: str, course_id: str, enrollment_id: str, payment_id: str
) -> None:
    """Add to ``tx``: the enrollment ``payment_id`` bought becomes revoked (the transaction fails
    on its condition if the enrollment is not that payment's), with ``EnrollmentRevoked``."""
    from functions.enrollment import repository

    event = domain_event(
        "enrollment",
        "EnrollmentRevoked",
        {
            "enrollment_id": enrollment_id,
            "course_id": course_id,
            "user_id": user_id,
            "reason": "refunded",
            "payment_id": payment_id,
            "revoked_at": iso(now()),
        },
    )
    repository.add_revocation(tx, user_id, course_id, payment_id, event)


def add_unread_change(tx: Any, user_id: str, delta: int) -> None:
    """Add to ``tx``: the learner's unread notification count moves by ``delta`` (atomic ADD)."""
    from functions.enrollment import repository

    repository.add_unread_change(tx, user_id, delta)


def add_unread_reset(tx: Any, user_id: str) -> None:
    """Add to ``tx``: the learner's unread notification count becomes 0 (everything read)."""
    from functions.enrollment import repository

    repository.add_unread_reset(tx, user_id)


def add_certificate_card(tx: Any, user_id: str, certificate_id: str, card: dict[str, Any]) -> None:
    """Add to ``tx``: ``card`` (a JSON object with ``id`` and ``issued_at``) is shown among the
    learner's certificates on the dashboard, newest first. Creates the (empty) tiles item at once
    if it is missing: harmless if the transaction then fails."""
    from functions.enrollment import repository

    repository.ensure_tiles(user_id)
    repository.add_certificate_card(tx, user_id, certificate_id, card)


def add_certificate_card_removal(tx: Any, user_id: str, certificate_id: str) -> None:
    """Add to ``tx``: the certificate's card leaves the dashboard (revoked, erased)."""
    from functions.enrollment import repository

    repository.add_certificate_card_removal(tx, user_id, certificate_id)
