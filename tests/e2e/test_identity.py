"""Identity over HTTP against the local runner: a learner's whole account life, an admin's
moderation, and federated sign-in through the local hosted UI."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.conftest import DEMO_PASSWORD, LocalStack

ADMIN = "admin@demo.coursewave.dev"
PASSWORD = "Journey-pass-2026"


def _email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.test"


def _code(stack: LocalStack, email: str, subject: str, deadline: float = 15.0) -> str:
    """The newest code mailed to ``email`` (the mailer runs off the request path)."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        for mail in stack.mailbox(email):
            if mail["subject"] == subject:
                return re.search(r"code is (\d{6})\b", mail["text"]).group(1)  # type: ignore[union-attr]
        time.sleep(0.2)
    raise AssertionError(f"no '{subject}' email reached {email}")


def _signed_up(stack: LocalStack, name: str) -> tuple[str, dict[str, Any]]:
    email = _email("e2e")
    registered = stack.api(
        "POST", "/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert registered.status_code == 201, registered.text
    code = _code(stack, email, "Confirm your Coursewave email address")
    assert stack.api("POST", "/v1/auth/confirm", json={"email": email, "code": code}).ok
    login = stack.api("POST", "/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return email, login.json()


def test_a_learner_registers_confirms_uses_exports_and_deletes_their_account(
    stack: LocalStack,
) -> None:
    # register → code from the local mailbox → confirm → log in
    email, tokens = _signed_up(stack, "Journey Learner")

    # refresh
    refreshed = stack.api(
        "POST", "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    token = refreshed.json()["access_token"]

    # edit the profile
    patched = stack.api(
        "PATCH",
        "/v1/me",
        token=token,
        json={"name": "Journey Renamed", "preferences": {"locale": "rw"}},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Journey Renamed"

    # export everything held about me
    export = stack.api("GET", "/v1/me/export", token=token)
    assert export.status_code == 200
    assert export.json()["account"]["email"] == email
    assert export.json()["account"]["preferences"] == {"locale": "rw"}

    # delete: disabled at once, the email is free again
    deleted = stack.api("DELETE", "/v1/me", token=token)
    assert deleted.status_code == 202
    after = stack.api("GET", "/v1/me", token=token)
    assert (after.status_code, after.json()["error"]["code"]) == (403, "ACCOUNT_DISABLED")
    login = stack.api("POST", "/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401
    again = stack.api(
        "POST", "/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Back"}
    )
    assert again.status_code == 201


def test_the_demo_admin_lists_bans_unbans_and_promotes_with_immediate_effect(
    stack: LocalStack,
) -> None:
    admin_login = stack.api(
        "POST", "/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD}
    )
    assert admin_login.status_code == 200, admin_login.text
    admin = admin_login.json()["access_token"]
    email, tokens = _signed_up(stack, "Moderated Learner")
    user_token = tokens["access_token"]

    # list: the admin finds the learner by email prefix
    found = stack.api("GET", "/v1/admin/users", token=admin, params={"q": email.split("@")[0]})
    assert found.status_code == 200, found.text
    (user,) = found.json()["items"]
    path = f"/v1/admin/users/{user['id']}"

    # ban: the learner's very next request and their sign-in answer 403
    banned = stack.api("PATCH", path, token=admin, json={"status": "banned", "reason": "e2e"})
    assert banned.status_code == 200 and banned.json()["status"] == "banned"
    assert stack.api("GET", "/v1/me", token=user_token).status_code == 403
    refused = stack.api("POST", "/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "ACCOUNT_DISABLED")

    # unban: they sign in again
    assert stack.api("PATCH", path, token=admin, json={"status": "active"}).status_code == 200
    login = stack.api("POST", "/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    user_token = login.json()["access_token"]
    assert stack.api("GET", "/v1/admin/users", token=user_token).status_code == 403

    # promote: the same token reaches admin routes on the next request
    promoted = stack.api("PATCH", path, token=admin, json={"roles": ["student", "admin"]})
    assert promoted.json()["roles"] == ["student", "admin"]
    assert stack.api("GET", "/v1/admin/users", token=user_token).status_code == 200

    # and every action is in the audit log, newest first
    log = stack.api(
        "GET", "/v1/admin/audit-log", token=admin, params={"target_user_id": user["id"]}
    )
    actions = [entry["action"] for entry in log.json()["items"]]
    assert actions == ["user.roles_changed", "user.unbanned", "user.banned"]


def test_signing_in_with_google_through_the_local_hosted_ui(stack: LocalStack) -> None:
    landing = f"{stack.url}/_local/oauth/callback"
    started = stack.api(
        "GET", "/v1/auth/oauth/google/authorize", params={"redirect_uri": landing}
    ).json()

    # the hosted UI asks which Google account; login_hint answers it
    hosted = urlsplit(started["authorization_url"])
    request = {k: v[0] for k, v in parse_qs(hosted.query).items()}
    form = stack.api("GET", hosted.path, params=request)
    assert form.status_code == 200 and "<form" in form.text
    account = _email("googler")
    redirected = stack.api(
        "GET", hosted.path, params={**request, "login_hint": account}, allow_redirects=False
    )
    assert redirected.status_code == 302
    back = {k: v[0] for k, v in parse_qs(urlsplit(redirected.headers["Location"]).query).items()}
    assert back["state"] == started["state"]
    assert stack.api("GET", "/_local/oauth/callback", params=back).status_code == 200

    tokens = stack.api(
        "POST",
        "/v1/auth/oauth/google/callback",
        json={"code": back["code"], "state": back["state"], "redirect_uri": landing},
    )

    assert tokens.status_code == 200, tokens.text
    me = stack.api("GET", "/v1/me", token=tokens.json()["access_token"]).json()
    assert (me["email"], me["provider"], me["status"]) == (account, "google", "active")
