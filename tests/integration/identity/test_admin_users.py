"""Admin: list and search accounts, ban/unban, roles, the audit log."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from coursewave.resources import ROLE_GROUPS
from tests.integration.identity.conftest import Identity, Session
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas


def _ids(response: object) -> list[str]:
    return [item["id"] for item in response.json()["items"]]  # type: ignore[attr-defined]


class CognitoSide:
    """What the user pool holds about an account (read with admin APIs, as an operator would)."""

    def __init__(self, platform: Platform, session: Session) -> None:
        self.client = boto3.client("cognito-idp")
        self.pool = platform.provisioned.user_pool_id
        self.app_client = platform.provisioned.client_id
        self.username = self.client.admin_get_user(UserPoolId=self.pool, Username=session.email)[
            "Username"
        ]

    def enabled(self) -> bool:
        user = self.client.admin_get_user(UserPoolId=self.pool, Username=self.username)
        return bool(user["Enabled"])

    def groups(self) -> set[str]:
        listed = self.client.admin_list_groups_for_user(
            UserPoolId=self.pool, Username=self.username
        )
        return {group["GroupName"] for group in listed["Groups"]}

    def refresh(self, refresh_token: str) -> dict[str, Any] | str:
        """Cognito's own answer to a refresh token: new tokens, or the error code."""
        try:
            return self.client.get_tokens_from_refresh_token(
                ClientId=self.app_client, RefreshToken=refresh_token
            )
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])


def _groups(*roles: str) -> set[str]:
    return {ROLE_GROUPS[role] for role in roles}


def _all_pages(platform: Platform, admin: Caller, query: str) -> list[dict[str, object]]:
    items, cursor = [], None
    for _ in range(50):
        suffix = f"&cursor={cursor}" if cursor else ""
        page = platform.call("GET", f"/v1/admin/users?{query}{suffix}", caller=admin)
        assert page.status == 200, page.body
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ended")


