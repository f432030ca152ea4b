"""The authorization matrix of every payments route, for every persona: anonymous, the payer
(student), another student, the course's instructor (the owner, where ownership applies), an
admin, and a banned account. Every refused request leaves the table exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.payments.conftest import Shop, table_snapshot
from tests.support.cloud import Caller, Response

SIGNED_IN = ("student", "other_student", "instructor", "admin")
NOT_ADMIN = ("student", "other_student", "instructor")
WEBHOOKS = [
    ("POST", "stripe"),
    ("POST", "mtn_momo"),
    ("PUT", "mtn_momo"),
    ("POST", "airtel_money"),
    ("PUT", "airtel_money"),
]


def refused(call: Callable[[], Response], status: int, code: str | None = None) -> Response:
    """``call()`` answers ``status`` (and ``code``) and writes nothing."""
    before = table_snapshot()
    response = call()
    assert response.status == status, (response.status, response.body)
    if code is not None:
        assert response.error_code == code, response.body
    assert table_snapshot() == before, "a refused request changed the table"
    return response


def _persona(shop: Shop, name: str) -> Caller:
    return getattr(shop.personas, name)


def _refused_to_strangers(shop: Shop, call: Callable[[Caller | None], Response]) -> None:
    refused(lambda: call(None), 401)
    refused(lambda: call(shop.personas.banned), 403, "ACCOUNT_DISABLED")


@pytest.mark.authz("POST /v1/payments/checkout")
def test_checkout_admits_every_signed_in_account_that_is_active(shop: Shop) -> None:
    _refused_to_strangers(shop, lambda caller: shop.checkout(caller, key="same"))
    for name in SIGNED_IN:
        started = shop.checkout(_persona(shop, name))
        assert started.status == 201, (name, started.body)
        assert started.json()["status"] == "pending"
    # The owner is a signed-in user like any other: the course's instructor may buy it too (an
    # instructor preview is free anyway); the payer is whoever's token it is.
    mine = shop.platform.call("GET", "/v1/me/payments", caller=shop.personas.instructor).json()
    assert [p["course_id"] for p in mine["items"]] == [shop.course.id]


@pytest.mark.parametrize(
    ("method", "provider"),
    [
        pytest.param(m, p, id=f"{m} {p}", marks=pytest.mark.authz(f"{m} /v1/payments/webhooks/{p}"))
        for m, p in WEBHOOKS
    ],
)
def test_webhooks_are_public_and_verified_whoever_sends_them(
    shop: Shop, method: str, provider: str
) -> None:
    path = f"/v1/payments/webhooks/{provider}"
    unsigned = b'{"id": "evt_forged", "type": "checkout.session.completed"'  # not even JSON

    for name in (None, *SIGNED_IN, "banned"):
        caller = _persona(shop, name) if name else None
        refused(
            lambda: shop.platform.call(method, path, caller=caller, body=unsigned),  # noqa: B023
            400,
            "BAD_REQUEST",
        )


@pytest.mark.authz("GET /v1/payments/{payment_id}")
def test_a_payment_is_seen_by_its_payer_and_admins_only(shop: Shop) -> None:
    payment_id = shop.checkout(shop.personas.student).json()["payment_id"]
    path = f"/v1/payments/{payment_id}"

    def get(caller: Caller | None) -> Response:
        return shop.platform.call("GET", path, caller=caller)

    _refused_to_strangers(shop, get)
    for name in ("other_student", "instructor"):  # the instructor owns the course, not the payment
        refused(lambda: get(_persona(shop, name)), 404, "NOT_FOUND")  # noqa: B023
    for name in ("student", "admin"):
        found = get(_persona(shop, name))
        assert found.status == 200 and found.json()["id"] == payment_id, name


@pytest.mark.authz("GET /v1/me/payments")
def test_my_payments_lists_the_callers_own_only(shop: Shop) -> None:
    payment_id = shop.checkout(shop.personas.student).json()["payment_id"]

    def mine(caller: Caller | None) -> Response:
        return shop.platform.call("GET", "/v1/me/payments", caller=caller)

    _refused_to_strangers(shop, mine)
    assert [p["id"] for p in mine(shop.personas.student).json()["items"]] == [payment_id]
    for name in ("other_student", "instructor", "admin"):
        listed = mine(_persona(shop, name))
        assert listed.status == 200 and listed.json()["items"] == [], name


def _admin_only(shop: Shop, call: Callable[[Caller | None], Response], ok: int = 200) -> Response:
    _refused_to_strangers(shop, call)
    for name in NOT_ADMIN:
        refused(lambda: call(_persona(shop, name)), 403, "FORBIDDEN")  # noqa: B023
    response = call(shop.personas.admin)
    assert response.status == ok, response.body
    return response


@pytest.mark.authz("GET /v1/admin/payments")
def test_admin_payment_list_is_for_admins(shop: Shop) -> None:
    payment_id = shop.checkout(shop.personas.student).json()["payment_id"]
    listed = _admin_only(
        shop, lambda caller: shop.platform.call("GET", "/v1/admin/payments", caller=caller)
    )
    assert [p["id"] for p in listed.json()["items"]] == [payment_id]


@pytest.mark.authz("POST /v1/admin/payments/{payment_id}/refund")
def test_refunds_are_for_admins(shop: Shop) -> None:
    payment_id = shop.paid(shop.personas.student)
    path = f"/v1/admin/payments/{payment_id}/refund"
    refunded = _admin_only(
        shop, lambda caller: shop.platform.call("POST", path, caller=caller, json_body={})
    )
    assert refunded.json()["status"] == "refunded"


@pytest.mark.authz(
    "POST /v1/admin/coupons", "GET /v1/admin/coupons", "PATCH /v1/admin/coupons/{code}"
)
def test_coupons_are_managed_by_admins(shop: Shop) -> None:
    body: dict[str, Any] = {"code": "SPRING10", "percent_off": 10, "max_redemptions": 5}
    call = shop.platform.call

    _admin_only(shop, lambda c: call("POST", "/v1/admin/coupons", caller=c, json_body=body), 201)
    listed = _admin_only(shop, lambda c: call("GET", "/v1/admin/coupons", caller=c))
    assert [c["code"] for c in listed.json()["items"]] == ["SPRING10"]
    patched = _admin_only(
        shop,
        lambda c: call(
            "PATCH", "/v1/admin/coupons/SPRING10", caller=c, json_body={"active": False}
        ),
    )
    assert patched.json()["active"] is False


@pytest.mark.authz("GET /v1/instructor/earnings")
def test_earnings_are_the_instructors_own_and_any_for_admins(shop: Shop) -> None:
    shop.paid(shop.personas.student)
    owner = shop.personas.instructor
    path = "/v1/instructor/earnings"

    def earnings(caller: Caller | None, query: str = "") -> Response:
        return shop.platform.call("GET", path + query, caller=caller)

    _refused_to_strangers(shop, earnings)
    for name in ("student", "other_student"):
        refused(lambda: earnings(_persona(shop, name)), 403, "FORBIDDEN")  # noqa: B023
    other = shop.personas.other_instructor
    refused(lambda: earnings(other, f"?instructor_id={owner.user_id}"), 403, "FORBIDDEN")
    assert earnings(other).json()["totals"] == []  # their own: nothing sold

    own = earnings(owner)
    assert own.status == 200
    (usd,) = own.json()["totals"]
    assert usd["currency"] == "USD" and usd["gross"] == 1999
    by_admin = earnings(shop.personas.admin, f"?instructor_id={owner.user_id}")
    assert by_admin.status == 200 and by_admin.json()["totals"] == own.json()["totals"]
