"""The audit log of admin and money actions (``GET /v1/admin/audit-log``).

Any domain that performs such an action writes ``audit_entry(...)`` in the same transaction as the
change (``tx.save(entry)``), so the log cannot miss a change nor record one that did not happen.
Entries hold ids and the before/after of the fields that changed, never names or emails: they are
kept when an account is erased.

Keys: one partition ``PK=AUDIT`` with ``SK=<entry id>`` (a ULID: millisecond time order), read
newest first. Admin actions are rare (well under DynamoDB's per-partition write limit) and a
partition without a local index has no size limit, so one partition keeps "newest first across
all time" a single Query. ``GSI1`` lists the entries about one target, ``GSI2`` those by one actor.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from coursewave.clock import new_id, now_iso
from coursewave.db import Item, key
from coursewave.observability import correlation_id

AUDIT_PARTITION = "AUDIT"


class AuditEntry(Item, discriminator="AuditEntry"):
    entry_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    action = UnicodeAttribute()  # "<target type>.<verb>", e.g. "user.banned", "payment.refunded"
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    before = UnicodeAttribute(default="{}")  # JSON
    after = UnicodeAttribute(default="{}")  # JSON
    reason = UnicodeAttribute(null=True)
    correlation_id = UnicodeAttribute(null=True)

    @staticmethod
    def target_key(target_type: str, target_id: str) -> str:
        return key("AUDIT", target_type, target_id)

    @staticmethod
    def actor_key(actor_id: str) -> str:
        return key("AUDIT#ACTOR", actor_id)

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": AUDIT_PARTITION,
            "SK": self.entry_id,
            "GSI1PK": self.target_key(self.target_type, self.target_id),
            "GSI1SK": self.entry_id,
            "GSI2PK": self.actor_key(self.actor_id),
            "GSI2SK": self.entry_id,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry_id,
            "at": self.at,
            "actor_id": self.actor_id,
            "action": self.action,
            "target": {"type": self.target_type, "id": self.target_id},
            "before": json.loads(self.before),
            "after": json.loads(self.after),
            "reason": self.reason,
            "correlation_id": self.correlation_id,
        }


def audit_entry(
    *,
    actor_id: str,
    action: str,
    target_type: str,
    target_id: str,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str | None = None,
) -> AuditEntry:
    """An entry ready to be saved in the transaction that makes the change it records."""
    return AuditEntry(
        entry_id=new_id(),
        at=now_iso(),
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=json.dumps(before, sort_keys=True, default=str),
        after=json.dumps(after, sort_keys=True, default=str),
        reason=reason,
        correlation_id=correlation_id(),
    )
