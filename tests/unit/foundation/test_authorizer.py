"""The API Gateway JWT authorizer emulation, against a JWKS served by a fake: exactly as strict as
AWS (the shared verifier's API_GATEWAY policy), no stricter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from local.authorizer import JwtAuthorizer, Rejected, as_api_gateway_claims

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/pool"
CLIENT = "client-1"
SCOPES = ("aws.cognito.signin.user.admin",)


@pytest.fixture(scope="module")
def key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def authorizer(key: Any, monkeypatch: pytest.MonkeyPatch) -> JwtAuthorizer:
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}

    class FakeResponse:
        def raise_for_status(self) -> None:
            pass

        def json(self) -> dict[str, Any]:
            return {"keys": [jwk]}

    monkeypatch.setattr("requests.get", lambda *a, **k: FakeResponse())
    return JwtAuthorizer("http://jwks", ISSUER, CLIENT)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _token(key: Any, kid: str = "k1", alg: str = "RS256", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": "user-1",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "iat": now,
        "exp": now + 300,
        "cognito:groups": ["admins", "students"],
        **overrides,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def test_a_valid_access_token_yields_api_gateway_claims(
    authorizer: JwtAuthorizer, key: Any
) -> None:
    claims = authorizer.verify(f"Bearer {_token(key)}", SCOPES)
    assert claims["sub"] == "user-1"
    assert claims["cognito:groups"] == "[admins students]"


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "https://evil.example/pool"},
        {"client_id": "other"},
        {"token_use": "id", "aud": CLIENT, "client_id": None, "scope": None},
        {"exp": int(time.time()) - 10},
        {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200},
        {"nbf": int(time.time()) + 3600},
    ],
    ids=["issuer", "client", "id token", "expired", "future iat", "not yet valid"],
)
def test_claims_that_must_not_pass(authorizer: JwtAuthorizer, key: Any, overrides: dict) -> None:
    with pytest.raises(Rejected):
        authorizer.verify(f"Bearer {_token(key, **overrides)}", SCOPES)


def test_the_id_token_is_refused_for_its_missing_scope_not_its_token_use(
    authorizer: JwtAuthorizer, key: Any
) -> None:
    """API Gateway does not check token_use: the route's scopes are what keeps an ID token out
    (a 403 from API Gateway), and a gateway stricter than AWS would hide that."""
    id_token = _token(key, token_use="id", aud=CLIENT, client_id=None, scope=None)
    with pytest.raises(Rejected) as caught:
        authorizer.verify(f"Bearer {id_token}", SCOPES)
    assert caught.value.insufficient_scope
    assert authorizer.verify(f"Bearer {id_token}")["token_use"] == "id"  # no scopes asked


def test_the_bearer_prefix_is_optional_as_in_api_gateway(
    authorizer: JwtAuthorizer, key: Any
) -> None:
    assert authorizer.verify(_token(key), SCOPES)["sub"] == "user-1"


def test_unknown_kid_and_hs256_with_the_public_key_are_rejected(
    authorizer: JwtAuthorizer, key: Any
) -> None:
    with pytest.raises(Rejected):
        authorizer.verify(f"Bearer {_token(key, kid='unknown')}", SCOPES)
    # The classic confusion attack: HMAC-sign with the public key (PyJWT itself refuses to, so
    # the token is assembled by hand).
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": "k1"})
    payload = _b64(jwt.decode(_token(key), options={"verify_signature": False}))
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"
    with pytest.raises(Rejected):
        authorizer.verify(f"Bearer {forged}", SCOPES)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Token abc", "Bearer a.b"])
def test_missing_or_malformed_headers(authorizer: JwtAuthorizer, header: str | None) -> None:
    with pytest.raises(Rejected):
        authorizer.verify(header, SCOPES)


def test_scalar_claims_become_strings() -> None:
    assert as_api_gateway_claims({"exp": 5, "groups": ["a"]}) == {"exp": "5", "groups": "[a]"}
