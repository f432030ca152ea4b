"""Notifications data access (docs/data-model.md, "Notifications").

- ``USER#<uid> / NOTIFICATION#<id>`` — an in-app notification; the id sorts by the event's time,
  so the caller's list is one Query on their partition, newest first. While unread it is also in
  the sparse GSI1 ``USER#<uid>#UNREAD`` / ``<id>`` (``?unread=true``); reading it removes it.
  Created and read in one transaction with the dashboard's unread count (``enrollment.public``).
- ``USER#<uid> / MAILED#<id>`` — an email sent for that (event, recipient, rule): one email per
  notification whatever the deliveries (TTL 30 days). No address, no content.
- ``MAILSUPPRESS#<sha256 of the address> / SUPPRESSION`` — an address that bounced for good or
  complained: no more email to it (the address itself is not stored).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from coursewave.clock import now
from coursewave.db import Item, condition_failed, key, keyed, transaction
from functions.enrollment import public as enrollment
from functions.notifications.domain import Notification, address_digest

MAIL_CLAIM_TTL = timedelta(days=30)
NOTIFICATION_PREFIX = "NOTIFICATION#"
MAILED_PREFIX = "MAILED#"
TX_LIMIT = 100  # items in one TransactWriteItems (the unread count takes one)


class NotificationItem(Item, discriminator="Notification"):
    notification_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    link = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    read_at = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute()

    @staticmethod
    def partition(user_id: str) -> str:
        return key("USER", user_id)

    @staticmethod
    def unread_partition(user_id: str) -> str:
        return key("USER", user_id, "UNREAD")

    def keys(self) -> dict[str, str | None]:
        unread = self.read_at is None
        return {
            "PK": self.partition(self.user_id),
            "SK": NOTIFICATION_PREFIX + self.notification_id,
            "GSI1PK": self.unread_partition(self.user_id) if unread else None,
            "GSI1SK": self.notification_id if unread else None,
        }


class MailClaim(Item, discriminator="NotificationMail"):
    user_id = UnicodeAttribute()
    notification_id = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("USER", self.user_id), "SK": MAILED_PREFIX + self.notification_id}


class Suppression(Item, discriminator="MailSuppression"):
    address_hash = UnicodeAttribute()
    reason = UnicodeAttribute()  # bounce | complaint
    suppressed_at = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("MAILSUPPRESS", self.address_hash), "SK": "SUPPRESSION"}


def _to_domain(item: NotificationItem) -> Notification:
    return Notification(
        id=item.notification_id,
        user_id=item.user_id,
        type=item.type,
        title=item.title,
        body=item.body,
        link=item.link,
        created_at=item.created_at,
        read_at=item.read_at,
        event_id=item.event_id,
    )


def _item(notification: Notification) -> NotificationItem:
    return NotificationItem(
        notification_id=notification.id,
        user_id=notification.user_id,
        type=notification.type,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        created_at=notification.created_at,
        read_at=notification.read_at,
        event_id=notification.event_id,
    )


def create(notification: Notification) -> bool:
    """The notification and +1 on the recipient's unread count, atomically; False (nothing
    written) if it exists already (a repeated event)."""
    try:
        with transaction() as tx:
            tx.save(_item(notification), condition=NotificationItem.SK.does_not_exist())
            enrollment.add_unread_change(tx, notification.user_id, 1)
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def page(
    user_id: str, unread_only: bool, limit: int, start: dict[str, Any] | None
) -> tuple[list[Notification], dict[str, Any] | None]:
    """One Query, newest first: the partition (consistent), or the sparse unread index."""
    if unread_only:
        results = NotificationItem.gsi1.query(
            NotificationItem.unread_partition(user_id),
            scan_index_forward=False,
            last_evaluated_key=start,
            page_size=limit,
        )
    else:
        results = NotificationItem.query(
            NotificationItem.partition(user_id),
            NotificationItem.SK.startswith(NOTIFICATION_PREFIX),
            scan_index_forward=False,
            consistent_read=True,
            last_evaluated_key=start,
            page_size=limit,
        )
    raw_page = next(results.page_iter, None) or {}
    found = [_to_domain(NotificationItem.from_raw_data(raw)) for raw in raw_page.get("Items", [])]
    return found, results.page_iter.last_evaluated_key


def partition_of(user_id: str, unread_only: bool) -> tuple[set[str], dict[str, str]]:
    """The key names and the pinned partition of a list cursor."""
    if unread_only:
        return {"PK", "SK", "GSI1PK", "GSI1SK"}, {
            "GSI1PK": NotificationItem.unread_partition(user_id)
        }
    return {"PK", "SK"}, {"PK": NotificationItem.partition(user_id)}


def mark_read(user_id: str, notification_id: str, at: str) -> bool | None:
    """Read it, and -1 on the unread count, atomically: True; False if it was read already (no
    change); None if the caller has no such notification."""
    item = keyed(_item(Notification(notification_id, user_id, "", "", "", None, "")))
    try:
        with transaction() as tx:
            tx.update(
                item,
                actions=[
                    NotificationItem.read_at.set(at),
                    NotificationItem.GSI1PK.remove(),
                    NotificationItem.GSI1SK.remove(),
                ],
                condition=NotificationItem.SK.exists() & NotificationItem.read_at.does_not_exist(),
            )
            enrollment.add_unread_change(tx, user_id, -1)
    except TransactWriteError as exc:
        if not condition_failed(exc):
            raise
        try:
            NotificationItem.get(item.PK, item.SK, consistent_read=True, attributes_to_get=["PK"])
        except DoesNotExist:
            return None
        return False
    return True


def unread_ids(user_id: str, limit: int) -> list[str]:
    """Up to ``limit`` unread notification ids, from the partition (consistent; a filter)."""
    results = NotificationItem.query(
        NotificationItem.partition(user_id),
        NotificationItem.SK.startswith(NOTIFICATION_PREFIX),
        filter_condition=NotificationItem.read_at.does_not_exist(),
        consistent_read=True,
        limit=limit,
    )
    return [item.notification_id for item in results]


def mark_many_read(user_id: str, notification_ids: list[str], at: str) -> bool:
    """Read them all and take their number off the unread count, atomically (≤ 99 ids); False
    if one of them was read meanwhile (nothing written: read them again)."""
    try:
        with transaction() as tx:
            for notification_id in notification_ids:
                item = keyed(_item(Notification(notification_id, user_id, "", "", "", None, "")))
                tx.update(
                    item,
                    actions=[
                        NotificationItem.read_at.set(at),
                        NotificationItem.GSI1PK.remove(),
                        NotificationItem.GSI1SK.remove(),
                    ],
                    condition=NotificationItem.read_at.does_not_exist(),
                )
            enrollment.add_unread_change(tx, user_id, -len(notification_ids))
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


# -- email --------------------------------------------------------------------------------------


def claim_mail(user_id: str, notification_id: str) -> bool:
    """Claim the one email of a notification: False if it was sent (claimed) already."""
    claim = MailClaim(
        user_id=user_id, notification_id=notification_id, expires_at=now() + MAIL_CLAIM_TTL
    )
    try:
        claim.save(condition=MailClaim.SK.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release_mail(user_id: str, notification_id: str) -> None:
    """Give a claim back (the send failed: the retry sends it)."""
    keyed(MailClaim(user_id=user_id, notification_id=notification_id)).delete()


def suppressed(address: str) -> bool:
    try:
        Suppression.get(
            key("MAILSUPPRESS", address_digest(address)), "SUPPRESSION", attributes_to_get=["PK"]
        )
    except DoesNotExist:
        return False
    return True


def suppress(address: str, reason: str, at: str) -> None:
    """No more email to the address (idempotent: the first reason is kept)."""
    item = Suppression(address_hash=address_digest(address), reason=reason, suppressed_at=at)
    try:
        item.save(condition=Suppression.SK.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


# -- erasure ------------------------------------------------------------------------------------


def erase(user_id: str) -> int:
    """Delete every notification and mail claim of the user and reset their unread count.
    Returns how many items went (0 for a repeat)."""
    doomed: list[Item] = []
    for prefix in (NOTIFICATION_PREFIX, MAILED_PREFIX):
        doomed += list(
            Item.query(key("USER", user_id), Item.SK.startswith(prefix), consistent_read=True)
        )
    for start in range(0, len(doomed), TX_LIMIT - 1):
        with transaction() as tx:
            for item in doomed[start : start + TX_LIMIT - 1]:
                tx.delete(item)
            enrollment.add_unread_reset(tx, user_id)
    return len(doomed)
