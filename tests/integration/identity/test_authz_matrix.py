"""The authorization matrix of the identity routes, for every persona.

Each route's own tests exercise its behaviour; this one pins who gets in: anonymous → 401,
banned → 403 ACCOUNT_DISABLED, signed-in roles → their own data (the /v1/me routes have no
"someone else's object": they always act on the caller), admin routes → admins only, and the
public routes answer the same whoever's token rides along. Every refusal leaves the table as it
was, the admin's own ban and demotion (409) included.
"""

from __future__ import annotations

import random

import pytest

from tests.integration.identity.conftest import FakeGithub
from tests.support.cloud import Platform
from tests.support.matrix import Case, run, same_for_everyone
from tests.support.personas import Personas

SIGNED_IN = ("student", "other_student", "instructor", "owner", "admin")
NOT_ADMIN = ("student", "other_student", "instructor", "owner")


def _ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "/v1/me", None, marks=pytest.mark.authz("GET /v1/me")),
        pytest.param("PATCH", "/v1/me", {}, marks=pytest.mark.authz("PATCH /v1/me")),
        pytest.param("GET", "/v1/me/export", None, marks=pytest.mark.authz("GET /v1/me/export")),
    ],
)
def test_me_routes_serve_every_signed_in_caller_their_own_account(
    platform: Platform, personas: Personas, method: str, path: str, body: object
) -> None:
    cases = [Case("anonymous", 401), Case("banned", 403)] + [Case(n, 200) for n in SIGNED_IN]
    answers = run(platform, personas, method, path, cases, json_body=body)
    for name in SIGNED_IN:
        data = answers[name].json()
        assert (data.get("id") or data["account"]["user_id"]) == personas.caller(name).user_id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("DELETE", "/v1/me", 202, marks=pytest.mark.authz("DELETE /v1/me")),
        pytest.param(
            "POST", "/v1/auth/logout", 204, marks=pytest.mark.authz("POST /v1/auth/logout")
        ),
    ],
)
def test_account_ending_routes_serve_every_signed_in_role(
    platform: Platform, method: str, path: str, status: int
) -> None:
    own = Personas(platform)  # its own: each call ends its caller's session or account
    cases = [Case("anonymous", 401), Case("banned", 403)] + [Case(n, status) for n in SIGNED_IN]
    run(platform, own, method, path, cases)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/admin/users", marks=pytest.mark.authz("GET /v1/admin/users")),
        pytest.param("/v1/admin/audit-log", marks=pytest.mark.authz("GET /v1/admin/audit-log")),
    ],
)
def test_admin_listings_admit_admins_only(
    platform: Platform, personas: Personas, path: str
) -> None:
    cases = [Case("anonymous", 401), Case("banned", 403)]
    cases += [Case(name, 403, "FORBIDDEN") for name in NOT_ADMIN] + [Case("admin", 200)]
    run(platform, personas, "GET", path, cases)


@pytest.mark.authz("PATCH /v1/admin/users/{user_id}")
def test_changing_a_user_is_for_admins_and_never_on_themselves(
    platform: Platform, personas: Personas
) -> None:
    target = platform.user("student")
    path = f"/v1/admin/users/{target.user_id}"
    ban = {"status": "banned", "reason": "spam"}
    refused = [Case("anonymous", 401), Case("banned", 403)]
    refused += [Case(name, 403, "FORBIDDEN") for name in NOT_ADMIN]
    run(platform, personas, "PATCH", path, refused, json_body=ban)
    # A non-admin on their own account is a non-admin all the same
    for name in NOT_ADMIN:
        own = f"/v1/admin/users/{personas.caller(name).user_id}"  # type: ignore[union-attr]
        run(
            platform,
            personas,
            "PATCH",
            path,
            [Case(name, 403, "FORBIDDEN", path=own)],
            json_body=ban,
        )
    # The admin may not ban or demote themselves: 409, and nothing is written (no audit entry)
    admin_self = f"/v1/admin/users/{personas.admin.user_id}"
    run(
        platform,
        personas,
        "PATCH",
        admin_self,
        [
            Case("admin", 409, label="self-ban", json_body={"status": "banned"}),
            Case("admin", 409, label="self-demote", json_body={"roles": ["student"]}),
        ],
    )
    run(platform, personas, "PATCH", path, [Case("admin", 200)], json_body=ban)


# Public identity routes: a token, whoever it belongs to, changes nothing. Each request is one a
# client may send without an account; a malformed body is answered before anything is counted.
PUBLIC = [
    ("POST /v1/auth/register", "/v1/auth/register", {}, 422),
    ("POST /v1/auth/confirm", "/v1/auth/confirm", {}, 422),
    ("POST /v1/auth/resend-code", "/v1/auth/resend-code", {}, 422),
    ("POST /v1/auth/login", "/v1/auth/login", {}, 422),
    ("POST /v1/auth/refresh", "/v1/auth/refresh", {}, 422),
    ("POST /v1/auth/password/forgot", "/v1/auth/password/forgot", {}, 422),
    ("POST /v1/auth/password/reset", "/v1/auth/password/reset", {}, 422),
    ("GET /v1/auth/oauth/{provider}/authorize", "/v1/auth/oauth/nosuch/authorize", None, 422),
    ("POST /v1/auth/oauth/{provider}/callback", "/v1/auth/oauth/google/callback", {}, 422),
]


@pytest.mark.parametrize(
    ("route", "path", "body", "status"),
    [pytest.param(*row, marks=pytest.mark.authz(row[0]), id=row[0]) for row in PUBLIC],
)
def test_public_identity_routes_answer_the_same_whoever_calls(
    platform: Platform, personas: Personas, route: str, path: str, body: object, status: int
) -> None:
    method = route.split(" ", 1)[0]
    run(
        platform, personas, method, path, same_for_everyone(status), json_body=body, source_ip=_ip()
    )


# The GitHub OIDC adapter (what Cognito federates through): public, and a bearer token of ours
# is nobody's credential there (``userinfo`` takes GitHub's token, and answers OAuth's error).
OIDC = "/v1/auth/oidc/github"
OIDC_PUBLIC = [
    (
        "GET /v1/auth/oidc/github/.well-known/openid-configuration",
        "/.well-known/openid-configuration",
        200,
    ),
    ("GET /v1/auth/oidc/github/jwks", "/jwks", 200),
    ("GET /v1/auth/oidc/github/authorize", "/authorize?client_id=other", 400),
    ("POST /v1/auth/oidc/github/token", "/token", 415),
    ("GET /v1/auth/oidc/github/userinfo", "/userinfo", 401),
]


@pytest.mark.parametrize(
    ("route", "tail", "status"),
    [pytest.param(*row, marks=pytest.mark.authz(row[0]), id=row[0]) for row in OIDC_PUBLIC],
)
def test_the_oidc_adapter_answers_the_same_whoever_calls(
    platform: Platform, personas: Personas, github: FakeGithub, route: str, tail: str, status: int
) -> None:
    method = route.split(" ", 1)[0]
    run(platform, personas, method, f"{OIDC}{tail}", same_for_everyone(status), source_ip=_ip())
