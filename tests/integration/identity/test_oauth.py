"""Sign-in with Google/GitHub through the (fake, local) Cognito hosted UI: state, PKCE, users."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest

from coursewave.config import reset_settings
from tests.integration.identity.conftest import FRONTEND, HostedUi, Identity
from tests.support.cloud import Platform
from tests.support.personas import Personas


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def browse(url: str) -> tuple[int, dict[str, str]]:
    """What a browser sees at ``url`` (a redirect is not followed)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def start(platform: Platform, provider: str = "google", redirect_uri: str = FRONTEND) -> Any:
    query = urlencode({"redirect_uri": redirect_uri})
    return platform.call("GET", f"/v1/auth/oauth/{provider}/authorize?{query}")


def consent(authorization_url: str, account_email: str, name: str = "Fed User") -> dict[str, str]:
    """The user signs in at the provider; the hosted UI redirects back with code and state."""
    url = f"{authorization_url}&{urlencode({'login_hint': account_email, 'name': name})}"
    status, headers = browse(url)
    assert status == 302, headers
    location = urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == FRONTEND
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def sign_in(
    platform: Platform, account_email: str, provider: str = "google", name: str = "Fed User"
) -> Any:
    started = start(platform, provider).json()
    back = consent(started["authorization_url"], account_email, name)
    assert back["state"] == started["state"]
    return platform.call(
        "POST",
        f"/v1/auth/oauth/{provider}/callback",
        json_body={"code": back["code"], "state": back["state"], "redirect_uri": FRONTEND},
    )


