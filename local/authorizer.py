"""API Gateway's JWT authorizer, as it behaves with a Cognito user pool issuer.

It accepts a bearer token only if: the header is ``Bearer <jwt>``; the algorithm is RS256 and the
``kid`` is in the pool's JWKS; the signature verifies; ``iss`` is the pool; ``client_id`` (access
tokens carry no ``aud``) is the app client; ``token_use`` is ``access``; ``exp``/``nbf``/``iat``
hold. On success the claims reach the function as API Gateway passes them: arrays flattened to
``"[a b]"`` strings.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import jwt
import requests
from jwt.algorithms import RSAAlgorithm


class Rejected(Exception):
    """The token does not pass; the reason is logged locally, never sent to the client."""


class JwtAuthorizer:
    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys:
                jwks = requests.get(self.jwks_url, timeout=5).json()
                self._keys = {
                    item["kid"]: RSAAlgorithm.from_jwk(item) for item in jwks.get("keys", [])
                }
            if kid not in self._keys:
                raise Rejected("unknown kid")
            return self._keys[kid]

    def verify(self, authorization: str | None) -> dict[str, Any]:
        if not authorization or not authorization.startswith("Bearer "):
            raise Rejected("no bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Rejected("malformed token") from exc
        if header.get("alg") != "RS256":
            raise Rejected("algorithm not allowed")
        try:
            claims = jwt.decode(
                token,
                self._key(str(header.get("kid"))),
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
                leeway=0,
            )
        except jwt.PyJWTError as exc:
            raise Rejected(str(exc)) from exc
        if claims.get("token_use") != "access":
            raise Rejected("not an access token")
        if claims.get("client_id") != self.audience:
            raise Rejected("wrong client")
        if claims["iat"] > time.time() + 5:
            raise Rejected("issued in the future")
        return as_api_gateway_claims(claims)


def as_api_gateway_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """HTTP API passes claims as strings; arrays become ``"[a b]"``."""
    flat: dict[str, Any] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            flat[name] = "[" + " ".join(str(v) for v in value) + "]"
        else:
            flat[name] = str(value)
    return flat
