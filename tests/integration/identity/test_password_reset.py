"""Forgot / reset password: no enumeration, single-use codes, sessions ended."""

from __future__ import annotations

import pytest

from coursewave.users import User
from tests.integration.identity.conftest import PASSWORD, Identity
from tests.support.cloud import Platform

NEW_PASSWORD = "Brand-new-secret-7"


@pytest.mark.authz("POST /v1/auth/password/forgot")
def test_forgot_for_an_unknown_email_is_indistinguishable(identity: Identity) -> None:
    # Given one registered and one unknown address (the route is public)
    session = identity.signed_up()
    ghost = identity.email("ghost")

    # When both ask for a reset
    known = identity.post("/v1/auth/password/forgot", {"email": session.email})
    unknown = identity.post("/v1/auth/password/forgot", {"email": ghost})

    # Then the answers are identical, and only the account's owner gets an email
    assert known.status == unknown.status == 202
    assert known.json() == unknown.json() == {"status": "accepted"}
    assert set(known.headers) == set(unknown.headers)
    assert identity.mails(ghost) == []
    latest = identity.mails(session.email)[0]
    assert latest["subject"] == "Reset your Coursewave password"


@pytest.mark.authz("POST /v1/auth/password/reset")
def test_reset_sets_the_password_and_ends_every_session(
    platform: Platform, identity: Identity
) -> None:
    session = identity.signed_up()
    identity.post("/v1/auth/password/forgot", {"email": session.email})
    code = identity.code(session.email)

    response = identity.post(
        "/v1/auth/password/reset",
        {"email": session.email, "code": code, "new_password": NEW_PASSWORD},
    )

    assert response.status == 204, response.body
    assert identity.login(session.email, PASSWORD).status == 401
    assert identity.login(session.email, NEW_PASSWORD).status == 200
    old = identity.post("/v1/auth/refresh", {"refresh_token": session.refresh_token})
    assert old.status == 401
    reused = identity.post(
        "/v1/auth/password/reset",
        {"email": session.email, "code": code, "new_password": "Another-pass-99"},
    )
    assert (reused.status, reused.error_code) == (400, "INVALID_CODE")


def test_reset_with_a_wrong_code_or_weak_password_changes_nothing(identity: Identity) -> None:
    session = identity.signed_up()
    identity.post("/v1/auth/password/forgot", {"email": session.email})
    code = identity.code(session.email)
    wrong = "000000" if code != "000000" else "111111"

    bad_code = identity.post(
        "/v1/auth/password/reset",
        {"email": session.email, "code": wrong, "new_password": NEW_PASSWORD},
    )
    weak = identity.post(
        "/v1/auth/password/reset",
        {"email": session.email, "code": code, "new_password": "weakweakweak"},
    )

    assert (bad_code.status, bad_code.error_code) == (400, "INVALID_CODE")
    assert weak.status == 422
    assert weak.json()["error"]["details"]["fields"][0]["field"] == "new_password"
    assert identity.login(session.email, PASSWORD).status == 200


def test_a_reset_proves_the_email_of_an_unconfirmed_account(identity: Identity) -> None:
    # Given an account registered but never confirmed (say, by someone else with my email)
    email = identity.email("squatted")
    identity.register(email, password="Squatters-pass-1")

    # When the owner of the address resets the password with the emailed code
    identity.post("/v1/auth/password/forgot", {"email": email})
    code = identity.code(email)
    reset = identity.post(
        "/v1/auth/password/reset", {"email": email, "code": code, "new_password": NEW_PASSWORD}
    )

    # Then the account is theirs: confirmed, active, with their password only
    assert reset.status == 204
    assert identity.login(email, "Squatters-pass-1").status == 401
    session = identity.session(email, NEW_PASSWORD)
    record = User.find(session.user_id)
    assert record is not None and record.status == "active" and record.verified_at


def test_a_banned_account_gets_no_reset_code(platform: Platform, identity: Identity) -> None:
    session = identity.signed_up()
    admin = platform.user("admin")
    banned = platform.call(
        "PATCH", f"/v1/admin/users/{session.user_id}", caller=admin, json_body={"status": "banned"}
    )
    assert banned.status == 200
    sent_before = len(identity.mails(session.email))

    response = identity.post("/v1/auth/password/forgot", {"email": session.email})

    assert response.status == 202
    assert len(identity.mails(session.email)) == sent_before
