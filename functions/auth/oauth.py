"""Federated sign-in through the Cognito hosted UI: authorization code + PKCE (RFC 7636).

The API never talks to Google or GitHub for sign-in: Cognito does (GitHub through the OIDC
adapter in ``github_oidc``). The API builds the hosted UI URL and exchanges the code at the
Cognito domain's token endpoint, server-side, with the verifier it kept.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from coursewave.config import settings
from coursewave.resources import USER_POOL, FederatedProviderDecl
from functions.auth import outbound
from functions.users.public import Tokens

PROVIDERS: dict[str, FederatedProviderDecl] = {p.api_name: p for p in USER_POOL.providers}


class CodeRejected(Exception):
    """The token endpoint refused the authorization code (expired, used, wrong verifier)."""


@dataclass(frozen=True)
class Identity:
    """Who signed in, from the id token Cognito's token endpoint returned."""

    username: str  # the pool's username (e.g. "google_1234"): what admin APIs take
    sub: str
    email: str | None
    email_verified: bool
    name: str | None


def domain() -> str | None:
    url = settings().cognito_domain_url
    return url.rstrip("/") if url else None


def authorization_url(
    provider: FederatedProviderDecl, redirect_uri: str, state: str, challenge: str
) -> str:
    base = domain()
    assert base is not None
    query = {
        "response_type": "code",
        "client_id": settings().require("user_pool_client_id"),
        "redirect_uri": redirect_uri,
        "state": state,
        "identity_provider": provider.name,
        "scope": " ".join(USER_POOL.oauth_scopes),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}/oauth2/authorize?{urlencode(query)}"


def exchange_code(code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    base = domain()
    assert base is not None
    status, body = outbound.call(
        "POST",
        f"{base}/oauth2/token",
        form={
            "grant_type": "authorization_code",
            "client_id": settings().require("user_pool_client_id"),
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
    )
    if status != 200 or not isinstance(body, dict) or "access_token" not in body:
        raise CodeRejected(f"token endpoint answered {status}")
    return Tokens(
        access_token=body["access_token"],
        id_token=body.get("id_token", ""),
        refresh_token=body.get("refresh_token"),
        expires_in=int(body.get("expires_in", 3600)),
    )


def unverified_claims(token: str) -> dict[str, Any]:
    """A JWT's claims, unchecked: only for tokens received from Cognito itself over TLS."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error) as exc:
        raise CodeRejected("the token endpoint returned a malformed token") from exc
    if not isinstance(claims, dict):
        raise CodeRejected("the token endpoint returned a malformed token")
    return claims


def identity(tokens: Tokens) -> Identity:
    """The signed-in identity. The tokens come straight from the pool's token endpoint over
    TLS, which authenticates them (OpenID Connect Core §3.1.3.7); the claims are still checked
    to belong to this pool and client, and the two tokens to the same user."""
    claims = unverified_claims(tokens.id_token)
    issuer = f"https://cognito-idp.{settings().region}.amazonaws.com/{settings().user_pool_id}"
    if (
        claims.get("token_use") != "id"
        or claims.get("aud") != settings().require("user_pool_client_id")
        or claims.get("iss") != issuer
        or not claims.get("sub")
        or unverified_claims(tokens.access_token).get("sub") != claims["sub"]
    ):
        raise CodeRejected("the tokens do not belong to this user pool and client")
    verified = claims.get("email_verified")
    return Identity(
        username=str(claims.get("cognito:username") or claims["sub"]),
        sub=str(claims["sub"]),
        email=str(claims["email"]).lower() if claims.get("email") else None,
        email_verified=verified is True or str(verified).lower() == "true",
        name=str(claims["name"]) if claims.get("name") else None,
    )
