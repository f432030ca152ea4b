"""The small OpenID Connect provider Cognito needs to federate GitHub (GitHub is OAuth 2 only).

Cognito is configured with an OIDC provider whose issuer is ``<API>/v1/auth/oidc/github`` and
with the GitHub OAuth app's client id and secret. The adapter:

- ``/.well-known/openid-configuration`` and ``/jwks``: discovery and the adapter's public key;
- ``/authorize``: redirects the browser to GitHub's consent page, unchanged otherwise (GitHub
  redirects back to Cognito's ``/oauth2/idpresponse`` with the code and Cognito's state);
- ``/token``: Cognito sends the code; the adapter exchanges it with GitHub (passing the client
  credentials through), reads the profile and the verified primary email, and answers with
  GitHub's access token plus an ``id_token`` signed with the adapter's key (from the identity
  secret);
- ``/userinfo``: the same claims for a GitHub access token.

It keeps no state. Every GitHub URL is configuration (tests run it against a local fake).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from coursewave.config import settings
from coursewave.errors import BadRequest, Unauthenticated
from coursewave.resources import GITHUB
from functions.auth import identity_secret, outbound

ID_TOKEN_SECONDS = 600
GITHUB_SCOPES = "read:user user:email"
CLAIMS = ("sub", "email", "email_verified", "name", "preferred_username", "picture")


@dataclass(frozen=True)
class GithubProfile:
    id: str
    login: str
    name: str | None
    avatar_url: str | None
    email: str

    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.id,
            "email": self.email,
            "email_verified": True,
            "name": self.name or self.login,
            "preferred_username": self.login,
            "picture": self.avatar_url,
        }


def issuer() -> str:
    return settings().require("public_base_url").rstrip("/") + str(GITHUB.issuer_path)


def discovery() -> dict[str, Any]:
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": list(CLAIMS),
    }


def _client_id() -> str:
    return settings().require("github_client_id")


def authorize_redirect(params: dict[str, str]) -> str:
    """GitHub's consent URL for Cognito's authorization request."""
    if params.get("response_type") != "code":
        raise BadRequest("response_type must be code.")
    if params.get("client_id") != _client_id():
        raise BadRequest("Unknown client_id.")
    redirect_uri = params.get("redirect_uri", "")
    cognito = settings().cognito_domain_url
    if not cognito or redirect_uri != cognito.rstrip("/") + "/oauth2/idpresponse":
        raise BadRequest("redirect_uri is not the user pool's.")
    query = {
        "client_id": _client_id(),
        "redirect_uri": redirect_uri,
        "scope": GITHUB_SCOPES,
        "state": params.get("state", ""),
        "allow_signup": "true",
    }
    return f"{settings().github_oauth_url.rstrip('/')}/login/oauth/authorize?{urlencode(query)}"


def _client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str, str]:
    """client_secret_post or client_secret_basic (RFC 6749 §2.3.1)."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Unauthenticated("Malformed client credentials.") from exc
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def exchange(form: dict[str, str], authorization: str | None) -> dict[str, Any]:
    """The token endpoint: a GitHub code → GitHub's access token and a signed id token."""
    if form.get("grant_type") != "authorization_code" or not form.get("code"):
        raise BadRequest("grant_type must be authorization_code, with a code.")
    client_id, secret = _client_credentials(form, authorization)
    expected = identity_secret.value(GITHUB.secret_key)
    if client_id != _client_id() or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Unauthenticated("Unknown client.")
    status, body = outbound.call(
        "POST",
        f"{settings().github_oauth_url.rstrip('/')}/login/oauth/access_token",
        form={
            "client_id": client_id,
            "client_secret": secret,
            "code": form["code"],
            "redirect_uri": form.get("redirect_uri", ""),
        },
    )
    token = body.get("access_token") if status == 200 and isinstance(body, dict) else None
    if not token:
        raise BadRequest("GitHub refused the authorization code.")
    profile = fetch_profile(token)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "openid email profile",
        "id_token": sign_id_token(profile, audience=client_id),
    }


def userinfo(authorization: str | None) -> dict[str, Any]:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("A GitHub access token is required.")
    claims = fetch_profile(authorization[7:].strip()).claims()
    return {name: value for name, value in claims.items() if value is not None}


def fetch_profile(token: str) -> GithubProfile:
    api = settings().github_api_url.rstrip("/")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
    status, user = outbound.call("GET", f"{api}/user", headers=headers)
    if status == 401:
        raise Unauthenticated("GitHub did not accept the access token.")
    if status != 200 or not isinstance(user, dict) or "id" not in user:
        raise outbound.UpstreamError(f"GitHub /user answered {status}")
    status, emails = outbound.call("GET", f"{api}/user/emails", headers=headers)
    if status != 200 or not isinstance(emails, list):
        raise outbound.UpstreamError(f"GitHub /user/emails answered {status}")
    email = next(
        (
            str(item["email"]).lower()
            for item in emails
            if isinstance(item, dict) and item.get("primary") and item.get("verified")
        ),
        None,
    )
    if email is None:
        raise BadRequest("Your GitHub account has no verified primary email address.")
    return GithubProfile(
        id=str(user["id"]),
        login=str(user.get("login", "")),
        name=user.get("name") or None,
        avatar_url=user.get("avatar_url") or None,
        email=email,
    )


# -- the adapter's key ----------------------------------------------------------------------


@cache
def _keys(pem: str) -> tuple[Any, dict[str, Any]]:
    """(private key, public JWK with its RFC 7638 thumbprint as kid) for a PEM."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from jwt.algorithms import RSAAlgorithm

    private = load_pem_private_key(pem.encode(), password=None)
    jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).decode()
    jwk.update({"kid": kid.rstrip("="), "use": "sig", "alg": "RS256"})
    return private, jwk


def _signing_key() -> tuple[Any, dict[str, Any]]:
    return _keys(identity_secret.value("oidc_signing_key"))


def jwks() -> dict[str, Any]:
    return {"keys": [_signing_key()[1]]}


def sign_id_token(profile: GithubProfile, audience: str) -> str:
    import jwt

    private, jwk = _signing_key()
    issued = int(time.time())
    claims = {
        **{name: value for name, value in profile.claims().items() if value is not None},
        "iss": issuer(),
        "aud": audience,
        "iat": issued,
        "auth_time": issued,
        "exp": issued + ID_TOKEN_SECONDS,
    }
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": jwk["kid"]})
