"""GET/PATCH/DELETE /v1/me and the data export."""

from __future__ import annotations

import json

import boto3
import pytest

from coursewave.clock import now_iso
from coursewave.users import User
from functions.users import repository as users
from tests.integration.identity.conftest import Identity
from tests.support.cloud import Platform
from tests.support.personas import Personas

INTERNAL_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK"}


def _keys_anywhere(document: object) -> set[str]:
    if isinstance(document, dict):
        found = set(document)
        for value in document.values():
            found |= _keys_anywhere(value)
        return found
    if isinstance(document, list):
        return set().union(*(_keys_anywhere(v) for v in document)) if document else set()
    return set()


@pytest.mark.authz("GET /v1/me")
def test_me_is_the_callers_own_profile(platform: Platform, personas: Personas) -> None:
    assert platform.call("GET", "/v1/me").status == 401
    banned = platform.call("GET", "/v1/me", caller=personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")
    for caller in (personas.student, personas.other_student, personas.instructor, personas.admin):
        me = platform.call("GET", "/v1/me", caller=caller)
        assert me.status == 200
        body = me.json()
        assert (body["id"], body["email"], body["roles"]) == (
            caller.user_id,
            caller.email,
            list(caller.roles),
        )
        assert set(body) >= {"avatar_url", "status", "preferences", "created_at"}


@pytest.mark.authz("PATCH /v1/me")
def test_patch_me_changes_name_avatar_and_merges_preferences(
    platform: Platform, personas: Personas
) -> None:
    student = personas.student
    assert platform.call("PATCH", "/v1/me", json_body={"name": "X"}).status == 401
    assert platform.call("PATCH", "/v1/me", caller=personas.banned, json_body={}).status == 403
    platform.call(
        "PATCH",
        "/v1/me",
        caller=student,
        json_body={"preferences": {"locale": "rw", "notifications": {"enrollment": {}}}},
    )

    response = platform.call(
        "PATCH",
        "/v1/me",
        caller=student,
        json_body={
            "name": "Renamed Student",
            "avatar_url": "https://cdn.example.test/a.png",
            "preferences": {
                "timezone": "Africa/Kigali",
                "locale": None,
                "notifications": {"enrollment": {"email": False, "in_app": True}},
            },
        },
    )

    assert response.status == 200, response.body
    body = response.json()
    assert body["name"] == "Renamed Student"
    assert body["avatar_url"] == "https://cdn.example.test/a.png"
    assert body["preferences"] == {
        "timezone": "Africa/Kigali",
        "notifications": {"enrollment": {"email": False, "in_app": True}},
    }
    assert platform.call("GET", "/v1/me", caller=student).json() == body
    other = platform.call("GET", "/v1/me", caller=personas.other_student).json()
    assert other["name"] != "Renamed Student"


def test_roles_status_and_email_are_not_writable_here(
    platform: Platform, personas: Personas
) -> None:
    response = platform.call(
        "PATCH",
        "/v1/me",
        caller=personas.student,
        json_body={"roles": ["admin"], "status": "active", "email": "me@evil.test"},
    )

    assert response.status == 422
    fields = {f["field"] for f in response.json()["error"]["details"]["fields"]}
    assert fields == {"roles", "status", "email"}
    me = platform.call("GET", "/v1/me", caller=personas.student).json()
    assert me["roles"] == ["student"] and me["email"] == personas.student.email


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"avatar_url": "http://insecure.test/a.png"}, "avatar_url"),
        ({"preferences": {"timezone": "Mars/Olympus"}}, "preferences.timezone"),
        ({"preferences": {"colour": "blue"}}, "preferences.colour"),
        ({"preferences": {"notifications": {"media": {"sms": True}}}}, "preferences.notifications"),
        (
            {"preferences": {"notifications": {"CourseCompleted": {"email": False}}}},
            "preferences.notifications",
        ),
    ],
    ids=[
        "blank name",
        "http avatar",
        "bad timezone",
        "unknown preference",
        "bad channel",
        "unknown notification type",
    ],
)
def test_bad_profile_input_is_a_422_naming_the_field(
    platform: Platform, personas: Personas, body: dict[str, object], field: str
) -> None:
    response = platform.call("PATCH", "/v1/me", caller=personas.student, json_body=body)

    assert response.status == 422
    fields = [f["field"] for f in response.json()["error"]["details"]["fields"]]
    assert any(name.startswith(field) for name in fields), fields


