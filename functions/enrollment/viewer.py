"""Who is looking at a public route, when they say so.

Public routes have no JWT authorizer in API Gateway (an authorizer would turn anonymous visitors
away), so a caller who sends a bearer token to one — the owner opening their draft — is verified
here, with the shared verifier under the function's policy (``coursewave.tokens.LAMBDA``): what
API Gateway checks on a protected route (signature by a key of the pool's JWKS, issuer, client,
times, the API scopes) plus ``token_use == "access"``. The verified claims then go through the
very check every protected route applies (``coursewave.api.authorize_user``: the user record
decides), with the user record read in the same batch as the course.

A token that fails verification is a 401, never a silent downgrade to anonymous; keys that cannot
be fetched are a 503 ``SERVICE_UNAVAILABLE`` with ``Retry-After`` (``KeysUnavailable``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session

from coursewave.api import Request
from coursewave.config import settings
from coursewave.errors import Unauthenticated
from coursewave.resources import USER_POOL
from coursewave.tokens import LAMBDA, TokenRejected, TokenVerifier


def _verifier() -> TokenVerifier:
    config = settings()
    return _verifier_for(
        config.require("user_pool_id"), config.require("user_pool_client_id"), config.region
    )


@cache
def _verifier_for(pool_id: str, client_id: str, region: str) -> TokenVerifier:
    # The client's endpoint honours AWS_ENDPOINT_URL*, so locally this is the moto server.
    client = botocore.session.get_session().create_client("cognito-idp", region_name=region)
    return TokenVerifier(
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
    try:
        return _verifier().verify(header, LAMBDA, USER_POOL.api_scopes)
    except TokenRejected as exc:
        raise Unauthenticated("The bearer token is not valid.") from exc
