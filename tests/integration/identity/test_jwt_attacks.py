"""Forged, stolen-shape and stale tokens against every protected identity route → 401."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
import moto.cognitoidp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from functions import registry
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas

DOMAINS = ("auth", "users", "admin")
PROTECTED = [
    spec
    for name, app in registry.apis().items()
    if name in DOMAINS
    for spec in app.routes
    if not spec.access.public
]
MOTO_KEY = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


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
    id_token = jwt.encode(
        {**_claims(platform, admin), "token_use": "id", "aud": platform.provisioned.client_id},
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
        "id token instead of access token": id_token,
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
        assert (response.status, response.error_code) == (401, "UNAUTHENTICATED"), attack
    # while the real token works (the attacks were not refused for another reason)
    real = platform.call(spec.method, path, json_body=body, caller=admin)
    assert real.status < 400, real.body
