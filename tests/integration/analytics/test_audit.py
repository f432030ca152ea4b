"""The audit log covers every admin and money action, each written with the action itself:
an admin's change to someone else's course, any price change, every succeeded payment (besides
the account, refund and coupon entries their own tests cover)."""

from __future__ import annotations

from typing import Any

from tests.integration.courses.builders import build_course
from tests.integration.payments.conftest import Shop
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas


def _entries(platform: Platform, admin: Caller, target: str) -> list[dict[str, Any]]:
    log = platform.call("GET", "/v1/admin/audit-log?limit=100", caller=admin)
    assert log.status == 200, log.json()
    return [e for e in log.json()["items"] if e["target"]["id"] == target]


def test_an_admin_changing_someone_elses_course_is_audited(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    admin = personas.admin

    patched = platform.call(
        "PATCH", f"/v1/courses/{course.id}", caller=admin, json_body={"title": "Renamed by admin"}
    )
    unpublished = platform.call("POST", f"/v1/courses/{course.id}/unpublish", caller=admin)

    assert patched.status == 200 and unpublished.status == 200
    entries = _entries(platform, admin, course.id)
    assert [e["action"] for e in entries] == ["course.unpublished", "course.updated"]
    assert all(e["actor_id"] == admin.user_id for e in entries)
    assert entries[1]["after"] == {"title": "Renamed by admin"}
    assert entries[0]["before"] == {"status": "published"}
    assert entries[0]["after"] == {"status": "draft"}


def test_the_owner_changing_a_price_is_audited_and_other_edits_are_not(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    path = f"/v1/courses/{course.id}"

    platform.call("PATCH", path, caller=personas.owner, json_body={"title": "A better title"})
    repriced = platform.call(
        "PATCH",
        path,
        caller=personas.owner,
        json_body={"price": {"amount": 4900, "currency": "USD"}},
    )

    assert repriced.status == 200, repriced.json()
    [entry] = _entries(platform, personas.admin, course.id)
    assert entry["action"] == "course.price_changed"
    assert entry["actor_id"] == personas.owner.user_id
    assert entry["before"] == {"price": {"amount": 0, "currency": "USD"}}
    assert entry["after"] == {"price": {"amount": 4900, "currency": "USD"}}


def test_a_succeeded_payment_is_audited_with_its_ledger_split(shop: Shop) -> None:
    payment_id = shop.paid(shop.personas.student)
    shop.platform.drain()
    shop.reconcile()  # settling again writes nothing more

    [entry] = _entries(shop.platform, shop.personas.admin, payment_id)

    assert entry["action"] == "payment.succeeded"
    assert entry["actor_id"] == shop.personas.student.user_id
    assert entry["before"] == {"status": "pending"}
    after = entry["after"]
    assert (after["status"], after["currency"], after["gross"]) == ("succeeded", "USD", 1999)
    assert after["gross"] == after["provider_fee"] + after["commission"] + after["instructor_net"]
