"""The invariant under misbehaving providers and racing clients (issue 10 "Tests that must
exist"), through the real adapters and the provider fakes: a succeeded payment ends with exactly
one enrollment, refused or unverified input writes nothing, and state comes from the provider."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor

from functions.payments.providers import credentials
from tests.integration.payments.conftest import Shop, table_snapshot
from tests.support.cloud import Response


def _payments(shop: Shop) -> list[dict]:
    listed = shop.platform.call("GET", "/v1/admin/payments?limit=100", caller=shop.personas.admin)
    return listed.json()["items"]


def _enrollments_created(shop: Shop) -> int:
    return len(shop.platform.events("EnrollmentCreated"))


def test_webhook_replayed_three_times_enrolls_once(shop: Shop) -> None:
    student = shop.personas.student
    payment_id = shop.paid(student)  # the first delivery

    for _ in range(3):
        shop.providers.redeliver(payment_id)
    shop.providers.knobs.duplicate_callbacks = 3
    shop.platform.drain()

    assert _enrollments_created(shop) == 1
    assert len(shop.platform.events("PaymentSucceeded")) == 1
    assert shop.enrollment(student).json()["status"] == "active"


def test_twenty_concurrent_checkouts_with_one_key_make_one_payment(shop: Shop) -> None:
    student = shop.personas.student

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers: list[Response] = list(
            pool.map(lambda _: shop.checkout(student, key="one-key"), range(20))
        )

    statuses = sorted(a.status for a in answers)
    assert set(statuses) <= {201, 409}, statuses
    created = [a.json() for a in answers if a.status == 201]
    assert created and all(body == created[0] for body in created)
    assert [p["id"] for p in _payments(shop)] == [created[0]["payment_id"]]
    assert len(shop.providers.stripe.sessions) == 1
    # Once the first request finished, a retry with the key answers its response.
    assert shop.checkout(student, key="one-key").json() == created[0]


def test_five_concurrent_checkouts_for_the_last_coupon_redemption_reserve_it_once(
    shop: Shop,
) -> None:
    shop.coupon("LAST1", percent_off=50, max_redemptions=1)
    buyers = [shop.platform.user("student") for _ in range(5)]

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda b: shop.checkout(b, coupon_code="LAST1"), buyers))

    winners = [a for a in answers if a.status == 201]
    assert len(winners) == 1, [(a.status, a.body) for a in answers]
    assert {a.error_code for a in answers if a.status != 201} == {"COUPON_EXHAUSTED"}, [
        (a.status, a.body) for a in answers
    ]
    assert winners[0].json()["amount"] == {"amount": 1000, "currency": "USD"}
    assert len(_payments(shop)) == 1
    coupon = shop.platform.call("GET", "/v1/admin/coupons", caller=shop.personas.admin).json()
    assert coupon["items"][0]["reserved"] == 1 and coupon["items"][0]["redemptions"] == 0


def test_a_coupon_seen_used_up_answers_as_losing_the_race_for_it(shop: Shop) -> None:
    shop.coupon("ONCE", percent_off=50, max_redemptions=1)
    assert shop.checkout(shop.platform.user("student"), coupon_code="ONCE").status == 201
    latecomer = shop.platform.user("student")
    before = table_snapshot()

    late = shop.checkout(latecomer, coupon_code="ONCE")

    assert late.status == 409 and late.error_code == "COUPON_EXHAUSTED", late.body
    assert table_snapshot() == before
    assert len(_payments(shop)) == 1


def test_a_callback_that_never_arrives_is_settled_by_the_reconcile_job(shop: Shop) -> None:
    student = shop.personas.student
    payment_id = shop.checkout(student, "mtn_momo").json()["payment_id"]

    shop.providers.complete(payment_id, "succeeded", notify=False)
    shop.platform.drain()
    assert shop.status(payment_id) == "pending"

    report = shop.reconcile()

    assert report["settled"] == 1
    assert shop.status(payment_id) == "succeeded"
    assert shop.enrollment(student).json()["status"] == "active"
    assert shop.reconcile()["settled"] == 0  # nothing left to do
    assert _enrollments_created(shop) == 1


def test_a_forged_callback_is_ignored_because_the_provider_says_otherwise(shop: Shop) -> None:
    student = shop.personas.student
    payment_id = shop.checkout(student, "mtn_momo").json()["payment_id"]
    ref = shop.providers.momo.find(payment_id)["ref"]  # type: ignore[index]
    forged = {
        "referenceId": ref,
        "externalId": payment_id,
        "status": "SUCCESSFUL",
        "amount": "5000",
        "currency": "RWF",
        "financialTransactionId": "forged-1",
    }

    answered = shop.platform.call(
        "PUT", "/v1/payments/webhooks/mtn_momo", body=json.dumps(forged).encode()
    )
    shop.platform.drain()

    assert answered.status == 200  # acknowledged (a real retry must not be refused) ...
    assert shop.status(payment_id) == "pending"  # ... but the provider's status API decides
    assert shop.enrollment(student).status == 404
    assert _enrollments_created(shop) == 0


def test_a_provider_that_is_down_leaves_the_payment_pending_until_a_later_run(
    shop: Shop,
) -> None:
    student = shop.personas.student
    payment_id = shop.checkout(student, "airtel_money").json()["payment_id"]
    shop.providers.knobs.status_down.add("airtel_money")

    shop.providers.complete(payment_id, "succeeded")  # the callback arrives; status API is down
    shop.platform.drain()
    report = shop.reconcile()

    assert shop.status(payment_id) == "pending"
    assert report["unavailable"] >= 1
    assert shop.enrollment(student).status == 404

    shop.providers.knobs.status_down.clear()
    assert shop.reconcile()["settled"] == 1
    assert shop.status(payment_id) == "succeeded"
    assert shop.enrollment(student).json()["status"] == "active"


def test_a_checkout_while_the_provider_is_down_is_refused_with_nothing_left_pending(
    shop: Shop,
) -> None:
    shop.providers.knobs.down.add("stripe")

    answered = shop.checkout(shop.personas.student)

    assert answered.status == 503, answered.body
    assert [p["status"] for p in _payments(shop)] == ["failed"]


def _sign(body: bytes, timestamp: int) -> dict[str, str]:
    secret = credentials.value("stripe_webhook_secret") or ""
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {"Stripe-Signature": f"t={timestamp},v1={signed.hexdigest()}"}


def test_stripe_webhooks_with_a_stale_or_future_timestamp_or_a_reserialized_body_are_refused(
    shop: Shop,
) -> None:
    payment_id = shop.checkout(shop.personas.student).json()["payment_id"]
    shop.providers.knobs.drop_callbacks = True  # keep the genuine webhook to tamper with
    shop.providers.complete(payment_id, "succeeded")
    body = shop.providers.outbox.last[payment_id].body
    now = int(time.time())
    reserialized = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert reserialized != body

    def post(raw: bytes, headers: dict[str, str]) -> Response:
        return shop.platform.call("POST", "/v1/payments/webhooks/stripe", body=raw, headers=headers)

    for label, raw, headers in [
        ("stale", body, _sign(body, now - 301)),
        ("future", body, _sign(body, now + 301)),
        ("re-serialized", reserialized, _sign(body, now)),
        ("wrong secret", body, {"Stripe-Signature": f"t={now},v1={'0' * 64}"}),
        ("unsigned", body, {}),
    ]:
        before = table_snapshot()
        answered = post(raw, headers)
        assert (answered.status, answered.error_code) == (400, "BAD_REQUEST"), label
        assert table_snapshot() == before, label

    assert post(body, _sign(body, now)).status == 200  # the genuine one, signed now
    shop.platform.drain()
    assert shop.status(payment_id) == "succeeded"


def test_a_refund_asked_for_before_the_payment_completes_is_refused_then_works(
    shop: Shop,
) -> None:
    student = shop.personas.student
    payment_id = shop.checkout(student).json()["payment_id"]
    path = f"/v1/admin/payments/{payment_id}/refund"

    before = table_snapshot()
    early = shop.platform.call("POST", path, caller=shop.personas.admin, json_body={})
    assert (early.status, early.error_code) == (409, "CONFLICT"), early.body
    assert table_snapshot() == before

    shop.providers.complete(payment_id, "succeeded")
    shop.platform.drain()
    assert shop.enrollment(student).json()["status"] == "active"
    late = shop.platform.call("POST", path, caller=shop.personas.admin, json_body={})
    assert late.status == 200 and late.json()["status"] == "refunded"
    # The success webhook delivered again after the refund changes nothing.
    shop.providers.redeliver(payment_id)
    shop.platform.drain()
    assert shop.status(payment_id) == "refunded"
    assert _enrollments_created(shop) == 1


def test_a_late_success_after_expiry_still_enrolls_once(shop: Shop) -> None:
    student = shop.personas.student
    payment_id = shop.checkout(student, "mtn_momo").json()["payment_id"]
    shop.providers.knobs.late_callbacks = True
    shop.providers.complete(payment_id, "succeeded")
    shop.providers.release_late()
    shop.providers.release_late()  # nothing held twice
    shop.platform.drain()

    assert shop.status(payment_id) == "succeeded"
    assert _enrollments_created(shop) == 1


def test_a_refund_revokes_playback_and_each_money_event_sends_a_receipt(shop: Shop) -> None:
    from tests.integration.courses.builders import build_course

    youtube = {
        "type": "video",
        "video": {"source": "youtube", "url": "https://youtu.be/dQw4w9WgXcQ"},
    }
    course = build_course(
        shop.platform,
        shop.personas.instructor,
        lessons=1,
        price={"amount": 4900, "currency": "USD"},
        lesson_overrides=[youtube],
    )
    student = shop.personas.student
    playback = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}/playback"
    payment_id = shop.paid(student, course_id=course.id)
    watching = shop.platform.call("GET", playback, caller=student)
    assert watching.status == 200 and watching.json()["type"] == "youtube"

    refunded = shop.platform.call(
        "POST",
        f"/v1/admin/payments/{payment_id}/refund",
        caller=shop.personas.admin,
        json_body={"reason": "asked for it"},
    )
    shop.platform.drain()

    assert refunded.status == 200
    assert shop.platform.call("GET", playback, caller=student).status in (403, 404)
    lesson = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}"
    assert shop.platform.call("GET", lesson, caller=student).status in (403, 404)
    assert shop.providers.stripe.refunds, "the Stripe refund API was called"
    subjects = [m["subject"] for m in shop.platform.mailbox.items(to=student.email)]
    # one receipt for the payment, one for the refund (beside the enrollment's notification)
    receipts = [s for s in subjects if s in ("Your Coursewave receipt", "Your Coursewave refund")]
    assert sorted(receipts) == ["Your Coursewave receipt", "Your Coursewave refund"], subjects
    audit = shop.platform.call("GET", "/v1/admin/audit-log", caller=shop.personas.admin).json()
    assert any(payment_id in json.dumps(entry) for entry in audit["items"])
