"""Payments against the real adapters and the provider fakes (local/fakes, in-process): the
platform's ``providers`` settle payments as payers would and deliver signed webhooks and
callbacks straight into the gateway."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from coursewave import resources
from coursewave.config import reset_settings, settings
from functions.payments import logic
from functions.payments.providers import reset as reset_providers
from local.fakes import FakeProviders
from tests.integration.courses.builders import BuiltCourse, build_course
from tests.support.cloud import Caller, Platform, Response
from tests.support.fake_providers import API_BASE_URL
from tests.support.personas import Personas

WEB_APP_URL = "https://app.coursewave.test"
USD_PRICE = {"amount": 1999, "currency": "USD"}
RWF_PRICE = {"amount": 5000, "currency": "RWF"}
UGX_PRICE = {"amount": 20000, "currency": "UGX"}


@dataclass
class Shop:
    """A paid course on a platform with the provider fakes, and the calls a buyer makes."""

    platform: Platform
    personas: Personas
    providers: FakeProviders
    course: BuiltCourse
    _keys: Iterator[int] = field(default_factory=itertools.count)

    def key(self) -> str:
        """A fresh Idempotency-Key, also when buyers check out from several threads at once."""
        return f"key-{next(self._keys)}"

    def checkout(
        self,
        caller: Caller | None,
        provider: str = "stripe",
        *,
        key: str | None = None,
        course_id: str | None = None,
        **extra: Any,
    ) -> Response:
        body: dict[str, Any] = {"course_id": course_id or self.course.id, "provider": provider}
        if provider == "mtn_momo":  # MTN Rwanda (RWF), as the local adapters are configured
            body.setdefault("phone", "250788123456")
            body.setdefault("currency", "RWF")
        if provider == "airtel_money":  # Airtel Uganda (UGX)
            body.setdefault("phone", "256700123456")
            body.setdefault("currency", "UGX")
        body.update(extra)
        return self.platform.call(
            "POST",
            "/v1/payments/checkout",
            caller=caller,
            json_body=body,
            headers={"Idempotency-Key": key or self.key()},
        )

    def coupon(self, code: str, **terms: Any) -> None:
        """An admin's new coupon ``code`` with ``terms`` (percent_off, max_redemptions…)."""
        made = self.platform.call(
            "POST",
            "/v1/admin/coupons",
            caller=self.personas.admin,
            json_body={"code": code, **terms},
        )
        assert made.status == 201, made.json()

    def paid(self, caller: Caller, provider: str = "stripe", **extra: Any) -> str:
        """Check out and pay (the fake notifies); the events are drained. The payment id."""
        started = self.checkout(caller, provider, **extra)
        assert started.status == 201, started.json()
        payment_id = str(started.json()["payment_id"])
        self.providers.complete(payment_id, "succeeded")
        self.platform.drain()
        assert self.status(payment_id) == "succeeded"
        return payment_id

    def status(self, payment_id: str) -> str:
        found = self.platform.call("GET", f"/v1/payments/{payment_id}", caller=self.personas.admin)
        assert found.status == 200, found.json()
        return str(found.json()["status"])

    def enrollment(self, caller: Caller) -> Response:
        return self.platform.call("GET", f"/v1/courses/{self.course.id}/enrollment", caller=caller)

    def reconcile(self) -> dict[str, Any]:
        report = logic.reconcile()
        self.platform.drain()
        return vars(report)


def table_snapshot() -> list[dict[str, Any]]:
    """Every item of the table (moto), in key order: what a refused request must not change."""
    client = boto3.client("dynamodb")
    name = settings().require("table_name")
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": name, "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


@pytest.fixture
def shop(platform: Platform, personas: Personas, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    assert platform.providers is not None
    monkeypatch.setenv(resources.WEB_APP_URL.env, WEB_APP_URL)
    monkeypatch.setenv(resources.PUBLIC_BASE_URL.env, API_BASE_URL)
    reset_settings()
    reset_providers()
    course = build_course(
        platform,
        personas.instructor,
        lessons=2,
        price=USD_PRICE,
        prices=[RWF_PRICE, UGX_PRICE],
    )
    for name in ("student", "other_student", "other_instructor", "admin", "banned"):
        getattr(personas, name)  # created now, not inside a table snapshot
    platform.drain()
    yield Shop(platform, personas, platform.providers, course)
    platform.providers.knobs.__init__()  # type: ignore[misc]
    reset_providers()
    reset_settings()
