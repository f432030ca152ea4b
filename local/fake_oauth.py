"""A local stand-in for Cognito's hosted UI and OAuth token endpoint (moto has neither).

It plays Cognito *and* the federated provider: ``/oauth2/authorize`` shows a one-field form
("which Google/GitHub account are you?"; ``login_hint`` skips it) and redirects back to the
client's ``redirect_uri`` with a code, exactly as Cognito does after the provider's consent;
``/oauth2/token`` checks the code (single use, same redirect URI, PKCE S256) and answers with
tokens for that identity from the local user pool. The identity is a separate pool user per
provider account (as federated users are in Cognito); its access token is minted by moto, its id
token carries the provider's email and is signed with moto's pool key.

The runner serves it under ``/_local/cognito`` (local only, never deployed), plus
``/_local/oauth/callback``: a page a browser lands on that shows the code and state to finish
with ``POST /v1/auth/oauth/{provider}/callback``. Tests serve the same object over a local HTTP
server (tests/integration/identity).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_resources
from typing import Any
from urllib.parse import urlencode

import boto3
import jwt
from jwt.algorithms import RSAAlgorithm

from functions.auth.domain import pkce_matches
from local.seed import generate_password

CODE_SECONDS = 300
FAKE_COGNITO_PREFIX = "/_local/cognito"
PROVIDERS = ("Google", "GitHub")
# A local route's answer: (status, content type, body) or with extra headers.
Answer = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]


@dataclass
class _Grant:
    username: str
    password: str
    provider: str
    email: str
    name: str
    client_id: str
    redirect_uri: str
    challenge: str
    expires: float


def _json(status: int, body: dict[str, Any]) -> Answer:
    return status, "application/json", json.dumps(body).encode()


def _oauth_error(error: str, description: str) -> Answer:
    return _json(400, {"error": error, "error_description": description})


@cache
def _moto_pool_key() -> tuple[Any, str]:
    """moto signs every pool's tokens with one key it ships as a resource."""
    raw = package_resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz")
    jwk = json.loads(gzip.decompress(raw.read_bytes()))
    return RSAAlgorithm.from_jwk(jwk), str(jwk["kid"])


