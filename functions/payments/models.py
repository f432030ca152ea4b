"""Payments API models (API.md "Payments")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from coursewave.models import Out, Strict

ProviderName = Literal["stripe", "mtn_momo", "airtel_money"]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
CouponCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9_-]{2,31}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9]{8,15}$")]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]{1,128}$")]
# [0-9], not \d: the document's ECMA-262 reads \d as ASCII digits, Python and Rust as any digit.
Timestamp = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
]


class CheckoutIn(Strict):
    course_id: Id
    provider: ProviderName
    currency: Currency | None = None
    phone: Phone | None = None
    coupon_code: CouponCode | None = None


class MoneyOut(Out):
    amount: int
    currency: str


class CheckoutOut(Out):
    payment_id: str
    status: str
    provider: str
    amount: MoneyOut
    course_id: str
    checkout_url: str | None


class PaymentOut(Out):
    id: str
    status: str
    provider: str
    amount: MoneyOut
    list_price: MoneyOut
    course_id: str
    coupon_code: str | None
    created_at: str
    succeeded_at: str | None
    refunded_at: str | None
    checkout_url: str | None


class PaymentAdminOut(PaymentOut):
    user_id: str
    instructor_id: str
    provider_ref: str | None
    refund_ref: str | None
    refund_manual: bool | None
    duplicate_of_enrollment: bool


class PaymentList(Out):
    items: list[PaymentOut]
    next_cursor: str | None


class PaymentAdminList(Out):
    items: list[PaymentAdminOut]
    next_cursor: str | None


class ListQuery(Strict):
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: str | None = None


class AdminPaymentsQuery(ListQuery):
    status: Literal["pending", "succeeded", "failed", "cancelled", "expired", "refunded"] | None = (
        None
    )
    provider: ProviderName | None = None
    course_id: Id | None = None


class RefundIn(Strict):
    provider_reference: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = (
        None
    )
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class AmountOffIn(Strict):
    amount: Annotated[int, Field(ge=1)]
    currency: Currency


class CouponIn(Strict):
    code: CouponCode
    percent_off: Annotated[int, Field(ge=1, le=100)] | None = None
    amount_off: AmountOffIn | None = None
    course_id: Id | None = None
    max_redemptions: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    expires_at: Timestamp | None = None

    @model_validator(mode="after")
    def _one_discount(self) -> CouponIn:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("send exactly one of percent_off and amount_off")
        return self


class CouponPatch(Strict):
    active: bool


class CouponOut(Out):
    code: str
    percent_off: int | None
    amount_off: MoneyOut | None
    course_id: str | None
    max_redemptions: int | None
    expires_at: str | None
    active: bool
    redemptions: int
    reserved: int
    created_at: str


class CouponList(Out):
    items: list[CouponOut]
    next_cursor: str | None


class EarningsQuery(Strict):
    instructor_id: Id | None = None
    from_: Timestamp | None = Field(default=None, alias="from")
    to: Timestamp | None = None


class EarningsTotal(Out):
    currency: str
    gross: int
    fees: int
    commission: int
    net: int
    count: int


class CourseEarnings(EarningsTotal):
    course_id: str


class LedgerOut(Out):
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


class EarningsOut(Out):
    instructor_id: str
    totals: list[EarningsTotal]
    by_course: list[CourseEarnings]
    items: list[LedgerOut]


class Received(Out):
    received: bool
