"""The in-process platform carries the provider fakes, and the gateway serves the
``/_local/payments/{payment_id}/complete|redeliver`` controls (API.md "Local mode only")."""

from __future__ import annotations

from coursewave import resources
from coursewave.config import settings
from functions.payments.providers import provider
from functions.payments.providers.port import CheckoutRequest


def test_the_adapters_are_configured_for_the_fakes(platform) -> None:
    config = settings()

    assert config.stripe_api_base == platform.providers.base_urls["stripe"]
    assert config.momo_target_environment == "mtnrwanda"
    assert provider("mtn_momo").currencies == {"RWF"}
    assert provider("airtel_money").currencies == {"UGX"}
    assert provider("stripe") is provider("stripe")  # built once per settings
    assert platform.provisioned.env[resources.PAYMENTS_SECRET.env]


def test_complete_settles_through_the_fake_and_redeliver_repeats(platform) -> None:
    started = provider("mtn_momo").start(
        CheckoutRequest(
            "pay_local",
            5000,
            "RWF",
            "Course",
            "learner@example.test",
            "250788123456",
            "",
            "",
            "https://api.coursewave.test/v1/payments/webhooks/mtn_momo",
            "idem-local",
        )
    )
    sent_before = len(platform.providers.outbox.sent)

    done = platform.call(
        "POST",
        "/_local/payments/pay_local/complete",
        json_body={"outcome": "succeeded", "notify": False},
    )
    again = platform.call("POST", "/_local/payments/pay_local/redeliver")

    assert (done.status, again.status) == (202, 202)
    assert provider("mtn_momo").status(started.provider_ref).status == "succeeded"
    assert len(platform.providers.outbox.sent) == sent_before + 1  # only the redelivery
    repeat = platform.call(
        "POST", "/_local/payments/pay_local/complete", json_body={"outcome": "failed"}
    )
    assert repeat.status == 409


def test_controls_refuse_unknown_payments_and_bad_bodies(platform) -> None:
    unknown = platform.call(
        "POST", "/_local/payments/pay_nobody/complete", json_body={"outcome": "succeeded"}
    )
    bad = platform.call(
        "POST", "/_local/payments/pay_nobody/complete", json_body={"outcome": "maybe"}
    )
    nothing = platform.call("POST", "/_local/payments/pay_nobody/redeliver")

    assert (unknown.status, unknown.error_code) == (404, "NOT_FOUND")
    assert (bad.status, bad.error_code) == (422, "VALIDATION_ERROR")
    assert nothing.status == 404
