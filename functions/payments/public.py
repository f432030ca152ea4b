"""What other domains may use of the payments domain: the revenue ledger, read only (the
analytics domain's revenue statistics come from here, so money is counted once)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LedgerEntry", "ledger_entries"]


@dataclass(frozen=True)
class LedgerEntry:
    """One succeeded payment's split, in the payment's currency (minor units)."""

    payment_id: str
    course_id: str
    provider: str
    currency: str
    gross: int
    provider_fee: int
    commission: int
    instructor_net: int
    succeeded_at: str
    refunded: bool


def ledger_entries(start: str, end: str) -> list[LedgerEntry]:
    """The platform's ledger entries that succeeded in ``[start, end)`` (ISO 8601 UTC), oldest
    first: one Query on an index (paged by DynamoDB, never a Scan)."""
    from functions.payments import repository

    return [LedgerEntry(**entry) for entry in repository.ledger_between(start, end)]
