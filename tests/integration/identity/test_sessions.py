"""Login, refresh, logout: generic failures, revocation, rotation, rate limits."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from coursewave import clock
from functions.auth import logic
from functions.auth.domain import RATE_RULES
from functions.users import cognito
from tests.integration.identity.conftest import PASSWORD, Identity
from tests.support.cloud import Platform
from tests.support.personas import Personas


@pytest.mark.authz("POST /v1/auth/login")
def test_wrong_password_and_unknown_email_answer_the_same_401_after_the_same_work(
    identity: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an account, and a spy on the identity provider's password check
    session = identity.signed_up()
    checked: list[str] = []
    real = cognito.authenticate
    monkeypatch.setattr(
        cognito, "authenticate", lambda email, *a: checked.append(email) or real(email, *a)
    )

    # When one caller guesses a password and another an email
    wrong = identity.login(session.email, "Wrong-password-1")
    unknown = identity.login(identity.email("nobody"), PASSWORD)

    # Then both get the same 401 and both cost one password check at Cognito
    assert wrong.status == unknown.status == 401
    assert wrong.json()["error"] | {"request_id": ""} == unknown.json()["error"] | {
        "request_id": ""
    }
    assert wrong.json()["error"]["message"] == "Incorrect email or password."
    assert len(checked) == 2
    # And the right password still works (public route: no token needed)
    assert identity.login(session.email).status == 200


@pytest.mark.authz("POST /v1/auth/refresh")
def test_refresh_gives_working_tokens_and_rotates_the_refresh_token(
    platform: Platform, identity: Identity
) -> None:
    session = identity.signed_up()

    response = identity.post("/v1/auth/refresh", {"refresh_token": session.refresh_token})

    assert response.status == 200, response.body
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    me = platform.call("GET", "/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status == 200 and me.json()["id"] == session.user_id
    # the refresh token rotated: the one sent is spent, the new one works once
    assert body["refresh_token"] and body["refresh_token"] != session.refresh_token
    spent = identity.post("/v1/auth/refresh", {"refresh_token": session.refresh_token})
    assert (spent.status, spent.error_code) == (401, "UNAUTHENTICATED")
    following = identity.post("/v1/auth/refresh", {"refresh_token": body["refresh_token"]})
    assert following.status == 200


def test_an_unknown_refresh_token_is_a_401(identity: Identity) -> None:
    response = identity.post("/v1/auth/refresh", {"refresh_token": "not-a-token"})

    assert (response.status, response.error_code) == (401, "UNAUTHENTICATED")


@pytest.mark.authz("POST /v1/auth/logout")
def test_logout_ends_every_session_of_the_user(
    platform: Platform, identity: Identity, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a user signed in on two devices
    laptop = identity.signed_up()
    phone = identity.session(laptop.email)
    # (anonymous → 401, banned → 403)
    assert platform.call("POST", "/v1/auth/logout").status == 401
    banned = platform.call("POST", "/v1/auth/logout", caller=personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")

    # When they log out on the laptop, a second later than the tokens were issued
    later = clock.now() + timedelta(seconds=2)
    with monkeypatch.context() as patch:
        patch.setattr(logic, "now", lambda: later)
        response = platform.call("POST", "/v1/auth/logout", headers=laptop.auth)

    # Then every refresh token and every earlier access token stops working
    assert response.status == 204 and response.body == b""
    for session in (laptop, phone):
        refreshed = identity.post("/v1/auth/refresh", {"refresh_token": session.refresh_token})
        assert (refreshed.status, refreshed.error_code) == (401, "UNAUTHENTICATED")
        me = platform.call("GET", "/v1/me", headers=session.auth)
        assert (me.status, me.error_code) == (401, "UNAUTHENTICATED")


def test_signing_in_again_after_logout_works(platform: Platform, identity: Identity) -> None:
    session = identity.signed_up()
    assert platform.call("POST", "/v1/auth/logout", headers=session.auth).status == 204

    again = identity.session(session.email)

    assert platform.call("GET", "/v1/me", headers=again.auth).status == 200
    refreshed = identity.post("/v1/auth/refresh", {"refresh_token": again.refresh_token})
    assert refreshed.status == 200


def _clear_of_window_rollover(action: str, margin_seconds: float = 20.0) -> None:
    """Rate windows are fixed: start a counting test well inside one, not seconds before it ends."""
    length = RATE_RULES[action].window_seconds
    left = length - time.time() % length
    if left < margin_seconds:
        time.sleep(left + 0.5)


def test_login_is_rate_limited_per_email_with_retry_after(identity: Identity) -> None:
    _clear_of_window_rollover("login")
    session = identity.signed_up()
    for _ in range(9):  # the sign-in above was the first of ten
        assert identity.login(session.email, "Wrong-password-1").status == 401

    limited = identity.login(session.email)

    assert (limited.status, limited.error_code) == (429, "RATE_LIMITED")
    retry_after = int(limited.headers["retry-after"])
    assert 0 < retry_after <= 900
    assert limited.json()["error"]["details"] == {"retry_after_seconds": retry_after}
    # Another address is limited too: the per-email window is shared
    assert identity.login(session.email, source_ip="192.0.2.99").status == 429


def test_requests_are_rate_limited_per_client_address_across_emails(identity: Identity) -> None:
    # Forgot-password allows 20 requests per address an hour, whatever the emails
    _clear_of_window_rollover("forgot")
    for _ in range(20):
        assert identity.post("/v1/auth/password/forgot", {"email": identity.email()}).status == 202

    limited = identity.post("/v1/auth/password/forgot", {"email": identity.email()})

    assert limited.status == 429 and int(limited.headers["retry-after"]) > 0
    elsewhere = identity.post(
        "/v1/auth/password/forgot", {"email": identity.email()}, source_ip="192.0.2.50"
    )
    assert elsewhere.status == 202


@pytest.mark.parametrize(
    ("path", "body", "limit"),
    [
        ("/v1/auth/register", {"password": "x", "name": "N"}, 5),
        ("/v1/auth/confirm", {"code": "123456"}, 10),
        ("/v1/auth/resend-code", {}, 5),
        ("/v1/auth/password/forgot", {}, 5),
        ("/v1/auth/password/reset", {"code": "123456", "new_password": PASSWORD}, 10),
    ],
    ids=["register", "confirm", "resend", "forgot", "reset"],
)
def test_every_code_and_account_route_is_rate_limited_per_email(
    identity: Identity, path: str, body: dict[str, str], limit: int
) -> None:
    email = identity.email("limited")
    if path == "/v1/auth/register":
        body = {**body, "password": PASSWORD}
    answers = [identity.post(path, {**body, "email": email}).status for _ in range(limit + 1)]

    assert 429 not in answers[:limit]
    assert answers[limit] == 429
