"""The foundation over HTTP: health, the JWT authorizer's rejections, the error envelope."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path

import jwt
import moto.cognitoidp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.e2e.conftest import LocalStack

ADMIN = "admin@demo.coursewave.dev"
# A route that needs a token and exists from the foundation on: the health route is public, so
# the authorizer is exercised on a protected route declared by the identity domain.
PROTECTED = "/v1/me"
MOTO_PRIVATE_JWKS = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(stack: LocalStack, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "00000000-0000-0000-0000-000000000000",
        "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{stack.env['USER_POOL_ID']}",
        "client_id": stack.env["USER_POOL_CLIENT_ID"],
        "token_use": "access",
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["admins"],
    }
    claims.update(overrides)
    return claims


def _foreign_key_token(stack: LocalStack, **overrides: object) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return jwt.encode(_claims(stack, **overrides), pem, algorithm="RS256", headers={"kid": "dummy"})


def test_health_answers_with_the_documented_shape(stack: LocalStack) -> None:
    response = stack.api("GET", "/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": response.json()["version"],
        "checks": {"dynamodb": "ok"},
    }


def test_a_token_from_the_local_pool_passes_the_gateway(stack: LocalStack) -> None:
    token = stack.cognito_token(ADMIN)["AccessToken"]
    response = stack.api("GET", PROTECTED, token=token)
    assert response.status_code == 200, response.text


def _rejections(stack: LocalStack) -> dict[str, dict[str, str]]:
    real = stack.cognito_token(ADMIN)
    header, payload, signature = real["AccessToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered_claims = {**claims, "sub": "someone-else"}
    return {
        "no token": {},
        "not a bearer": {"Authorization": f"Basic {real['AccessToken']}"},
        "garbage": {"Authorization": "Bearer not-a-jwt"},
        "alg none": {
            "Authorization": "Bearer "
            + _b64({"alg": "none", "typ": "JWT"})
            + "."
            + _b64(_claims(stack))
            + "."
        },
        "another key": {"Authorization": f"Bearer {_foreign_key_token(stack)}"},
        "expired": {
            "Authorization": "Bearer "
            + _foreign_key_token(stack, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
        },
        "tampered payload": {
            "Authorization": f"Bearer {header}.{_b64(tampered_claims)}.{signature}"
        },
        "id token": {"Authorization": f"Bearer {real['IdToken']}"},
    }


def test_the_authorizer_rejects_bad_tokens_as_api_gateway_does(stack: LocalStack) -> None:
    """API Gateway's own bodies, not the envelope (API.md); an ID token passes every check but
    the route's authorization scope: 403."""
    for case, headers in _rejections(stack).items():
        response = stack.api("GET", PROTECTED, headers=headers)
        if case == "id token":
            assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})
        else:
            assert response.status_code == 401, case
            assert response.json() == {"message": "Unauthorized"}, case


def test_the_authorizer_rejects_tokens_with_the_wrong_issuer_or_client(stack: LocalStack) -> None:
    # Signed with the pool's real key (moto signs every pool with one key, shipped as a
    # resource), with claims that must not pass.
    jwk = json.loads(gzip.decompress(MOTO_PRIVATE_JWKS.read_bytes()))
    private_key = RSAAlgorithm.from_jwk(jwk)
    cases = {
        "wrong issuer": _claims(stack, iss="https://cognito-idp.us-east-1.amazonaws.com/other"),
        "wrong client": _claims(stack, client_id="another-client"),
        "expired": _claims(stack, iat=int(time.time()) - 7200, exp=int(time.time()) - 60),
    }
    for case, claims in cases.items():
        token = jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": "dummy"})
        response = stack.api("GET", PROTECTED, token=token)
        assert response.status_code == 401, case


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"a": ', b"\xff\xfe"],
    ids=["broken", "truncated", "not utf-8"],
)
def test_malformed_json_answers_400_with_the_envelope(stack: LocalStack, body: bytes) -> None:
    token = stack.cognito_token(ADMIN)["AccessToken"]
    response = stack.api(
        "PATCH", PROTECTED, token=token, data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST"
    assert response.json()["error"]["request_id"]


def test_unknown_routes_answer_404_with_the_envelope(stack: LocalStack) -> None:
    # GET / is the web app (local/web.py); any other method outside /v1/ is still $default's.
    for method, path in (("GET", "/v1/nowhere"), ("DELETE", "/v1/health"), ("POST", "/")):
        response = stack.api(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_cors_preflight_is_answered(stack: LocalStack) -> None:
    response = stack.api(
        "OPTIONS",
        "/v1/health",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert "authorization" in response.headers["Access-Control-Allow-Headers"]


def test_the_mailbox_and_api_docs_are_served(stack: LocalStack) -> None:
    assert stack.api("GET", "/_local/mailbox", params={"to": ADMIN}).json() == {"items": []}
    document = stack.api("GET", "/_local/openapi.json").json()
    assert "/v1/health" in document["paths"]
    # Swagger UI's "Try it out" goes to the port the runner really listens on (here: a random one).
    assert [server["url"] for server in document["servers"]] == [stack.url]
    assert stack.api("GET", "/_local/docs").status_code == 200