@pytest.mark.authz("GET /v1/me/export")
def test_export_holds_everything_about_the_caller_and_nothing_internal(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    # Given a learner with data another domain keeps under their partition, and an admin action
    session = identity.signed_up(name="Exporting Learner")
    raw = {
        "PK": {"S": User.pk(session.user_id)},
        "SK": {"S": "ENROLLMENT#c1"},
        "GSI1PK": {"S": "COURSE#c1"},
        "GSI1SK": {"S": "ENROLLED#x"},
        "entity": {"S": "Enrollment"},
        "course_id": {"S": "c1"},
        "progress_percent": {"N": "40"},
        "enrolled_at": {"S": now_iso()},
    }
    boto3.client("dynamodb").put_item(TableName=platform.provisioned.env["TABLE_NAME"], Item=raw)
    promoted = platform.call(
        "PATCH",
        f"/v1/admin/users/{session.user_id}",
        caller=personas.admin,
        json_body={"roles": ["student", "instructor"], "reason": "teaches"},
    )
    assert promoted.status == 200
    assert platform.call("GET", "/v1/me/export").status == 401
    assert platform.call("GET", "/v1/me/export", caller=personas.banned).status == 403

    # When they export
    response = platform.call("GET", "/v1/me/export", headers=session.auth)

    # Then it has the account, the other domain's data, and the audit entry about them
    assert response.status == 200
    export = response.json()
    assert export["account"]["email"] == session.email
    assert export["account"]["name"] == "Exporting Learner"
    assert export["data"]["Enrollment"] == [
        {"course_id": "c1", "progress_percent": 40, "enrolled_at": raw["enrolled_at"]["S"]}
    ]
    (entry,) = export["audit_log"]
    assert entry["action"] == "user.roles_changed" and entry["reason"] == "teaches"
    assert not _keys_anywhere(export) & (INTERNAL_KEYS | {"cognito_username", "revision"})
    # And nobody else's data
    assert session.email not in json.dumps(
        platform.call("GET", "/v1/me/export", caller=personas.student).json()
    )


@pytest.mark.authz("DELETE /v1/me")
def test_delete_disables_at_once_erases_and_frees_the_email(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    assert platform.call("DELETE", "/v1/me").status == 401
    assert platform.call("DELETE", "/v1/me", caller=personas.banned).status == 403
    session = identity.signed_up(name="Leaving Learner")
    platform.call(
        "PATCH",
        "/v1/me",
        headers=session.auth,
        json_body={
            "avatar_url": "https://cdn.example.test/me.png",
            "preferences": {"locale": "fr"},
        },
    )

    response = platform.call("DELETE", "/v1/me", headers=session.auth)

    assert response.status == 202
    assert response.json()["status"] == "deleted"
    # disabled at once: the same token, the refresh token and the password all stop working
    after = platform.call("GET", "/v1/me", headers=session.auth)
    assert (after.status, after.error_code) == (403, "ACCOUNT_DISABLED")
    assert identity.post("/v1/auth/refresh", {"refresh_token": session.refresh_token}).status in (
        401,
        403,
    )
    assert identity.login(session.email).status == 401
    # erased: no name, email, avatar or preferences left on the record
    record = User.find(session.user_id)
    assert record is not None and record.status == "deleted"
    assert session.email not in record.email and record.name == "Deleted user"
    assert record.avatar_url is None and not record.preferences.as_dict()
    assert users.find_by_email(session.email) is None
    (event,) = [
        e
        for e in platform.events("UserDeleted")
        if e["detail"]["data"]["user_id"] == session.user_id
    ]
    assert event["source"] == "coursewave.users"
    # and the email can register again, as a new account
    again = identity.register(session.email, name="Comeback")
    assert again.status == 201 and again.json()["user"]["id"] != session.user_id
