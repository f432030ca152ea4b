"""Pure pieces of the users, admin and auth logic: merge patch, export cleaning, erasure, the
admin listing plan and role/status rules, the client address, the federated identity checks."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from coursewave.api import Request
from coursewave.config import reset_settings
from coursewave.errors import ValidationFailed
from coursewave.users import User
from functions.admin import repository as admin_storage
from functions.admin.domain import normalised_roles, status_after
from functions.auth import oauth
from functions.auth.handler import client_ip
from functions.users import logic as users
from functions.users import repository as users_storage
from functions.users.cognito import Tokens
from functions.users.domain import Account
from functions.users.models import MePatch

FIELDS: dict[str, Any] = {
    "user_id": "u1",
    "email": "ana@example.test",
    "name": "Ana",
    "roles": ["student"],
    "created_at": "2026-11-23T10:00:00Z",
    "preferences": {"locale": "fr", "notifications": {"media": {"email": True}}},
}


def record(**fields: Any) -> User:
    """The stored item (what the admin listing's filters see)."""
    return User(**{**FIELDS, **fields})


def account(**fields: Any) -> Account:
    """The plain account the use cases work on."""
    values = {**FIELDS, **fields}
    return Account(**{**values, "roles": tuple(values["roles"])})


def test_merge_patch_follows_rfc_7396() -> None:
    target = {"a": 1, "b": {"c": 2, "d": 3}, "e": [1]}
    patch = {"a": None, "b": {"c": None, "x": 9}, "e": [2], "f": {"g": None}}

    assert users.merge_patch(target, patch) == {"b": {"d": 3, "x": 9}, "e": [2], "f": {}}
    assert target == {"a": 1, "b": {"c": 2, "d": 3}, "e": [1]}  # not mutated


def test_profile_changes_are_only_what_differs() -> None:
    user = account()

    same = users.profile_changes(user, MePatch.model_validate({"name": "Ana"}))
    changed = users.profile_changes(
        user,
        MePatch.model_validate(
            {"avatar_url": "https://x.test/a.png", "preferences": {"locale": None}}
        ),
    )

    assert same == {}
    assert changed["avatar_url"] == "https://x.test/a.png"
    assert changed["preferences"] == {"notifications": {"media": {"email": True}}}
    assert set(changed) == {"avatar_url", "preferences", "updated_at"}


def test_export_cleaning_drops_keys_and_makes_values_json() -> None:
    item = {
        "PK": "USER#u1",
        "SK": "X",
        "GSI1PK": "g",
        "entity": "Enrollment",
        "expires_at": Decimal(1),
        "percent": Decimal("40"),
        "ratio": Decimal("0.5"),
        "tags": {"b", "a"},
        "blob": b"\x00\x01",
        "nested": {"n": [Decimal(2)]},
    }

    cleaned = users_storage.clean(item)

    assert cleaned == {
        "percent": 40,
        "ratio": 0.5,
        "tags": ["a", "b"],
        "blob": "AAE=",
        "nested": {"n": [2]},
    }
    json.dumps(cleaned)


def test_erasure_leaves_nothing_personal() -> None:
    changes = users.erasure_changes(account(avatar_url="https://x.test/a.png"))

    assert changes["status"] == "deleted"
    assert changes["email"] == "deleted-u1@deleted.invalid"
    assert changes["name"] == "Deleted user"
    assert changes["avatar_url"] is None and changes["preferences"] == {}
    assert changes["cognito_username"] is None and changes["sessions_revoked_at"] > 0


@pytest.mark.parametrize(
    ("role", "status", "q", "streams", "filters"),
    [
        (None, None, None, [("GSI1", "USERS#EMAIL", None)], (None, None)),
        ("student", None, None, [("GSI1", "USERS#EMAIL", None)], ("student", None)),
        ("admin", "banned", None, [("GSI1", "USERS#ROLE#admin", None)], (None, "banned")),
        (None, "banned", None, [("GSI3", "USERS#STATUS#banned", None)], (None, None)),
        (
            "instructor",
            None,
            " Éva ",
            [("GSI1", "USERS#EMAIL", "eva"), ("GSI2", "USERS#NAME", "eva")],
            ("instructor", None),
        ),
    ],
)
def test_the_listing_plan_reads_an_index_never_the_table(
    role: str | None,
    status: str | None,
    q: str | None,
    streams: list[tuple[str, str, str | None]],
    filters: tuple[str | None, str | None],
) -> None:
    plan = admin_storage.listing_plan(role, status, q)

    assert [(s.index, s.partition, s.prefix) for s in plan.streams] == streams
    assert (plan.role, plan.status) == filters


def test_a_blank_search_is_a_422_naming_q() -> None:
    with pytest.raises(ValidationFailed) as raised:
        admin_storage.listing_plan(None, None, " \t ")

    assert raised.value.details["fields"][0]["field"] == "q"


def test_the_plan_keeps_what_its_filters_allow() -> None:
    plan = admin_storage.listing_plan("admin", "banned", None)

    assert plan.keeps(record(roles=["student", "admin"], status="banned"))
    assert not plan.keeps(record(roles=["student", "admin"], status="active"))


def test_roles_always_include_student_in_a_fixed_order() -> None:
    assert normalised_roles(["admin", "instructor"]) == ["student", "instructor", "admin"]
    assert normalised_roles(["student", "student"]) == ["student"]


@pytest.mark.parametrize(
    ("status", "verified", "requested", "after"),
    [
        ("active", True, "banned", "banned"),
        ("banned", True, "active", "active"),
        ("banned", False, "active", "unverified"),
        ("unverified", False, "active", "unverified"),
        ("active", True, None, "active"),
    ],
)
def test_unbanning_returns_an_account_to_where_it_was(
    status: str, verified: bool, requested: str | None, after: str
) -> None:
    target = account(status=status, verified_at="2026-11-23T10:00:00Z" if verified else None)

    assert status_after(target, requested) == after


def _request(source_ip: str, headers: dict[str, str] | None = None) -> Request:
    return Request(event={}, request_id="r", source_ip=source_ip, headers=headers or {})


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    reset_settings()
    yield monkeypatch
    reset_settings()


def test_the_client_address_comes_from_the_trusted_header_only_when_configured(
    env: pytest.MonkeyPatch,
) -> None:
    proxied = {"cloudfront-viewer-address": "198.51.100.9:46532"}
    assert client_ip(_request("10.0.0.1", proxied)) == "10.0.0.1"

    env.setenv("CLIENT_IP_HEADER", "cloudfront-viewer-address")
    reset_settings()

    assert client_ip(_request("10.0.0.1", proxied)) == "198.51.100.9"
    ipv6 = {"cloudfront-viewer-address": "2001:db8::7:443"}
    assert client_ip(_request("10.0.0.1", ipv6)) == "2001:db8::7"
    assert client_ip(_request("10.0.0.1")) == "10.0.0.1"


def _jwt(claims: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"e30.{payload}.sig"


def test_a_federated_identity_must_come_from_this_pool_and_client(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("USER_POOL_ID", "us-east-1_pool")
    env.setenv("USER_POOL_CLIENT_ID", "client")
    reset_settings()
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
    id_claims = {
        "token_use": "id",
        "aud": "client",
        "iss": issuer,
        "sub": "s1",
        "cognito:username": "google_1",
        "email": "Fed@Example.test",
        "email_verified": "true",
        "name": "Fed",
    }
    access = _jwt({"sub": "s1", "token_use": "access"})

    who = oauth.identity(Tokens(access, _jwt(id_claims), None, 3600))

    assert (who.username, who.sub, who.email, who.email_verified) == (
        "google_1",
        "s1",
        "fed@example.test",
        True,
    )
    for wrong in ({"aud": "other"}, {"iss": "https://evil"}, {"token_use": "access"}):
        with pytest.raises(oauth.CodeRejected):
            oauth.identity(Tokens(access, _jwt({**id_claims, **wrong}), None, 3600))
    other_user = _jwt({"sub": "s2"})
    with pytest.raises(oauth.CodeRejected):
        oauth.identity(Tokens(other_user, _jwt(id_claims), None, 3600))