class FakeHostedUi:
    def __init__(self, user_pool_id: str, client_id: str, region: str) -> None:
        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.region = region
        self._grants: dict[str, _Grant] = {}
        self._accounts: dict[tuple[str, str], tuple[str, str]] = {}  # → (username, password)
        self._lock = threading.Lock()

    def routes(self, prefix: str = FAKE_COGNITO_PREFIX) -> dict[str, Any]:
        return {
            f"{prefix}/oauth2/authorize": self.authorize,
            f"{prefix}/oauth2/token": self.token,
            "/_local/oauth/callback": self.callback_page,
        }

    # -- /oauth2/authorize ----------------------------------------------------------------

    def authorize(self, params: dict[str, str]) -> Answer:
        problem = self._authorize_problem(params)
        if problem:
            return _oauth_error("invalid_request", problem)
        email = params.get("login_hint", "").strip().lower()
        if not email:
            return 200, "text/html; charset=utf-8", self._form(params).encode()
        provider = params["identity_provider"]
        name = params.get("name") or email.split("@")[0]
        username, password = self._account(provider, email, name)
        if not self._enabled(username):
            # What the hosted UI does for a disabled user: back to the client with an error.
            error = {"error": "access_denied", "error_description": "User is disabled."}
            query = urlencode({**error, "state": params["state"]})
            return 302, "text/plain", b"", {"Location": f"{params['redirect_uri']}?{query}"}
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                username=username,
                password=password,
                provider=provider,
                email=email,
                name=name,
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                challenge=params["code_challenge"],
                expires=time.time() + CODE_SECONDS,
            )
        location = f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}"
        return 302, "text/plain", b"", {"Location": location}

    def _authorize_problem(self, params: dict[str, str]) -> str | None:
        if params.get("response_type") != "code":
            return "response_type must be code"
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if params.get("identity_provider") not in PROVIDERS:
            return f"identity_provider must be one of {', '.join(PROVIDERS)}"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        if not params.get("redirect_uri") or not params.get("state"):
            return "redirect_uri and state are required"
        return None

    def _form(self, params: dict[str, str]) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        provider = html.escape(params["identity_provider"])
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>Sign in (local)</title>"
            f"</head><body><h1>Sign in with {provider}</h1><p>Local mode: no {provider} here. "
            f"Say which {provider} account you are.</p><form method='get'>{hidden}"
            "<label>Email <input name='login_hint' type='email' required></label> "
            "<label>Name <input name='name'></label> <button>Continue</button></form>"
            "</body></html>"
        )

    def _enabled(self, username: str) -> bool:
        idp = boto3.client("cognito-idp", region_name=self.region)
        return bool(idp.admin_get_user(UserPoolId=self.user_pool_id, Username=username)["Enabled"])

    def _account(self, provider: str, email: str, name: str) -> tuple[str, str]:
        """The pool user standing for one provider account (created on first sign-in)."""
        with self._lock:
            known = self._accounts.get((provider, email))
            if known:
                return known
            digest = hashlib.sha256(f"{provider}:{email}".encode()).hexdigest()[:16]
            idp = boto3.client("cognito-idp", region_name=self.region)
            created = idp.admin_create_user(
                UserPoolId=self.user_pool_id,
                # The pool signs in by email; a federated user's own email may belong to
                # another pool user, so its username is an address of its own.
                Username=f"{provider.lower()}.{digest}@federated.invalid",
                UserAttributes=[{"Name": "name", "Value": name}],
                MessageAction="SUPPRESS",
            )["User"]
            password = generate_password()
            idp.admin_set_user_password(
                UserPoolId=self.user_pool_id,
                Username=created["Username"],
                Password=password,
                Permanent=True,
            )
            self._accounts[(provider, email)] = (created["Username"], password)
            return created["Username"], password

    # -- /oauth2/token --------------------------------------------------------------------

    def token(self, params: dict[str, str]) -> Answer:
        if params.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type", "only authorization_code")
        with self._lock:
            grant = self._grants.pop(params.get("code", ""), None)
        if grant is None or grant.expires < time.time():
            return _oauth_error("invalid_grant", "unknown, used or expired code")
        if params.get("client_id") != grant.client_id:
            return _oauth_error("invalid_client", "the code was issued to another client")
        if params.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error("invalid_grant", "redirect_uri differs from the authorization")
        verifier = params.get("code_verifier", "")
        if not verifier or not pkce_matches(verifier, grant.challenge):
            return _oauth_error("invalid_grant", "PKCE verification failed")
        idp = boto3.client("cognito-idp", region_name=self.region)
        try:
            result = idp.admin_initiate_auth(
                UserPoolId=self.user_pool_id,
                ClientId=self.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": grant.username, "PASSWORD": grant.password},
            )["AuthenticationResult"]
        except idp.exceptions.NotAuthorizedException:
            return _oauth_error("invalid_grant", "the user is disabled")
        return _json(
            200,
            {
                "access_token": result["AccessToken"],
                "id_token": self._id_token(result["IdToken"], grant),
                "refresh_token": result["RefreshToken"],
                "token_type": "Bearer",
                "expires_in": result["ExpiresIn"],
            },
        )

    def _id_token(self, moto_id_token: str, grant: _Grant) -> str:
        """Cognito's id token for a federated user: the provider's email and identity."""
        claims = jwt.decode(moto_id_token, options={"verify_signature": False})
        claims.update(
            {
                "email": grant.email,
                "email_verified": "true",
                "name": grant.name,
                "cognito:username": grant.username,
                "identities": [
                    {
                        "providerName": grant.provider,
                        "userId": hashlib.sha256(grant.email.encode()).hexdigest()[:20],
                        "providerType": grant.provider if grant.provider == "Google" else "OIDC",
                    }
                ],
            }
        )
        key, kid = _moto_pool_key()
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    # -- the demo landing page --------------------------------------------------------------

    def callback_page(self, params: dict[str, str]) -> Answer:
        code, state = html.escape(params.get("code", "")), html.escape(params.get("state", ""))
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Signed in (local)</title>"
            "</head><body><h1>Back from the hosted UI</h1>"
            f"<p>code: <code>{code}</code><br>state: <code>{state}</code></p>"
            "<p>Finish with <code>POST /v1/auth/oauth/{provider}/callback</code> and "
            '<code>{"code", "state", "redirect_uri"}</code>.</p></body></html>'
        )
        return 200, "text/html; charset=utf-8", page.encode()
