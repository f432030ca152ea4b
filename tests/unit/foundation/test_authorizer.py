"""The API Gateway JWT authorizer emulation, against a JWKS served by a fake."""

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


@pytest.fixture(scope="module")
def key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def authorizer(key: Any, monkeypatch: pytest.MonkeyPatch) -> JwtAuthorizer:
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}

    class FakeResponse:
        def json(self) -> dict[str, Any]:
            return {"keys": [jwk]}

    monkeypatch.setattr("local.authorizer.requests.get", lambda *a, **k: FakeResponse())
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
        "iat": now,
        "exp": now + 300,
        "cognito:groups": ["admins", "students"],
        **overrides,
    }
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def test_a_valid_access_token_yields_api_gateway_claims(
    authorizer: JwtAuthorizer, key: Any
) -> None:
    claims = authorizer.verify(f"Bearer {_token(key)}")
    assert claims["sub"] == "user-1"
    assert claims["cognito:groups"] == "[admins students]"


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "https://evil.example/pool"},
        {"client_id": "other"},
        {"token_use": "id"},
        {"exp": int(time.time()) - 10},
        {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200},
    ],
    ids=["issuer", "client", "id token", "expired", "future iat"],
)
def test_claims_that_must_not_pass(authorizer: JwtAuthorizer, key: Any, overrides: dict) -> None:
    with pytest.raises(Rejected):
        authorizer.verify(f"Bearer {_token(key, **overrides)}")


def test_unknown_kid_and_hs256_with_the_public_key_are_rejected(
    authorizer: JwtAuthorizer, key: Any
) -> None:
    with pytest.raises(Rejected):
        authorizer.verify(f"Bearer {_token(key, kid='unknown')}")
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
        authorizer.verify(f"Bearer {forged}")


@pytest.mark.parametrize("header", [None, "", "Bearer", "Token abc", "Bearer a.b"])
def test_missing_or_malformed_headers(authorizer: JwtAuthorizer, header: str | None) -> None:
    with pytest.raises(Rejected):
        authorizer.verify(header)


def test_scalar_claims_become_strings() -> None:
    assert as_api_gateway_claims({"exp": 5, "groups": ["a"]}) == {"exp": "5", "groups": "[a]"}
