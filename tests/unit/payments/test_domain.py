from __future__ import annotations

from functions.payments import domain
from functions.payments.domain import Amount, Coupon


def _coupon(**kw) -> Coupon:
    base = dict(
        code="SAVE",
        percent_off=None,
        amount_off=None,
        course_id=None,
        max_redemptions=None,
        expires_at=None,
        active=True,
        created_at="",
        created_by="",
    )
    return Coupon(**{**base, **kw})


def test_ledger_adds_up_and_rounds_commission_half_up() -> None:
    entry = domain.ledger(1999, "USD", 88, 2000)
    assert entry.commission == 400
    assert entry.gross == entry.provider_fee + entry.commission + entry.instructor_net


def test_ledger_never_negative_net() -> None:
    entry = domain.ledger(100, "RWF", 500, 2000)
    assert entry.provider_fee == 100 and entry.instructor_net == 0 and entry.commission == 0


def test_percent_and_amount_coupons() -> None:
    assert _coupon(percent_off=25).apply(Amount(5000, "RWF")) == Amount(3750, "RWF")
    assert _coupon(amount_off=Amount(9999, "USD")).apply(Amount(500, "USD")).amount == 0


def test_coupon_refusals() -> None:
    moment = "2026-12-01T00:00:00Z"
    assert _coupon(percent_off=10, active=False).refusal("c", "USD", moment)
    assert _coupon(percent_off=10, expires_at="2026-11-01T00:00:00Z").refusal("c", "USD", moment)
    assert _coupon(percent_off=10, course_id="other").refusal("c", "USD", moment)
    assert _coupon(amount_off=Amount(1, "EUR")).refusal("c", "USD", moment)
    assert _coupon(percent_off=10, course_id="c").refusal("c", "USD", moment) is None


def test_a_used_up_coupon_is_exhausted_not_refused() -> None:
    # 409 COUPON_EXHAUSTED (a conflict, as losing the race for the last redemption), not a 422
    used_up = _coupon(percent_off=10, max_redemptions=1, used=1)
    assert used_up.exhausted and used_up.refusal("c", "USD", "2026-11-20T00:00:00Z") is None
    assert not _coupon(percent_off=10, max_redemptions=2, used=1).exhausted
    assert not _coupon(percent_off=10, used=1000).exhausted  # no limit


def test_fingerprint_is_order_independent() -> None:
    assert domain.request_fingerprint({"a": 1, "b": 2}) == domain.request_fingerprint(
        {"b": 2, "a": 1}
    )


def test_expired_may_still_succeed_but_refunded_never_moves() -> None:
    payment = domain.Payment(
        id="p",
        user_id="u",
        course_id="c",
        instructor_id="i",
        provider="stripe",
        amount=1,
        currency="USD",
        list_amount=1,
        status=domain.EXPIRED,
        created_at="",
        updated_at="",
        payer_email="",
        payer_name="",
    )
    assert payment.can_become(domain.SUCCEEDED)
    payment.status = domain.REFUNDED
    assert not any(payment.can_become(s) for s in domain.STATUSES)
