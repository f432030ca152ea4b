"""Forged, stolen-shape and stale tokens: refused by the gateway as API Gateway refuses them (401
``{"message": "Unauthorized"}``; an ID token, which lacks the routes' authorization scope, 403
``{"message": "Forbidden"}``), by every function when the gateway is bypassed (an ID token's
claims reaching a handler: 401 with the envelope), and by the public course page's own check
of an optional bearer (401 with the envelope; 503 when the pool's keys cannot be fetched)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto.cognitoidp
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from coursewave.resources import USER_POOL
from functions import registry
from functions.enrollment import viewer
from local.apigw import LambdaContext, http_api_event
from local.authorizer import JwtAuthorizer, as_api_gateway_claims
from tests.support.cloud import PASSWORD, Caller, Platform
from tests.support.personas import Personas

DOMAINS = ("auth", "users", "admin")
PROTECTED = [
    spec
    for name, app in registry.apis().items()
    if name in DOMAINS
    for spec in app.routes
    if not spec.access.public
]
EVERY_PROTECTED = [spec for spec in registry.routes() if not spec.access.public]
MOTO_KEY = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
GATEWAY_UNAUTHORIZED = (401, {"message": "Unauthorized"})
GATEWAY_FORBIDDEN = (403, {"message": "Forbidden"})
ID_TOKEN = "id token instead of access token"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _hs256(claims: dict[str, Any], secret: bytes) -> str:
    """The algorithm-confusion attack: HMAC keyed with the pool's public key (PyJWT refuses to
    build it, so it is built by hand)."""
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'dummy'})}.{_b64(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _pool_key() -> Any:
    """The user pool's real signing key (moto signs every pool with the key it ships)."""
    return RSAAlgorithm.from_jwk(json.loads(gzip.decompress(MOTO_KEY.read_bytes())))


def _claims(platform: Platform, caller: Caller, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "sub": caller.user_id,
        "iss": platform.provisioned.issuer,
        "client_id": platform.provisioned.client_id,
        "token_use": "access",
        "scope": " ".join(USER_POOL.api_scopes),
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["admins"],
        **overrides,
    }


def _attacks(platform: Platform, admin: Caller) -> dict[str, str]:
    """Tokens that claim the admin's identity and must all be refused."""
    pool_key = _pool_key()
    pem_public = pool_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header, payload, signature = admin.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    id_claims = {**_claims(platform, admin), "token_use": "id"}
    id_claims["aud"] = platform.provisioned.client_id
    del id_claims["client_id"], id_claims["scope"]  # a Cognito ID token's shape
    id_token = jwt.encode(
        id_claims,
        pool_key,
        algorithm="RS256",
        headers={"kid": "dummy"},
    )

    def signed(**overrides: Any) -> str:
        return jwt.encode(
            _claims(platform, admin, **overrides),
            pool_key,
            algorithm="RS256",
            headers={"kid": "dummy"},
        )

    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(platform, admin))}.",
        "HS256 with the public key": _hs256(_claims(platform, admin), pem_public),
        "unknown kid": jwt.encode(
            _claims(platform, admin), foreign, algorithm="RS256", headers={"kid": "not-in-jwks"}
        ),
        "another key, pool kid": jwt.encode(
            _claims(platform, admin), foreign, algorithm="RS256", headers={"kid": "dummy"}
        ),
        "wrong issuer": signed(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"),
        "wrong client": signed(client_id="someone-elses-client"),
        ID_TOKEN: id_token,
        "expired": signed(iat=int(time.time()) - 7200, exp=int(time.time()) - 60),
        "not yet issued": signed(iat=int(time.time()) + 3600, exp=int(time.time()) + 7200),
        "tampered payload": f"{header}.{_b64({**claims, 'sub': 'someone-else'})}.{signature}",
        "garbage": "not.a.jwt",
    }


@pytest.mark.parametrize("spec", PROTECTED, ids=[spec.route_key for spec in PROTECTED])
def test_every_protected_route_refuses_forged_tokens(
    platform: Platform, personas: Personas, spec: Any
) -> None:
    admin = platform.user("admin")  # its own: the real call may sign it out or delete it
    path = spec.path.replace("{user_id}", personas.student.user_id)
    body = {} if spec.method in ("POST", "PATCH") else None
    for attack, token in _attacks(platform, admin).items():
        response = platform.call(
            spec.method, path, json_body=body, headers={"Authorization": f"Bearer {token}"}
        )
        expected = GATEWAY_FORBIDDEN if attack == ID_TOKEN else GATEWAY_UNAUTHORIZED
        assert (response.status, response.json()) == expected, attack
        assert response.headers["www-authenticate"].startswith("Bearer"), attack
    # while the real token works (the attacks were not refused for another reason)
    real = platform.call(spec.method, path, json_body=body, caller=admin)
    assert real.status < 400, real.body


