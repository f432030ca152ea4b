"""Register → code by email → confirm; duplicates, bad input, resend, code rules."""

from __future__ import annotations

import pytest

from coursewave.users import User
from tests.integration.identity.conftest import PASSWORD, Identity
from tests.support.cloud import Platform, Response


def _fields(response: Response) -> dict[str, str]:
    assert response.status == 422, response.body
    assert response.error_code == "VALIDATION_ERROR"
    return {f["field"]: f["message"] for f in response.json()["error"]["details"]["fields"]}


@pytest.mark.authz("POST /v1/auth/register")
@pytest.mark.authz("POST /v1/auth/confirm")
def test_a_new_account_confirms_its_email_with_the_emailed_code(
    platform: Platform, identity: Identity
) -> None:
    # Given an anonymous caller registering (the routes are public)
    email = identity.email("new.person")
    response = identity.register(email.upper(), name="  New   Person ")

    # Then the account exists, unconfirmed, and the code is in the mailbox
    assert response.status == 201, response.body
    body = response.json()
    assert body["confirmation_required"] is True
    assert body["user"] == {
        "id": body["user"]["id"],
        "email": email,
        "name": "New Person",
        "roles": ["student"],
    }
    record = User.find(body["user"]["id"])
    assert record is not None and record.status == "unverified"
    (mail,) = identity.mails(email)
    assert mail["subject"] == "Confirm your Coursewave email address"

    # And signing in before confirming answers 403 EMAIL_NOT_VERIFIED
    early = identity.login(email)
    assert (early.status, early.error_code) == (403, "EMAIL_NOT_VERIFIED")

    # When the code is confirmed
    confirmed = identity.confirm(email)
    assert confirmed.status == 204 and confirmed.body == b""

    # Then the account can sign in and is active, and its creation was announced
    session = identity.session(email)
    me = platform.call("GET", "/v1/me", headers=session.auth).json()
    assert (me["status"], me["email_verified"]) == ("active", True)
    (event,) = [
        e for e in platform.events("UserRegistered") if e["detail"]["data"]["email"] == email
    ]
    assert event["source"] == "coursewave.auth"
    assert event["detail"]["data"]["user_id"] == body["user"]["id"]
    assert event["detail"]["data"]["email_verified"] is False


def test_registering_a_taken_email_answers_409_whatever_its_case(identity: Identity) -> None:
    email = identity.email("taken")
    assert identity.register(email).status == 201

    again = identity.register(email.upper(), name="Someone Else")

    assert (again.status, again.error_code) == (409, "CONFLICT")


def test_a_second_registration_creates_no_second_record_or_email(
    platform: Platform, identity: Identity
) -> None:
    email = identity.email("once")
    identity.register(email)
    identity.register(email)

    assert len(identity.mails(email)) == 1
    events = platform.events("UserRegistered")
    assert [e["detail"]["data"]["email"] for e in events].count(email) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-1A", "at least 10"),
        ("alllowercaseletters", "at least two"),
        ("12345678901234", "at least two"),
        (" padded-Pass-1 ", "space"),
        ("x" * 300, "at most 256"),
        ("weak@example.test1", "email"),
    ],
    ids=["short", "letters only", "digits only", "spaces", "too long", "contains email"],
)
def test_a_weak_password_is_a_422_naming_password(
    identity: Identity, platform: Platform, password: str, message: str
) -> None:
    email = "weak@example.test" if "@" in password else identity.email("weak")
    response = identity.register(email, password=password)

    assert message in _fields(response)["password"]
    assert identity.mails(email) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "name": "N"}, "email"),
        ({"email": "a@b", "password": PASSWORD, "name": "N"}, "email"),
        ({"email": "ok@example.test", "password": PASSWORD, "name": "   "}, "name"),
        ({"email": "ok@example.test", "password": PASSWORD, "name": "x" * 101}, "name"),
        ({"email": "ok@example.test", "password": PASSWORD}, "name"),
        ({"email": "ok@example.test", "password": PASSWORD, "name": "N", "roles": []}, "roles"),
    ],
    ids=["email", "email without dot", "blank name", "long name", "missing name", "extra"],
)
def test_bad_registration_input_is_a_422_naming_the_field(
    identity: Identity, body: dict[str, object], field: str
) -> None:
    response = identity.post("/v1/auth/register", body)

    assert field in _fields(response)


def test_a_wrong_code_answers_invalid_code_and_the_right_one_still_works(
    identity: Identity,
) -> None:
    email = identity.email("typo")
    identity.register(email)
    code = identity.code(email)
    wrong = "000000" if code != "000000" else "111111"

    response = identity.confirm(email, wrong)

    assert (response.status, response.error_code) == (400, "INVALID_CODE")
    assert identity.confirm(email, code).status == 204


def test_a_code_is_single_use(identity: Identity) -> None:
    email = identity.email("single")
    identity.register(email)
    code = identity.code(email)
    assert identity.confirm(email, code).status == 204

    again = identity.confirm(email, code)

    assert (again.status, again.error_code) == (400, "INVALID_CODE")


def test_five_wrong_attempts_kill_the_code(identity: Identity) -> None:
    email = identity.email("guess")
    identity.register(email)
    code = identity.code(email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert identity.confirm(email, wrong).error_code == "INVALID_CODE"

    late = identity.confirm(email, code)

    assert (late.status, late.error_code) == (400, "INVALID_CODE")


def test_a_code_for_an_unknown_email_is_invalid_too(identity: Identity) -> None:
    response = identity.confirm(identity.email("nobody"), "123456")

    assert (response.status, response.error_code) == (400, "INVALID_CODE")


def test_a_malformed_code_is_a_422_naming_code(identity: Identity) -> None:
    response = identity.post("/v1/auth/confirm", {"email": "a@example.test", "code": "12ab"})

    assert "code" in _fields(response)


@pytest.mark.authz("POST /v1/auth/resend-code")
def test_resend_replaces_the_code_and_says_nothing_about_the_account(
    identity: Identity,
) -> None:
    email, ghost = identity.email("again"), identity.email("ghost")
    identity.register(email)
    first = identity.code(email)

    resent = identity.post("/v1/auth/resend-code", {"email": email})
    unknown = identity.post("/v1/auth/resend-code", {"email": ghost})

    assert resent.status == unknown.status == 202
    assert resent.json() == unknown.json()
    second = identity.code(email)
    assert len(identity.mails(email)) == 2
    assert identity.mails(ghost) == []
    if second != first:
        assert identity.confirm(email, first).error_code == "INVALID_CODE"
    assert identity.confirm(email, second).status == 204


def test_resend_to_a_confirmed_account_sends_nothing(identity: Identity) -> None:
    session = identity.signed_up()

    response = identity.post("/v1/auth/resend-code", {"email": session.email})

    assert response.status == 202
    assert len(identity.mails(session.email)) == 1


def test_an_email_the_user_pool_refuses_is_a_422_naming_email(
    identity: Identity, platform: Platform
) -> None:
    # Found by the fuzzer: the documented pattern allows control characters and braces that
    # Cognito refuses as a username ("should be either an email or a phone number"): a 500.
    email = (
        "\u00e4\u00a8@{\u008d.\u0003\u00b7t.70\u00b4}\u00f3\u0108\u00b8\u00a1\u0088\U00087b81\u0002"
    )

    response = identity.register(email)

    assert response.status == 422, response.body
    assert "email" in _fields(response)
