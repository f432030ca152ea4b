"""Checkout → webhook → consumer → settle exactly once, refund revokes; against moto in-process
with an in-memory provider (tests/unit/payments/fake.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coursewave.config import reset_settings
from functions.payments import logic
from functions.payments.repository import PaymentItem
from tests.integration.courses.builders import build_course
from tests.support.cloud import Platform
from tests.support.personas import Personas
from tests.unit.payments.fake import FakeProvider


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, platform: Platform) -> Iterator[FakeProvider]:
    provider = FakeProvider()
    monkeypatch.setenv("WEB_APP_URL", "https://app.example.test")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://api.example.test")
    reset_settings()
    monkeypatch.setattr(logic, "_providers", lambda: lambda _name: provider)
    yield provider
    reset_settings()


def _checkout(platform, caller, course_id, key="k1", **extra):
    return platform.call(
        "POST",
        "/v1/payments/checkout",
        caller=caller,
        json_body={"course_id": course_id, "provider": "stripe", **extra},
        headers={"Idempotency-Key": key} if key else {},
    )


def test_paid_course_replays_enroll_once_and_refund_revokes(
    platform: Platform, personas: Personas, fake: FakeProvider
) -> None:
    course = build_course(
        platform, personas.instructor, lessons=1, price={"amount": 1999, "currency": "USD"}
    )
    student = personas.student

    assert _checkout(platform, student, course.id, key=None).status == 400
    first = _checkout(platform, student, course.id)
    assert first.status == 201, first.json()
    again = _checkout(platform, student, course.id)
    assert again.json() == first.json() and fake.starts == 1
    assert _checkout(platform, student, course.id, currency="EUR").status == 422

    payment_id = first.json()["payment_id"]
    ref = f"ref_{payment_id}"
    forged = platform.call(
        "POST",
        "/v1/payments/webhooks/stripe",
        body=fake.notification(ref, "evt_0").replace(b"s3cret", b"nope"),
    )
    assert forged.status == 400

    # A genuine notification while the provider still says pending: ignored.
    platform.call("POST", "/v1/payments/webhooks/stripe", body=fake.notification(ref, "evt_1"))
    platform.drain()
    assert (
        platform.call("GET", f"/v1/payments/{payment_id}", caller=student).json()["status"]
        == "pending"
    )

    fake.complete(ref, "succeeded")
    for _ in range(3):
        platform.call("POST", "/v1/payments/webhooks/stripe", body=fake.notification(ref, "evt_2"))
    platform.call("POST", "/v1/payments/webhooks/stripe", body=fake.notification(ref, "evt_3"))
    platform.drain()

    got = platform.call("GET", f"/v1/payments/{payment_id}", caller=student).json()
    assert got["status"] == "succeeded"
    assert len(platform.events("EnrollmentCreated")) == 1
    assert len(platform.events("PaymentSucceeded")) == 1
    assert platform.call("GET", f"/v1/courses/{course.id}/enrollment", caller=student).status == 200
    assert (
        platform.call("GET", f"/v1/payments/{payment_id}", caller=personas.other_student).status
        == 404
    )
    assert _checkout(platform, student, course.id, key="k2").status == 409

    refund = platform.call(
        "POST", f"/v1/admin/payments/{payment_id}/refund", caller=personas.admin, json_body={}
    )
    assert refund.status == 200, refund.json()
    assert refund.json()["status"] == "refunded"
    assert platform.call("GET", f"/v1/courses/{course.id}/enrollment", caller=student).status == 404
    assert len(platform.events("EnrollmentRevoked")) == 1

    earnings = platform.call("GET", "/v1/instructor/earnings", caller=personas.instructor)
    assert earnings.status == 200, earnings.json()
    assert platform.call("GET", "/v1/instructor/earnings", caller=student).status == 403
    assert (
        len(
            PaymentItem.gsi1.query(f"USER#{student.user_id}#PAYMENTS")
            .__iter__()
            .__next__()
            .payment_id
        )
        > 0
    )


def test_free_coupon_enrolls_at_once_without_provider(
    platform: Platform, personas: Personas, fake: FakeProvider
) -> None:
    course = build_course(
        platform, personas.instructor, lessons=1, price={"amount": 5000, "currency": "RWF"}
    )
    made = platform.call(
        "POST",
        "/v1/admin/coupons",
        caller=personas.admin,
        json_body={"code": "FREE100", "percent_off": 100, "max_redemptions": 1},
    )
    assert made.status == 201, made.json()
    result = _checkout(platform, personas.student, course.id, coupon_code="FREE100")
    assert result.status == 201, result.json()
    assert result.json()["status"] == "succeeded" and result.json()["checkout_url"] is None
    assert fake.starts == 0
    assert _checkout(platform, personas.other_student, course.id, coupon_code="FREE100").status in (
        409,
        422,
    )
    coupons = platform.call("GET", "/v1/admin/coupons", caller=personas.admin).json()
    assert coupons["items"][0]["redemptions"] == 1
