"""The Stripe adapter's offline parts: webhook verification, status mapping, amounts."""

from __future__ import annotations

import json
import time

import pytest

from functions.payments.providers.port import IgnoredNotification, InvalidNotification
from functions.payments.providers.stripe import (
    StripeProvider,
    from_stripe_amount,
    observe,
    to_stripe_amount,
)
from local.fakes.stripe_fake import sign

SECRET = "whsec_unit"


@pytest.fixture
def adapter() -> StripeProvider:
    return StripeProvider("sk_test_unit", SECRET, "http://127.0.0.1:9")  # never called


def event(kind: str = "checkout.session.completed") -> bytes:
    session = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "metadata": {"payment_id": "pay_1"},
        "client_reference_id": "pay_1",
    }
    body = {"id": "evt_1", "object": "event", "type": kind, "data": {"object": session}}
    return json.dumps(body, indent=2).encode()


def test_a_correctly_signed_event_names_the_session_and_our_payment(adapter) -> None:
    body, now = event(), time.time()

    found = adapter.parse_notification("POST", {"Stripe-Signature": sign(body, SECRET)}, body, now)

    assert (found.event_id, found.provider_ref, found.payment_id) == ("evt_1", "cs_test_1", "pay_1")


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda body, now: (body, sign(body, "whsec_other")), id="wrong secret"),
        pytest.param(lambda body, now: (body, sign(body, SECRET, int(now) - 301)), id="stale"),
        pytest.param(lambda body, now: (body, sign(body, SECRET, int(now) + 3600)), id="future"),
        pytest.param(
            lambda body, now: (
                json.dumps(json.loads(body)).encode(),  # same JSON, re-serialized
                sign(body, SECRET, int(now)),
            ),
            id="re-serialized body",
        ),
        pytest.param(lambda body, now: (body, ""), id="no header"),
        pytest.param(lambda body, now: (body, "t=abc,v1=00"), id="garbled header"),
        pytest.param(
            lambda body, now: (body, sign(body, SECRET).replace("v1=", "v0=")), id="wrong scheme"
        ),
    ],
)
def test_a_webhook_that_does_not_verify_is_invalid(adapter, tamper) -> None:
    now = time.time()
    body, header = tamper(event(), now)

    with pytest.raises(InvalidNotification):
        adapter.parse_notification("POST", {"stripe-signature": header}, body, now)


def test_a_timestamp_within_the_clock_skew_is_accepted(adapter) -> None:
    body, now = event(), time.time()

    found = adapter.parse_notification(
        "POST", {"stripe-signature": sign(body, SECRET, int(now) + 10)}, body, now
    )

    assert found.event_id == "evt_1"


def test_another_event_type_is_ignored_not_rejected(adapter) -> None:
    body = event("customer.created")

    with pytest.raises(IgnoredNotification):
        adapter.parse_notification(
            "POST", {"stripe-signature": sign(body, SECRET)}, body, time.time()
        )


def test_only_posts_are_webhooks(adapter) -> None:
    body = event()
    with pytest.raises(InvalidNotification):
        adapter.parse_notification("PUT", {"stripe-signature": sign(body, SECRET)}, body, 0)


def session(**fields: object) -> dict[str, object]:
    base = {
        "id": "cs_1",
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": 1999,
        "currency": "usd",
        "expires_at": 2_000,
        "payment_intent": None,
    }
    return {**base, **fields}


@pytest.mark.parametrize(
    ("fields", "now", "expected"),
    [
        ({}, 1_000, "pending"),
        ({"status": "complete", "payment_status": "paid"}, 1_000, "succeeded"),
        ({"status": "complete", "payment_status": "no_payment_required"}, 1_000, "succeeded"),
        (
            {"status": "complete", "payment_intent": {"id": "pi", "status": "processing"}},
            1_000,
            "pending",
        ),
        (
            {
                "status": "complete",
                "payment_intent": {"id": "pi", "status": "requires_payment_method"},
            },
            1_000,
            "failed",
        ),
        ({"status": "expired"}, 1_000, "cancelled"),  # expired before its time: someone did it
        ({"status": "expired"}, 3_000, "expired"),
    ],
)
def test_session_states_map_to_ours(fields, now, expected) -> None:
    assert observe(session(**fields), now).status == expected


def test_the_fee_comes_from_the_balance_transaction_in_the_payments_currency() -> None:
    charge = {"id": "ch", "refunded": True, "balance_transaction": {"fee": 88, "currency": "usd"}}
    paid = session(
        status="complete",
        payment_status="paid",
        payment_intent={"id": "pi_1", "status": "succeeded", "latest_charge": charge},
    )

    seen = observe(paid, 0)

    assert (seen.fee, seen.transaction_id, seen.refunded, seen.amount, seen.currency) == (
        88,
        "pi_1",
        True,
        1999,
        "USD",
    )


def test_a_fee_settled_in_another_currency_is_unknown() -> None:
    charge = {"id": "ch", "balance_transaction": {"fee": 88, "currency": "eur"}}
    paid = session(
        status="complete",
        payment_status="paid",
        payment_intent={"id": "pi", "latest_charge": charge},
    )

    assert observe(paid, 0).fee is None


@pytest.mark.parametrize(
    ("amount", "currency", "stripe"),
    [(1999, "USD", 1999), (5000, "RWF", 5000), (5000, "UGX", 500000), (300, "ISK", 30000)],
)
def test_amounts_follow_stripes_special_cases(amount, currency, stripe) -> None:
    assert to_stripe_amount(amount, currency) == stripe
    assert from_stripe_amount(stripe, currency) == amount