@pytest.mark.authz("GET /v1/admin/users")
def test_only_admins_list_accounts(platform: Platform, personas: Personas) -> None:
    assert platform.call("GET", "/v1/admin/users").status == 401
    for caller in (personas.student, personas.instructor):
        response = platform.call("GET", "/v1/admin/users", caller=caller)
        assert (response.status, response.error_code) == (403, "FORBIDDEN")
    banned = platform.call("GET", "/v1/admin/users", caller=personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")

    response = platform.call("GET", "/v1/admin/users?limit=100", caller=personas.admin)

    assert response.status == 200
    listed = {item["id"]: item for item in response.json()["items"]}
    assert personas.student.user_id in listed
    assert set(listed[personas.admin.user_id]) >= {"email", "name", "roles", "status"}


def test_search_by_email_or_name_prefix_ignores_case_and_accents(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    tag = uuid.uuid4().hex[:6]
    by_email = identity.signed_up(name="Zed Person", email=f"{tag}.zed@example.test")
    by_name = identity.signed_up(name=f"Éloïse {tag}", email=identity.email("eloise"))
    identity.signed_up(name="Someone Else")

    email_hits = _all_pages(platform, personas.admin, f"q={tag.upper()}")
    name_hits = _all_pages(platform, personas.admin, f"q=eloise%20{tag}")

    assert [item["id"] for item in email_hits] == [by_email.user_id]
    assert [item["id"] for item in name_hits] == [by_name.user_id]


def test_search_pages_through_both_streams_without_duplicates(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    # Five accounts match by email, three by name, one by both
    tag = "p" + uuid.uuid4().hex[:6]
    expected = {identity.signed_up(email=f"{tag}{n}@example.test").user_id for n in range(5)}
    expected |= {identity.signed_up(name=f"{tag} Name {n}").user_id for n in range(3)}
    expected.add(identity.signed_up(name=f"{tag} Both", email=f"{tag}x@example.test").user_id)

    found = _all_pages(platform, personas.admin, f"q={tag}&limit=2")

    assert sorted(item["id"] for item in found) == sorted(expected)


def test_filter_by_role_and_status(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    admin = personas.admin
    instructor = personas.instructor
    student = identity.signed_up(name="Filter Student")
    banned = identity.signed_up(name="Filter Banned")
    platform.call(
        "PATCH", f"/v1/admin/users/{banned.user_id}", caller=admin, json_body={"status": "banned"}
    )

    instructors = {item["id"] for item in _all_pages(platform, admin, "role=instructor&limit=1")}
    admins = {item["id"] for item in _all_pages(platform, admin, "role=admin")}
    banned_ones = {item["id"] for item in _all_pages(platform, admin, "status=banned")}
    active_students = {item["id"] for item in _all_pages(platform, admin, "role=student")}

    assert instructor.user_id in instructors and student.user_id not in instructors
    assert admin.user_id in admins and instructor.user_id not in admins
    assert banned.user_id in banned_ones and student.user_id not in banned_ones
    assert {student.user_id, banned.user_id} <= active_students
    both = _all_pages(platform, admin, "role=instructor&status=banned")
    assert instructor.user_id not in {item["id"] for item in both}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("role=owner", 422),
        ("status=gone", 422),
        ("limit=0", 422),
        ("q=%20%20", 422),
        ("sort=name", 400),
        ("cursor=not-a-cursor", 400),
        ("cursor=~.eyJQSyI6IlgifQ", 400),
    ],
    ids=["role", "status", "limit", "blank q", "unknown param", "garbage cursor", "stream count"],
)
def test_bad_listing_queries_are_client_errors(
    platform: Platform, personas: Personas, query: str, status: int
) -> None:
    response = platform.call("GET", f"/v1/admin/users?{query}", caller=personas.admin)

    assert response.status == status, response.body


def test_a_cursor_cannot_be_moved_to_another_listing(
    platform: Platform, personas: Personas
) -> None:
    personas.student, personas.other_student  # noqa: B018 - two accounts at least
    first = platform.call("GET", "/v1/admin/users?limit=1", caller=personas.admin).json()

    moved = platform.call(
        "GET",
        f"/v1/admin/users?status=active&cursor={first['next_cursor']}",
        caller=personas.admin,
    )

    assert (moved.status, moved.error_code) == (400, "BAD_REQUEST")


@pytest.mark.authz("PATCH /v1/admin/users/{user_id}")
def test_a_ban_is_effective_on_the_next_request_and_an_unban_restores_access(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    target = identity.signed_up(name="Troublemaker")
    path = f"/v1/admin/users/{target.user_id}"
    # only admins
    assert platform.call("PATCH", path, json_body={"status": "banned"}).status == 401
    for caller in (personas.student, personas.instructor, personas.banned):
        response = platform.call("PATCH", path, caller=caller, json_body={"status": "banned"})
        assert response.status == 403
    assert platform.call("GET", "/v1/me", headers=target.auth).status == 200

    # When an admin bans them
    banned = platform.call(
        "PATCH", path, caller=personas.admin, json_body={"status": "banned", "reason": "spam"}
    )

    # Then their very next request, their sign-in and their refresh all answer 403
    assert banned.status == 200 and banned.json()["status"] == "banned"
    me = platform.call("GET", "/v1/me", headers=target.auth)
    assert (me.status, me.error_code) == (403, "ACCOUNT_DISABLED")
    login = identity.login(target.email)
    assert (login.status, login.error_code) == (403, "ACCOUNT_DISABLED")
    refresh = identity.post("/v1/auth/refresh", {"refresh_token": target.refresh_token})
    assert (refresh.status, refresh.error_code) == (403, "ACCOUNT_DISABLED")
    (event,) = [
        e for e in platform.events("UserBanned") if e["detail"]["data"]["user_id"] == target.user_id
    ]
    assert event["detail"]["data"]["banned_by"] == personas.admin.user_id
    assert event["detail"]["data"]["reason"] == "spam"

    # When the admin unbans them, they can sign in and use the API again
    unbanned = platform.call("PATCH", path, caller=personas.admin, json_body={"status": "active"})
    assert unbanned.status == 200 and unbanned.json()["status"] == "active"
    again = identity.session(target.email)
    assert platform.call("GET", "/v1/me", headers=again.auth).status == 200


def test_a_ban_disables_the_cognito_user_and_revokes_its_refresh_tokens(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    target = identity.signed_up(name="Cognito Ban")
    kept = identity.session(target.email)  # a second sign-in, its refresh token kept for later
    cognito = CognitoSide(platform, target)
    path = f"/v1/admin/users/{target.user_id}"
    assert cognito.enabled() and cognito.groups() == _groups("student")
    assert isinstance(cognito.refresh(target.refresh_token), dict)  # refreshable before

    banned = platform.call("PATCH", path, caller=personas.admin, json_body={"status": "banned"})

    assert banned.status == 200, banned.body
    assert cognito.enabled() is False
    assert cognito.refresh(kept.refresh_token) == "NotAuthorizedException"
    assert cognito.groups() == _groups("student")

    # An unban enables the user again, but a refresh token revoked by the ban stays revoked
    unbanned = platform.call("PATCH", path, caller=personas.admin, json_body={"status": "active"})

    assert unbanned.status == 200, unbanned.body
    assert cognito.enabled() is True
    assert cognito.refresh(kept.refresh_token) == "NotAuthorizedException"
    assert cognito.groups() == _groups("student")
    again = identity.session(target.email)
    assert isinstance(cognito.refresh(again.refresh_token), dict)


def test_promotion_and_demotion_change_the_cognito_groups(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    target = identity.signed_up(name="Cognito Roles")
    cognito = CognitoSide(platform, target)
    path = f"/v1/admin/users/{target.user_id}"

    promoted = platform.call(
        "PATCH", path, caller=personas.admin, json_body={"roles": ["instructor", "admin"]}
    )

    assert promoted.status == 200, promoted.body
    assert cognito.groups() == _groups("student", "instructor", "admin")
    assert cognito.enabled() is True

    demoted = platform.call("PATCH", path, caller=personas.admin, json_body={"roles": ["student"]})

    assert demoted.status == 200, demoted.body
    assert cognito.groups() == _groups("student")
    assert cognito.enabled() is True
    # a role change is not a sign-out: the account's refresh tokens keep working
    assert isinstance(cognito.refresh(target.refresh_token), dict)


def test_a_role_change_is_effective_on_the_next_request(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    target = identity.signed_up(name="Future Admin")
    path = f"/v1/admin/users/{target.user_id}"
    assert platform.call("GET", "/v1/admin/users", headers=target.auth).status == 403

    promoted = platform.call("PATCH", path, caller=personas.admin, json_body={"roles": ["admin"]})

    assert promoted.status == 200 and promoted.json()["roles"] == ["student", "admin"]
    # the same token, issued before the promotion, now reaches admin routes
    assert platform.call("GET", "/v1/admin/users", headers=target.auth).status == 200
    demoted = platform.call("PATCH", path, caller=personas.admin, json_body={"roles": ["student"]})
    assert demoted.json()["roles"] == ["student"]
    assert platform.call("GET", "/v1/admin/users", headers=target.auth).status == 403
    admins = {item["id"] for item in _all_pages(platform, personas.admin, "role=admin")}
    assert target.user_id not in admins


def test_admin_changes_that_cannot_apply(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    admin = personas.admin
    self_ban = platform.call(
        "PATCH", f"/v1/admin/users/{admin.user_id}", caller=admin, json_body={"status": "banned"}
    )
    self_demote = platform.call(
        "PATCH", f"/v1/admin/users/{admin.user_id}", caller=admin, json_body={"roles": ["student"]}
    )
    unknown = platform.call(
        "PATCH", "/v1/admin/users/no-such-user", caller=admin, json_body={"status": "banned"}
    )
    bad_role = platform.call(
        "PATCH",
        f"/v1/admin/users/{personas.student.user_id}",
        caller=admin,
        json_body={"roles": ["owner"]},
    )
    deleted = identity.signed_up()
    platform.call("DELETE", "/v1/me", headers=deleted.auth)
    gone = platform.call(
        "PATCH", f"/v1/admin/users/{deleted.user_id}", caller=admin, json_body={"roles": ["admin"]}
    )

    assert (self_ban.status, self_demote.status) == (409, 409)
    assert unknown.status == 404
    assert bad_role.status == 422
    assert gone.status == 409


@pytest.mark.authz("GET /v1/admin/audit-log")
def test_the_audit_log_lists_admin_actions_newest_first(
    platform: Platform, identity: Identity, personas: Personas
) -> None:
    admin = platform.user("admin")  # its own, to count its actions
    target = identity.signed_up()
    path = f"/v1/admin/users/{target.user_id}"
    platform.call("PATCH", path, caller=admin, json_body={"status": "banned", "reason": "r1"})
    platform.call("PATCH", path, caller=admin, json_body={"status": "active"})
    platform.call("PATCH", path, caller=admin, json_body={"roles": ["instructor"]})
    assert platform.call("GET", "/v1/admin/audit-log").status == 401
    for caller in (personas.student, personas.instructor, personas.banned):
        assert platform.call("GET", "/v1/admin/audit-log", caller=caller).status == 403

    first = platform.call(
        "GET", f"/v1/admin/audit-log?target_user_id={target.user_id}&limit=2", caller=admin
    )
    second = platform.call(
        "GET",
        f"/v1/admin/audit-log?target_user_id={target.user_id}&cursor={first.json()['next_cursor']}",
        caller=admin,
    )
    everything = platform.call("GET", "/v1/admin/audit-log?limit=100", caller=admin)
    by_actor = platform.call("GET", f"/v1/admin/audit-log?actor_id={admin.user_id}", caller=admin)

    actions = [e["action"] for e in first.json()["items"] + second.json()["items"]]
    assert actions == ["user.roles_changed", "user.unbanned", "user.banned"]
    banned_entry = second.json()["items"][-1]
    assert banned_entry["before"] == {"status": "active"}
    assert banned_entry["after"] == {"status": "banned"}
    assert banned_entry["actor_id"] == admin.user_id and banned_entry["reason"] == "r1"
    assert len(by_actor.json()["items"]) == 3
    ids = [e["id"] for e in everything.json()["items"]]
    assert ids == sorted(ids, reverse=True)
    tampered = platform.call(
        "GET", f"/v1/admin/audit-log?cursor={first.json()['next_cursor']}", caller=admin
    )
    assert tampered.status == 400