def test_no_token_is_answered_as_api_gateway_answers_it(platform: Platform) -> None:
    for spec in PROTECTED:
        response = platform.call(spec.method, spec.path.replace("{user_id}", "u1"))
        assert (response.status, response.json()) == GATEWAY_UNAUTHORIZED, spec.route_key
        assert response.headers["www-authenticate"] == "Bearer"


def test_our_own_401s_keep_the_envelope(platform: Platform) -> None:
    """A token the gateway accepts but the function refuses (signed out since) is our 401."""
    caller = platform.user()
    time.sleep(1.05)  # revocation is by whole seconds: the token must predate its second
    assert platform.call("POST", "/v1/auth/logout", caller=caller).status == 204
    response = platform.call("GET", "/v1/me", caller=caller)
    assert (response.status, response.error_code) == (401, "UNAUTHENTICATED")


def _real_id_token(platform: Platform, caller: Caller) -> str:
    result = boto3.client("cognito-idp").initiate_auth(
        ClientId=platform.provisioned.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": caller.email, "PASSWORD": PASSWORD},
    )
    return result["AuthenticationResult"]["IdToken"]


@pytest.mark.parametrize("spec", EVERY_PROTECTED, ids=[spec.route_key for spec in EVERY_PROTECTED])
def test_an_id_token_that_got_past_api_gateway_is_refused_by_the_function(
    platform: Platform, spec: Any
) -> None:
    """API Gateway does not check token_use: were a route's scopes ever missing, an ID token's
    claims would reach the handler. Every function refuses them itself."""
    admin = platform.user("admin")
    id_claims = jwt.decode(_real_id_token(platform, admin), options={"verify_signature": False})
    assert id_claims["token_use"] == "id" and id_claims["sub"] == admin.user_id
    path_params = {name: f"x{n}" for n, name in enumerate(spec.path_params)}
    path = spec.path
    for name, value in path_params.items():
        path = path.replace("{" + name + "}", value)
    body = "{}" if spec.method in ("POST", "PATCH", "PUT") else None
    event = http_api_event(
        spec.method,
        path,
        route_key=spec.route_key,
        path_parameters=path_params,
        headers={"content-type": "application/json"},
        body=body,
        claims=as_api_gateway_claims(id_claims),
    )
    function = next(name for name, app in registry.apis().items() if spec in app.routes)
    handler = registry.handler_module(function).lambda_handler
    result = handler(event, LambdaContext(function_name=f"coursewave-{function}"))
    assert result["statusCode"] == 401, result.get("body")
    assert json.loads(result["body"])["error"]["code"] == "UNAUTHENTICATED"


COURSE_PAGE = "/v1/courses/crs_01J00000000000000000000000"


def test_the_course_page_bearer_check_refuses_the_attack_matrix(platform: Platform) -> None:
    """The optional bearer of the public course page is the only check on that path in AWS."""
    admin = platform.user("admin")
    for attack, token in _attacks(platform, admin).items():
        response = platform.call("GET", COURSE_PAGE, headers={"Authorization": f"Bearer {token}"})
        assert (response.status, response.error_code) == (401, "UNAUTHENTICATED"), attack
    # while the real token is accepted (an unknown course: 404, not a refusal of the token)
    real = platform.call("GET", COURSE_PAGE, caller=admin)
    assert (real.status, real.error_code) == (404, "NOT_FOUND"), real.body


def test_unreachable_keys_are_a_503_with_retry_after_never_anonymous(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = platform.user()

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise requests.ConnectionError("JWKS endpoint unreachable")

    viewer._verifier_for.cache_clear()
    platform.gateway.authorizer = JwtAuthorizer(
        platform.provisioned.jwks_url, platform.provisioned.issuer, platform.provisioned.client_id
    )
    monkeypatch.setattr(requests, "get", unreachable)
    try:
        for path in (COURSE_PAGE, "/v1/me"):  # the function's check, the gateway's
            response = platform.call("GET", path, caller=caller)
            assert (response.status, response.error_code) == (503, "SERVICE_UNAVAILABLE"), path
            assert int(response.headers["retry-after"]) >= 1, path
    finally:
        viewer._verifier_for.cache_clear()
