"""The GitHub OIDC adapter, driven the way Cognito drives it, against a local fake of GitHub."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from jwt.algorithms import RSAAlgorithm

from coursewave.config import reset_settings
from functions.auth import identity_secret
from tests.integration.identity.conftest import FakeGithub, GithubAccount, HostedUi
from tests.support.cloud import Platform, Response

ISSUER = "https://api.coursewave.test/v1/auth/oidc/github"
ADAPTER = "/v1/auth/oidc/github"
CLIENT_ID = "local-github-client"
OCTOCAT = GithubAccount(
    id=583231,
    login="octocat",
    name="The Octocat",
    emails=[
        {"email": "octo@old.example.test", "primary": False, "verified": True},
        {"email": "Octocat@Example.test", "primary": True, "verified": True},
    ],
)


def _token_request(
    platform: Platform, fields: dict[str, str], headers: dict[str, str] | None = None
) -> Response:
    return platform.call(
        "POST",
        f"{ADAPTER}/token",
        body=urlencode(fields).encode(),
        headers={"content-type": "application/x-www-form-urlencoded", **(headers or {})},
    )


def _secret() -> str:
    return identity_secret.value("github_client_secret")


@pytest.mark.authz("GET /v1/auth/oidc/github/.well-known/openid-configuration")
@pytest.mark.authz("GET /v1/auth/oidc/github/jwks")
def test_discovery_and_keys_are_public(platform: Platform, github: FakeGithub) -> None:
    discovery = platform.call("GET", f"{ADAPTER}/.well-known/openid-configuration")
    keys = platform.call("GET", f"{ADAPTER}/jwks")

    assert discovery.status == keys.status == 200
    document = discovery.json()
    assert document["issuer"] == ISSUER
    assert document["token_endpoint"] == f"{ISSUER}/token"
    assert document["jwks_uri"] == f"{ISSUER}/jwks"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    (key,) = keys.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key  # the public half only


@pytest.mark.authz("GET /v1/auth/oidc/github/authorize")
def test_authorize_sends_the_browser_to_github_for_the_user_pool(
    platform: Platform, github: FakeGithub, hosted_ui: HostedUi
) -> None:
    idp_response = f"{hosted_ui.url}/oauth2/idpresponse"
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": idp_response,
        "state": "cognito-state",
        "response_type": "code",
        "scope": "openid email profile",
    }

    response = platform.call("GET", f"{ADAPTER}/authorize?{urlencode(query)}")

    assert response.status == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{github.url}/login/oauth/authorize"
    )
    sent = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert sent == {
        "client_id": CLIENT_ID,
        "redirect_uri": idp_response,
        "scope": "read:user user:email",
        "state": "cognito-state",
        "allow_signup": "true",
    }
    for bad in ({"client_id": "other"}, {"redirect_uri": "https://evil.test/cb"}):
        refused = platform.call("GET", f"{ADAPTER}/authorize?{urlencode({**query, **bad})}")
        assert refused.status == 400, bad


@pytest.mark.authz("POST /v1/auth/oidc/github/token")
def test_token_exchanges_the_github_code_for_a_verifiable_id_token(
    platform: Platform, github: FakeGithub
) -> None:
    # Given GitHub sent Cognito back with a code
    code = github.grant(OCTOCAT)

    # When Cognito calls the token endpoint (client_secret_post)
    response = _token_request(
        platform,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": CLIENT_ID,
            "client_secret": _secret(),
            "redirect_uri": "https://auth.example.test/oauth2/idpresponse",
        },
    )

    # Then it gets GitHub's access token and an id token it can verify with the adapter's JWKS
    assert response.status == 200, response.body
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["access_token"] in github.tokens
    jwk = platform.call("GET", f"{ADAPTER}/jwks").json()["keys"][0]
    claims = jwt.decode(
        tokens["id_token"],
        RSAAlgorithm.from_jwk(jwk),
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=ISSUER,
    )
    assert jwt.get_unverified_header(tokens["id_token"])["kid"] == jwk["kid"]
    assert claims["sub"] == "583231"
    assert (claims["email"], claims["email_verified"]) == ("octocat@example.test", True)
    assert (claims["name"], claims["preferred_username"]) == ("The Octocat", "octocat")
    assert claims["exp"] - claims["iat"] <= 600
    # And GitHub saw the client credentials and the code passed through
    exchanged = [p for m, path, p in github.server.requests if path == "/login/oauth/access_token"]
    assert exchanged[-1]["code"] == code and exchanged[-1]["client_secret"] == _secret()


def test_token_accepts_client_secret_basic(platform: Platform, github: FakeGithub) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{_secret()}".encode()).decode()

    response = _token_request(
        platform,
        {"grant_type": "authorization_code", "code": github.grant(OCTOCAT)},
        headers={"Authorization": f"Basic {basic}"},
    )

    assert response.status == 200, response.body


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"client_secret": "wrong"}, 401),
        ({"client_id": "someone-else"}, 401),
        ({"code": "never-issued"}, 400),
        ({"grant_type": "refresh_token"}, 400),
    ],
    ids=["wrong secret", "other client", "unknown code", "other grant"],
)
def test_token_refuses_what_github_or_the_adapter_would_not_accept(
    platform: Platform, github: FakeGithub, change: dict[str, str], status: int
) -> None:
    fields = {
        "grant_type": "authorization_code",
        "code": github.grant(OCTOCAT),
        "client_id": CLIENT_ID,
        "client_secret": _secret(),
        **change,
    }

    assert _token_request(platform, fields).status == status


def test_a_github_account_without_a_verified_primary_email_is_refused(
    platform: Platform, github: FakeGithub
) -> None:
    unverified = GithubAccount(
        id=7, login="ghost", name=None, emails=[{"email": "g@x.test", "primary": True}]
    )

    response = _token_request(
        platform,
        {
            "grant_type": "authorization_code",
            "code": github.grant(unverified),
            "client_id": CLIENT_ID,
            "client_secret": _secret(),
        },
    )

    assert response.status == 400
    assert "verified primary email" in response.json()["error"]["message"]


def test_token_wants_a_form(platform: Platform, github: FakeGithub) -> None:
    response = platform.call(
        "POST", f"{ADAPTER}/token", json_body={"grant_type": "authorization_code"}
    )

    assert response.status == 415


@pytest.mark.authz("GET /v1/auth/oidc/github/userinfo")
def test_userinfo_answers_the_claims_for_a_github_token(
    platform: Platform, github: FakeGithub
) -> None:
    tokens: dict[str, Any] = _token_request(
        platform,
        {
            "grant_type": "authorization_code",
            "code": github.grant(OCTOCAT),
            "client_id": CLIENT_ID,
            "client_secret": _secret(),
        },
    ).json()

    info = platform.call(
        "GET",
        f"{ADAPTER}/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    missing = platform.call("GET", f"{ADAPTER}/userinfo")
    revoked = platform.call(
        "GET", f"{ADAPTER}/userinfo", headers={"Authorization": "Bearer gho_revoked"}
    )

    assert info.status == 200
    assert info.json() == {
        "sub": "583231",
        "email": "octocat@example.test",
        "email_verified": True,
        "name": "The Octocat",
        "preferred_username": "octocat",
    }
    assert missing.status == revoked.status == 401


@pytest.mark.parametrize("path", ["/userinfo", "/token"])
def test_github_out_of_reach_answers_503_with_retry_after(
    platform: Platform, github: FakeGithub, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    # Given GitHub's API cannot be reached (nothing listens on the discard port)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    reset_settings()

    # When Cognito asks for the claims of a token, or exchanges a code
    if path == "/userinfo":
        response = platform.call(
            "GET", f"{ADAPTER}/userinfo", headers={"Authorization": "Bearer gho_any"}
        )
    else:
        response = _token_request(
            platform,
            {
                "grant_type": "authorization_code",
                "code": github.grant(OCTOCAT),
                "client_id": CLIENT_ID,
                "client_secret": _secret(),
            },
        )

    # Then it is told to come back later, in the envelope, and nothing internal leaks
    assert response.status == 503, response.body
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert int(response.headers["retry-after"]) >= 1
    assert "127.0.0.1" not in error["message"]
