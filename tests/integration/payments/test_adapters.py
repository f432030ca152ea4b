"""The three adapters against the provider fakes over loopback HTTP: the real request shapes,
status mapping, idempotency, errors as ProviderUnavailable/ProviderRejected, and the fakes'
misbehaviour knobs and controls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

from functions.payments.providers.airtel_money import AirtelProvider
from functions.payments.providers.mtn_momo import MomoProvider
from functions.payments.providers.port import (
    CheckoutRequest,
    ProviderRejected,
    ProviderUnavailable,
)
from functions.payments.providers.stripe import StripeProvider
from local.fakes import AlreadySettled, Credentials, FakeProviders, UnknownPayment

CREDENTIALS = Credentials(
    stripe_secret_key="sk_test_it",
    stripe_webhook_secret="whsec_it",
    momo_api_user="0d7a3a0e-1111-4222-8333-444455556666",
    momo_api_key="momo-key",
    momo_subscription_key="momo-sub",
    airtel_client_id="airtel-id",
    airtel_client_secret="airtel-secret",
    airtel_callback_secret="airtel-hash-key",
)
API = "https://api.coursewave.test"


class Inbox:
    """What the fakes delivered to our webhook endpoints."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, dict[str, str], bytes]] = []
        self.answer = 200

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes) -> int:
        self.items.append((method, url, headers, body))
        return self.answer


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def fakes(inbox: Inbox) -> Iterator[FakeProviders]:
    fakes = FakeProviders(CREDENTIALS, API, inbox)
    fakes.start()
    yield fakes
    fakes.stop()


@pytest.fixture
def stripe(fakes: FakeProviders) -> StripeProvider:
    return StripeProvider(
        CREDENTIALS.stripe_secret_key,
        CREDENTIALS.stripe_webhook_secret,
        fakes.base_urls["stripe"],
        max_network_retries=0,
    )


@pytest.fixture
def momo(fakes: FakeProviders) -> MomoProvider:
    c = CREDENTIALS
    return MomoProvider(
        fakes.base_urls["momo"],
        "mtnrwanda",
        c.momo_api_user,
        c.momo_api_key,
        c.momo_subscription_key,
    )


@pytest.fixture
def airtel(fakes: FakeProviders) -> AirtelProvider:
    c = CREDENTIALS
    return AirtelProvider(
        fakes.base_urls["airtel"],
        "UG",
        c.airtel_client_id,
        c.airtel_client_secret,
        c.airtel_callback_secret,
    )


def checkout(payment_id: str = "pay_1", **fields: object) -> CheckoutRequest:
    request = CheckoutRequest(
        payment_id=payment_id,
        amount=1999,
        currency="USD",
        description="Paid course",
        customer_email="learner@example.test",
        phone=None,
        success_url="https://app.coursewave.test/payments/done?session={CHECKOUT_SESSION_ID}",
        cancel_url="https://app.coursewave.test/payments/cancelled",
        callback_url=f"{API}/v1/payments/webhooks/stripe",
        idempotency_key=f"idem-{payment_id}",
        expires_at=int(time.time()) + 3600,
    )
    return replace(request, **fields)  # type: ignore[arg-type]


def momo_checkout(payment_id: str = "pay_m", **fields: object) -> CheckoutRequest:
    defaults: dict[str, object] = {
        "amount": 5000,
        "currency": "RWF",
        "phone": "250788123456",
        "callback_url": f"{API}/v1/payments/webhooks/mtn_momo?token=t0k",
    }
    return checkout(payment_id, **{**defaults, **fields})


def airtel_checkout(payment_id: str = "pay_a", **fields: object) -> CheckoutRequest:
    defaults: dict[str, object] = {
        "amount": 5000,
        "currency": "UGX",
        "phone": "256752123456",
        "callback_url": f"{API}/v1/payments/webhooks/airtel_money",
    }
    return checkout(payment_id, **{**defaults, **fields})


# -- Stripe ---------------------------------------------------------------------------------


def test_stripe_checkout_is_paid_on_the_page_and_the_signed_webhook_verifies(
    fakes, stripe, inbox
) -> None:
    started = stripe.start(checkout())
    assert stripe.status(started.provider_ref).status == "pending"
    page = requests.get(started.checkout_url, timeout=5)
    assert page.status_code == 200 and "<form" in page.text and "<script" not in page.text

    paid = requests.post(
        started.checkout_url, data={"action": "pay"}, allow_redirects=False, timeout=5
    )

    assert paid.status_code == 303
    assert paid.headers["Location"].endswith(f"session={started.provider_ref}")
    method, url, headers, body = inbox.items[-1]
    assert (method, url) == ("POST", f"{API}/v1/payments/webhooks/stripe")
    notice = stripe.parse_notification(method, headers, body, time.time())
    assert (notice.provider_ref, notice.payment_id) == (started.provider_ref, "pay_1")
    seen = stripe.status(started.provider_ref)
    assert (seen.status, seen.amount, seen.currency) == ("succeeded", 1999, "USD")
    assert seen.fee == round(1999 * 0.029) + 30 and seen.transaction_id.startswith("pi_")