@pytest.mark.authz("GET /v1/auth/oauth/{provider}/authorize")
def test_authorize_builds_a_pkce_request_for_the_hosted_ui(
    platform: Platform, hosted_ui: HostedUi
) -> None:
    response = start(platform, "github")

    assert response.status == 200, response.body
    body = response.json()
    url = urlsplit(body["authorization_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{hosted_ui.url}/oauth2/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["identity_provider"] == "GitHub"
    assert query["client_id"] == platform.provisioned.client_id
    assert query["redirect_uri"] == FRONTEND
    assert query["state"] == body["state"] and len(body["state"]) >= 40
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert "openid" in query["scope"].split()
    assert start(platform, "github").json()["state"] != body["state"]


@pytest.mark.parametrize(
    ("provider", "redirect_uri", "status"),
    [
        ("facebook", FRONTEND, 404),
        ("google", "https://evil.test/steal", 422),
        ("google", FRONTEND + "/extra", 422),
    ],
    ids=["unknown provider", "foreign redirect", "prefix of an allowed redirect"],
)
def test_authorize_refuses_unknown_providers_and_redirects(
    platform: Platform, hosted_ui: HostedUi, provider: str, redirect_uri: str, status: int
) -> None:
    response = start(platform, provider, redirect_uri)

    assert response.status == status
    if status == 422:
        assert response.json()["error"]["details"]["fields"][0]["field"] == "redirect_uri"


def test_without_a_cognito_domain_oauth_is_not_offered(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COGNITO_DOMAIN_URL", raising=False)
    reset_settings()

    response = start(platform)

    assert response.status == 404


@pytest.mark.authz("POST /v1/auth/oauth/{provider}/callback")
def test_first_federated_sign_in_creates_an_active_student(
    platform: Platform, hosted_ui: HostedUi, identity: Identity
) -> None:
    email = identity.email("googler")

    response = sign_in(platform, email.upper(), name="Gail Googler")

    assert response.status == 200, response.body
    tokens = response.json()
    assert set(tokens) >= {"access_token", "id_token", "refresh_token", "expires_in"}
    me = platform.call(
        "GET", "/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert (me["email"], me["name"], me["provider"]) == (email, "Gail Googler", "google")
    assert (me["status"], me["roles"], me["email_verified"]) == ("active", ["student"], True)
    (event,) = [
        e for e in platform.events("UserRegistered") if e["detail"]["data"]["email"] == email
    ]
    assert event["detail"]["data"]["provider"] == "google"
    assert event["detail"]["data"]["email_verified"] is True
    refreshed = identity.post("/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status == 200

    # Signing in again finds the same account
    again = sign_in(platform, email).json()
    me_again = platform.call(
        "GET", "/v1/me", headers={"Authorization": f"Bearer {again['access_token']}"}
    )
    assert me_again.json()["id"] == me["id"]


def test_a_state_is_single_use_and_bound_to_provider_and_redirect(
    platform: Platform, hosted_ui: HostedUi, identity: Identity
) -> None:
    started = start(platform).json()
    back = consent(started["authorization_url"], identity.email("replay"))
    body = {"code": back["code"], "state": back["state"], "redirect_uri": FRONTEND}

    wrong_provider = platform.call("POST", "/v1/auth/oauth/github/callback", json_body=body)
    after_misuse = platform.call("POST", "/v1/auth/oauth/google/callback", json_body=body)

    assert (wrong_provider.status, wrong_provider.error_code) == (400, "INVALID_STATE")
    assert (after_misuse.status, after_misuse.error_code) == (400, "INVALID_STATE")

    started = start(platform).json()
    back = consent(started["authorization_url"], identity.email("replay"))
    other_redirect = platform.call(
        "POST",
        "/v1/auth/oauth/google/callback",
        json_body={**back, "redirect_uri": "https://app.example.test/cb"},
    )
    assert (other_redirect.status, other_redirect.error_code) == (400, "INVALID_STATE")

    started = start(platform).json()
    back = consent(started["authorization_url"], identity.email("replay"))
    ok = {**back, "redirect_uri": FRONTEND}
    assert platform.call("POST", "/v1/auth/oauth/google/callback", json_body=ok).status == 200
    replay = platform.call("POST", "/v1/auth/oauth/google/callback", json_body=ok)
    assert (replay.status, replay.error_code) == (400, "INVALID_STATE")


def test_a_forged_code_is_refused(platform: Platform, hosted_ui: HostedUi) -> None:
    started = start(platform).json()

    response = platform.call(
        "POST",
        "/v1/auth/oauth/google/callback",
        json_body={"code": "forged", "state": started["state"], "redirect_uri": FRONTEND},
    )

    assert (response.status, response.error_code) == (400, "INVALID_CODE")


def test_an_email_owned_by_a_password_account_is_not_taken_over(
    platform: Platform, hosted_ui: HostedUi, identity: Identity
) -> None:
    session = identity.signed_up()

    response = sign_in(platform, session.email)

    assert (response.status, response.error_code) == (409, "CONFLICT")
    assert identity.login(session.email).status == 200


def test_a_banned_federated_account_cannot_sign_in(
    platform: Platform, hosted_ui: HostedUi, identity: Identity, personas: Personas
) -> None:
    # Given a federated account an admin banned (which disables it in the pool too)
    email = identity.email("fedban")
    tokens = sign_in(platform, email).json()
    user_id = platform.call(
        "GET", "/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()["id"]
    platform.call(
        "PATCH", f"/v1/admin/users/{user_id}", caller=personas.admin, json_body={"status": "banned"}
    )

    # Then the hosted UI sends the browser back with an error instead of a code
    started = start(platform).json()
    url = f"{started['authorization_url']}&{urlencode({'login_hint': email})}"
    status, headers = browse(url)
    assert status == 302
    assert parse_qs(urlsplit(headers["Location"]).query)["error"] == ["access_denied"]

    # And were the pool to let them through, the record still says no
    (username, _) = hosted_ui.fake._accounts[("Google", email)]
    boto3.client("cognito-idp").admin_enable_user(
        UserPoolId=platform.provisioned.user_pool_id, Username=username
    )
    response = sign_in(platform, email)
    assert (response.status, response.error_code) == (403, "ACCOUNT_DISABLED")


def test_forgot_password_for_a_federated_account_points_to_its_provider(
    platform: Platform, hosted_ui: HostedUi, identity: Identity
) -> None:
    email = identity.email("fedforgot")
    assert sign_in(platform, email, provider="github").status == 200

    assert identity.post("/v1/auth/password/forgot", {"email": email}).status == 202

    mails = identity.mails(email)
    # a federated sign-in was welcomed by email; the reset request adds the sign-in hint
    assert [m["subject"] for m in mails] == ["Your Coursewave sign-in", "Welcome to Coursewave"]
    mail = mails[0]
    assert "Sign in with GitHub" in mail["text"]
    assert not any(char.isdigit() for char in mail["text"])
