"""Payments: pure types and rules (no I/O). Amounts are integers in the currency's minor units.

A payment moves ``pending → succeeded | failed | cancelled | expired`` and ``succeeded →
refunded``; ``expired`` (our own verdict on an abandoned payment) may still become ``succeeded``
if the provider later reports the money taken — money taken always ends in an enrollment.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PENDING = "pending"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"
EXPIRED = "expired"
REFUNDED = "refunded"
STATUSES = (PENDING, SUCCEEDED, FAILED, CANCELLED, EXPIRED, REFUNDED)
ENDED_UNPAID = (FAILED, CANCELLED, EXPIRED)
# From which statuses a provider's verdict may still move a payment.
SETTLEABLE = {
    SUCCEEDED: (PENDING, EXPIRED),
    FAILED: (PENDING,),
    CANCELLED: (PENDING,),
    EXPIRED: (PENDING,),
}

PROVIDERS = ("stripe", "mtn_momo", "airtel_money")
MOBILE_MONEY = ("mtn_momo", "airtel_money")

# Coupon reservation on a payment: reserved at checkout, confirmed on success, released on an
# unpaid end or a refund.
RESERVED = "reserved"
CONFIRMED = "confirmed"
RELEASED = "released"

BPS = 10_000


@dataclass(frozen=True)
class Amount:
    amount: int
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency}


@dataclass
class Coupon:
    code: str
    percent_off: int | None
    amount_off: Amount | None
    course_id: str | None
    max_redemptions: int | None
    expires_at: str | None
    active: bool
    created_at: str
    created_by: str
    used: int = 0  # reserved + confirmed
    confirmed: int = 0

    @property
    def exhausted(self) -> bool:
        """Every redemption is reserved or confirmed (as last read; the checkout's conditional
        write is what enforces ``max_redemptions``)."""
        return self.max_redemptions is not None and self.used >= self.max_redemptions

    def refusal(self, course_id: str, currency: str, moment: str) -> str | None:
        """Why this coupon cannot be used for the course in the currency now (None: it can).
        Being used up is not a refusal of the request's input but a conflict (``exhausted``)."""
        if not self.active:
            return "this coupon is no longer active"
        if self.expires_at is not None and self.expires_at <= moment:
            return "this coupon has expired"
        if self.course_id is not None and self.course_id != course_id:
            return "this coupon is for another course"
        if self.amount_off is not None and self.amount_off.currency != currency:
            return f"this coupon takes {self.amount_off.currency} off, not {currency}"
        return None

    def apply(self, price: Amount) -> Amount:
        """The price after the coupon, never below zero (a 100 % coupon makes it free)."""
        if self.percent_off is not None:
            off = price.amount * self.percent_off // 100
        else:
            assert self.amount_off is not None
            off = self.amount_off.amount
        return Amount(max(0, price.amount - off), price.currency)


@dataclass(frozen=True)
class Ledger:
    """What one succeeded payment earned: gross = fee + commission + net."""

    gross: int
    provider_fee: int
    commission: int
    instructor_net: int
    currency: str


def ledger(gross: int, currency: str, provider_fee: int | None, commission_bps: int) -> Ledger:
    """The platform's commission is taken on the gross (rounded half up, in minor units); the
    provider's fee is the provider's own figure (0 when it does not report one); the instructor
    gets what is left, never below zero."""
    fee = max(0, min(provider_fee or 0, gross))
    commission = min((gross * commission_bps + BPS // 2) // BPS, gross - fee)
    return Ledger(gross, fee, commission, gross - fee - commission, currency)


@dataclass
class Payment:
    id: str
    user_id: str
    course_id: str
    instructor_id: str
    provider: str
    amount: int  # what the payer pays, after the coupon
    currency: str
    list_amount: int  # the course's price before the coupon
    status: str
    created_at: str
    updated_at: str
    payer_email: str
    payer_name: str
    phone: str | None = None
    coupon_code: str | None = None
    coupon_state: str | None = None
    provider_ref: str | None = None
    checkout_url: str | None = None
    provider_status: str | None = None
    transaction_id: str | None = None
    succeeded_at: str | None = None
    ended_at: str | None = None
    enrollment_id: str | None = None
    refund_ref: str | None = None
    refund_manual: bool | None = None
    refunded_at: str | None = None
    refunded_by: str | None = None
    duplicate_of_enrollment: bool = False  # paid while already enrolled: refund it
    ledger: Ledger | None = None
    version: int = 0
    events: list[str] = field(default_factory=list)

    @property
    def price(self) -> Amount:
        return Amount(self.amount, self.currency)

    def can_become(self, status: str) -> bool:
        return self.status in SETTLEABLE.get(status, ())


def request_fingerprint(body: dict[str, Any]) -> str:
    """The hash an ``Idempotency-Key`` is bound to: the same key with another body is a 422."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_older_than(created_at: str, moment: datetime, minutes: int) -> bool:
    created = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return (moment - created).total_seconds() >= minutes * 60