def test_stripe_cancel_on_the_page_returns_to_the_cancel_url(fakes, stripe, inbox) -> None:
    started = stripe.start(checkout())

    cancelled = requests.post(
        started.checkout_url, data={"action": "cancel"}, allow_redirects=False, timeout=5
    )

    assert cancelled.headers["Location"] == "https://app.coursewave.test/payments/cancelled"
    assert stripe.status(started.provider_ref).status == "cancelled"
    assert b"checkout.session.expired" in inbox.items[-1][3]


def test_stripe_same_idempotency_key_same_session_other_body_rejected(fakes, stripe) -> None:
    request = checkout()
    first = stripe.start(request)
    time.sleep(1.1)  # a retry a moment later sends exactly the same parameters

    assert stripe.start(request).provider_ref == first.provider_ref
    with pytest.raises(ProviderRejected):
        stripe.start(checkout(amount=2999))
    assert sum(1 for m, p in fakes.stripe.requests if p == "/v1/checkout/sessions") == 3
    assert len(fakes.stripe.sessions) == 1


def test_stripe_refund_refunds_the_payment_intent_and_its_webhook_names_the_session(
    fakes, stripe, inbox
) -> None:
    started = stripe.start(checkout())
    fakes.complete("pay_1", "succeeded")

    refunded = stripe.refund(started.provider_ref, 1999, "USD", "refund-pay_1")
    again = stripe.refund(started.provider_ref, 1999, "USD", "refund-pay_1")  # a retry

    assert refunded.status == "succeeded" and again.refund_ref == refunded.refund_ref
    method, _, headers, body = inbox.items[-1]
    notice = stripe.parse_notification(method, headers, body, time.time())
    assert b"charge.refunded" in body
    assert (notice.provider_ref, notice.payment_id) == (started.provider_ref, "pay_1")
    assert stripe.status(started.provider_ref).refunded is True
    with pytest.raises(ProviderRejected):
        stripe.refund(started.provider_ref, 1999, "USD", "another-key")


def test_stripe_refund_of_an_unpaid_session_is_rejected(fakes, stripe) -> None:
    started = stripe.start(checkout())

    with pytest.raises(ProviderRejected):
        stripe.refund(started.provider_ref, 1999, "USD", "r")


def test_stripe_takes_ugx_times_100(fakes, stripe) -> None:
    started = stripe.start(checkout(amount=5000, currency="UGX"))

    assert fakes.stripe.sessions[started.provider_ref]["amount_total"] == 500000
    assert stripe.status(started.provider_ref).amount == 5000


def test_stripe_errors_in_the_ports_words(fakes, stripe) -> None:
    wrong_key = StripeProvider("sk_test_wrong", "whsec", fakes.base_urls["stripe"])
    with pytest.raises(ProviderRejected):
        wrong_key.start(checkout())
    with pytest.raises(ProviderRejected):
        stripe.start(checkout(currency="XYZ"))
    with pytest.raises(ProviderRejected):
        stripe.status("cs_test_missing")
    fakes.knobs.down.add("stripe")
    with pytest.raises(ProviderUnavailable):
        stripe.start(checkout())
    nowhere = StripeProvider("sk", "whsec", "http://127.0.0.1:9", max_network_retries=0)
    with pytest.raises(ProviderUnavailable):
        nowhere.status("cs_test_1")


# -- MTN MoMo -------------------------------------------------------------------------------


def test_momo_request_to_pay_approved_then_called_back(fakes, momo, inbox) -> None:
    started = momo.start(momo_checkout())
    assert started.checkout_url is None
    assert momo.status(started.provider_ref).status == "pending"

    fakes.complete("pay_m", "succeeded")

    method, url, _, body = inbox.items[-1]
    assert (method, url) == ("PUT", f"{API}/v1/payments/webhooks/mtn_momo?token=t0k")
    notice = momo.parse_notification(method, {}, body, 0)
    assert (notice.provider_ref, notice.payment_id) == (started.provider_ref, "pay_m")
    seen = momo.status(started.provider_ref)
    assert (seen.status, seen.amount, seen.currency) == ("succeeded", 5000, "RWF")
    assert seen.transaction_id
    # one token for all three calls (cached until it expires)
    assert sum(1 for _, path in fakes.momo.requests if path == "/collection/token/") == 1


def test_momo_retried_start_is_one_request_to_pay(fakes, momo) -> None:
    first = momo.start(momo_checkout())

    assert momo.start(momo_checkout()).provider_ref == first.provider_ref
    assert len(fakes.momo.payments) == 1


