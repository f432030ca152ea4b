"""Who is looking at a public route, when they say so.

Public routes have no JWT authorizer in API Gateway (an authorizer would turn anonymous visitors
away), so a caller who sends a bearer token to one — the owner opening their draft — is verified
here, the way the authorizer does it: RS256 against the user pool's JWKS, the pool as issuer,
our app client, an access token, not expired. The verified claims then go through the very
check every protected route applies (``coursewave.api.authorize_user``: the user record
decides), with the user record read in the same batch as the course.

A token that fails verification is a 401, never a silent downgrade to anonymous.
"""

from __future__ import annotations

import threading
import time
from functools import cache
from typing import Any

import botocore.session

from coursewave.api import Request
from coursewave.config import settings
from coursewave.errors import Unauthenticated

JWKS_TIMEOUT_SECONDS = 5


class CognitoTokens:
    """Verifies Cognito access tokens for one user pool and app client."""

    def __init__(self, jwks_url: str, issuer: str, client_id: str) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.client_id = client_id
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        import requests
        from jwt.algorithms import RSAAlgorithm

        with self._lock:
            if kid not in self._keys:
                jwks = requests.get(self.jwks_url, timeout=JWKS_TIMEOUT_SECONDS).json()
                self._keys = {k["kid"]: RSAAlgorithm.from_jwk(k) for k in jwks.get("keys", [])}
            if kid not in self._keys:
                raise Unauthenticated("The bearer token is not valid.")
            return self._keys[kid]

    def claims(self, token: str) -> dict[str, Any]:
        """The claims of a valid access token; ``Unauthenticated`` otherwise."""
        # PyJWT, cryptography and requests cost ~80 ms of cold start: loaded on the first token.
        import jwt

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise Unauthenticated("The bearer token is not valid.")
            claims = jwt.decode(
                token,
                self._key(str(header.get("kid"))),
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated("The bearer token is not valid.") from exc
        if claims.get("token_use") != "access" or claims.get("client_id") != self.client_id:
            raise Unauthenticated("The bearer token is not valid.")
        if claims["iat"] > time.time() + 5:
            raise Unauthenticated("The bearer token is not valid.")
        return claims


def _tokens() -> CognitoTokens:
    config = settings()
    return _tokens_for(
        config.require("user_pool_id"), config.require("user_pool_client_id"), config.region
    )


@cache
def _tokens_for(pool_id: str, client_id: str, region: str) -> CognitoTokens:
    # The client's endpoint honours AWS_ENDPOINT_URL*, so locally this is the moto server.
    client = botocore.session.get_session().create_client("cognito-idp", region_name=region)
    return CognitoTokens(
        jwks_url=f"{client.meta.endpoint_url}/{pool_id}/.well-known/jwks.json",
        issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
        client_id=client_id,
    )


def optional_claims(request: Request) -> dict[str, Any] | None:
    """The verified claims behind an optional ``Authorization: Bearer`` header (None without
    one). The caller's user record still decides: see ``coursewave.api.authorize_user``."""
    header = request.header("authorization")
    if header is None:
        return None
    if not header.startswith("Bearer "):
        raise Unauthenticated("Send a bearer token, or no Authorization header.")
    return _tokens().claims(header.removeprefix("Bearer ").strip())
