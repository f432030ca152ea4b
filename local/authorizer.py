"""API Gateway's JWT authorizer, as it behaves with a Cognito user pool issuer.

The checks are the shared verifier's ``API_GATEWAY`` policy (``coursewave.tokens``): signature by
a key of the pool's JWKS, ``iss``, ``aud`` or else ``client_id``, ``exp``/``nbf``/``iat`` and the
route's authorization scopes — and not ``token_use``, which API Gateway does not check either
(the functions do). On success the claims reach the function as API Gateway passes them: arrays
flattened to ``"[a b]"`` strings, every value a string.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from coursewave.tokens import API_GATEWAY, KeysUnavailable, TokenRejected, TokenVerifier

__all__ = ["JwtAuthorizer", "KeysUnavailable", "Rejected", "as_api_gateway_claims"]

Rejected = TokenRejected  # the token does not pass; the reason is logged, never sent


class JwtAuthorizer:
    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self.verifier = TokenVerifier(jwks_url, issuer, audience)

    def verify(self, authorization: str | None, scopes: Collection[str] = ()) -> dict[str, Any]:
        """The claims as API Gateway passes them; ``Rejected`` (401, or 403 when only the scope
        is missing) or ``KeysUnavailable`` otherwise."""
        return as_api_gateway_claims(self.verifier.verify(authorization, API_GATEWAY, scopes))


def as_api_gateway_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """HTTP API passes claims as strings; arrays become ``"[a b]"``."""
    flat: dict[str, Any] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            flat[name] = "[" + " ".join(str(v) for v in value) + "]"
        else:
            flat[name] = str(value)
    return flat