def test_momo_approval_page_declines(fakes, momo) -> None:
    started = momo.start(momo_checkout())
    url = fakes.approval_url("pay_m")
    assert "Approve" in requests.get(url, timeout=5).text

    requests.post(url, data={"action": "decline"}, timeout=5)

    assert momo.status(started.provider_ref).status == "cancelled"


def test_momo_errors_in_the_ports_words(fakes, momo) -> None:
    with pytest.raises(ProviderRejected):
        momo.start(momo_checkout(currency="EUR"))  # not collected in Rwanda: refused locally
    with pytest.raises(ProviderRejected):
        momo.status("7d3f2e1a-0000-4000-8000-000000000000")  # unknown reference
    bad = MomoProvider(fakes.base_urls["momo"], "mtnrwanda", "u", "wrong", "momo-sub")
    with pytest.raises(ProviderRejected):
        bad.start(momo_checkout("pay_x"))
    started = momo.start(momo_checkout())
    fakes.knobs.status_down.add("mtn_momo")
    with pytest.raises(ProviderUnavailable):
        momo.status(started.provider_ref)


# -- Airtel ---------------------------------------------------------------------------------


def test_airtel_payment_approved_then_called_back_with_a_hash(fakes, airtel, inbox) -> None:
    started = airtel.start(airtel_checkout())
    payment = fakes.airtel.payments[started.provider_ref]
    assert payment["msisdn"] == "752123456"  # Airtel takes the number without 256
    assert airtel.status(started.provider_ref).status == "pending"

    fakes.complete("pay_a", "succeeded")

    method, url, headers, body = inbox.items[-1]
    assert (method, url) == ("POST", f"{API}/v1/payments/webhooks/airtel_money")
    assert b'"hash"' in body
    assert airtel.parse_notification(method, headers, body, 0).provider_ref == started.provider_ref
    seen = airtel.status(started.provider_ref)
    assert seen.status == "succeeded" and seen.transaction_id.startswith("MP")


def test_airtel_retried_start_is_one_payment_and_failure_maps(fakes, airtel) -> None:
    first = airtel.start(airtel_checkout())
    assert airtel.start(airtel_checkout()).provider_ref == first.provider_ref
    assert len(fakes.airtel.payments) == 1

    fakes.complete("pay_a", "failed", notify=False)

    assert airtel.status(first.provider_ref).status == "failed"


def test_airtel_errors_in_the_ports_words(fakes, airtel) -> None:
    with pytest.raises(ProviderRejected):
        airtel.start(airtel_checkout(currency="KES"))
    with pytest.raises(ProviderRejected):
        airtel.start(airtel_checkout(phone="+256 75"))
    bad = AirtelProvider(fakes.base_urls["airtel"], "UG", "airtel-id", "wrong", None)
    with pytest.raises(ProviderRejected):
        bad.start(airtel_checkout("pay_y"))
    fakes.knobs.down.add("airtel_money")
    with pytest.raises(ProviderUnavailable):
        airtel.status("anything")


# -- the fakes' knobs and controls ------------------------------------------------------------


def test_notify_false_and_dropped_callbacks_send_nothing_but_redeliver_does(
    fakes, momo, inbox
) -> None:
    momo.start(momo_checkout())
    fakes.knobs.drop_callbacks = True

    fakes.complete("pay_m", "succeeded")

    assert inbox.items == []
    fakes.redeliver("pay_m")
    assert len(inbox.items) == 1


def test_duplicated_and_late_callbacks(fakes, stripe, airtel, inbox) -> None:
    stripe.start(checkout())
    airtel.start(airtel_checkout())
    fakes.knobs.duplicate_callbacks = 3
    fakes.complete("pay_1", "succeeded")
    assert len(inbox.items) == 3 and len({item[3] for item in inbox.items}) == 1

    fakes.knobs.duplicate_callbacks, fakes.knobs.late_callbacks = 1, True
    fakes.complete("pay_a", "succeeded")
    assert len(inbox.items) == 3
    assert fakes.release_late() == 1 and len(inbox.items) == 4


def test_redelivered_stripe_webhooks_are_signed_anew_with_the_same_event(
    fakes, stripe, inbox
) -> None:
    stripe.start(checkout())
    fakes.complete("pay_1", "succeeded")
    time.sleep(1.1)

    fakes.redeliver("pay_1")

    (_, _, first, body1), (_, _, second, body2) = inbox.items
    assert body1 == body2 and first["Stripe-Signature"] != second["Stripe-Signature"]
    assert stripe.parse_notification("POST", second, body2, time.time()).event_id.startswith("evt_")


def test_a_provider_settles_once_and_unknown_payments_are_unknown(fakes, momo) -> None:
    momo.start(momo_checkout())
    fakes.complete("pay_m", "succeeded")

    with pytest.raises(AlreadySettled):
        fakes.complete("pay_m", "failed")
    with pytest.raises(UnknownPayment):
        fakes.complete("pay_nobody", "succeeded")
    with pytest.raises(UnknownPayment):
        fakes.redeliver("pay_nobody")
