"""The authorization matrix of the protected identity routes, for every persona.

Each route's own tests exercise its behaviour; this one pins who gets in: anonymous → 401,
banned → 403 ACCOUNT_DISABLED, signed-in roles → their own data (the /v1/me routes have no
"someone else's object": they always act on the caller), admin routes → admins only.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas

ME_ROUTES = [("GET", "/v1/me"), ("PATCH", "/v1/me"), ("GET", "/v1/me/export")]
ADMIN_ROUTES = [("GET", "/v1/admin/users"), ("GET", "/v1/admin/audit-log")]
SIGNED_IN = ("student", "other_student", "instructor", "admin")


def _call(platform: Platform, method: str, path: str, caller: Caller | None) -> Any:
    body = {} if method in ("PATCH", "POST") else None
    return platform.call(method, path, caller=caller, json_body=body)


@pytest.mark.authz("GET /v1/me", "PATCH /v1/me", "GET /v1/me/export")
@pytest.mark.parametrize(("method", "path"), ME_ROUTES, ids=[f"{m} {p}" for m, p in ME_ROUTES])
def test_me_routes_serve_every_signed_in_caller_their_own_account(
    platform: Platform, personas: Personas, method: str, path: str
) -> None:
    assert _call(platform, method, path, None).status == 401
    banned = _call(platform, method, path, personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")
    for name in SIGNED_IN:
        caller: Caller = getattr(personas, name)
        response = _call(platform, method, path, caller)
        assert response.status == 200, (name, response.body)
        body = response.json()
        assert (body.get("id") or body["account"]["user_id"]) == caller.user_id


@pytest.mark.authz("DELETE /v1/me", "POST /v1/auth/logout")
@pytest.mark.parametrize(
    ("method", "path", "status"), [("DELETE", "/v1/me", 202), ("POST", "/v1/auth/logout", 204)]
)
def test_account_ending_routes_serve_every_signed_in_role(
    platform: Platform, personas: Personas, method: str, path: str, status: int
) -> None:
    assert _call(platform, method, path, None).status == 401
    banned = _call(platform, method, path, personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")
    for role in ("student", "instructor", "admin"):
        caller = platform.user(role)  # its own: the call ends its session or account
        assert _call(platform, method, path, caller).status == status, role


@pytest.mark.authz(
    "GET /v1/admin/users", "GET /v1/admin/audit-log", "PATCH /v1/admin/users/{user_id}"
)
@pytest.mark.parametrize(
    ("method", "path"),
    [*ADMIN_ROUTES, ("PATCH", "/v1/admin/users/{user_id}")],
    ids=["list users", "audit log", "change a user"],
)
def test_admin_routes_admit_admins_only(
    platform: Platform, personas: Personas, method: str, path: str
) -> None:
    path = path.replace("{user_id}", personas.other_student.user_id)
    assert _call(platform, method, path, None).status == 401
    banned = _call(platform, method, path, personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")
    for name in ("student", "other_student", "instructor"):
        response = _call(platform, method, path, getattr(personas, name))
        assert (response.status, response.error_code) == (403, "FORBIDDEN"), name
    assert _call(platform, method, path, personas.admin).status == 200
