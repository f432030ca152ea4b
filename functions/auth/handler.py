"""/v1/auth/*: registration, codes, sign-in, sessions, password reset, OAuth sign-in, and the
GitHub OIDC adapter Cognito federates through (docs/identity.md)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl

from coursewave.api import PUBLIC, SIGNED_IN, Api, Reply, Request
from coursewave.config import settings
from coursewave.errors import UnsupportedMediaType
from coursewave.users import Principal
from functions.auth import github_oidc, logic
from functions.auth.domain import RESET, VERIFY
from functions.auth.models import (
    ConfirmBody,
    EmailBody,
    GithubAuthorizeQuery,
    GithubTokenForm,
    LoginBody,
    OAuthAuthorizeQuery,
    OAuthCallbackBody,
    OAuthStart,
    RefreshBody,
    RefreshedTokens,
    RegisterBody,
    RegisteredUser,
    Registration,
    ResetBody,
    TokenSet,
)
from functions.users.public import Tokens

app = Api("auth")
lambda_handler = app.lambda_handler

LIMITED = (429,)


def client_ip(request: Request) -> str:
    """The caller's address: the trusted proxy's header when configured, else API Gateway's.

    The header holds ``<address>:<port>`` (CloudFront-Viewer-Address); the port is dropped.
    """
    header = settings().client_ip_header
    value = request.header(header) if header else None
    if value and ":" in value:
        return value.rsplit(":", 1)[0].strip("[]")
    return request.source_ip


def token_set(tokens: Tokens) -> TokenSet:
    return TokenSet(
        access_token=tokens.access_token,
        id_token=tokens.id_token,
        refresh_token=tokens.refresh_token or "",
        expires_in=tokens.expires_in,
    )


@app.route(
    "POST",
    "/v1/auth/register",
    access=PUBLIC,
    summary="Create an account; a verification code is emailed",
    status=201,
    body=RegisterBody,
    response=Registration,
    errors=(409, *LIMITED),
)
def register(body: RegisterBody, request: Request) -> Registration:
    user = logic.register(body.email, body.password, body.name, client_ip(request))
    return Registration(
        user=RegisteredUser(
            id=user.user_id, email=user.email, name=user.name, roles=list(user.roles)
        ),
        confirmation_required=True,
    )


@app.route(
    "POST",
    "/v1/auth/confirm",
    access=PUBLIC,
    summary="Confirm the email address with the emailed code",
    status=204,
    body=ConfirmBody,
    errors=LIMITED,
)
def confirm(body: ConfirmBody, request: Request) -> None:
    logic.confirm(body.email, body.code, client_ip(request))


@app.route(
    "POST",
    "/v1/auth/resend-code",
    access=PUBLIC,
    summary="Email a new verification code (202 whether or not one is due)",
    status=202,
    body=EmailBody,
    errors=LIMITED,
)
def resend_code(body: EmailBody, request: Request) -> Reply:
    logic.request_code(body.email, VERIFY, client_ip(request))
    return Reply(202, {"status": "accepted"})


@app.route(
    "POST",
    "/v1/auth/login",
    access=PUBLIC,
    summary="Sign in with email and password",
    body=LoginBody,
    response=TokenSet,
    errors=(*LIMITED, 401, 403),
)
def login(body: LoginBody, request: Request) -> TokenSet:
    return token_set(logic.login(body.email, body.password, client_ip(request)))


@app.route(
    "POST",
    "/v1/auth/refresh",
    access=PUBLIC,
    summary="New access and id tokens for a refresh token",
    body=RefreshBody,
    response=RefreshedTokens,
    errors=(401,),
)
def refresh(body: RefreshBody) -> RefreshedTokens:
    tokens = logic.refresh(body.refresh_token)
    rotated = tokens.refresh_token if tokens.refresh_token != body.refresh_token else None
    return RefreshedTokens(
        access_token=tokens.access_token,
        id_token=tokens.id_token,
        expires_in=tokens.expires_in,
        refresh_token=rotated,
    )


@app.route(
    "POST",
    "/v1/auth/logout",
    access=SIGNED_IN,
    summary="Sign out everywhere: the caller's refresh and access tokens stop working",
    status=204,
)
def logout(principal: Principal) -> None:
    logic.logout(principal)


@app.route(
    "POST",
    "/v1/auth/password/forgot",
    access=PUBLIC,
    summary="Email a password reset code (202 whether or not the account exists)",
    status=202,
    body=EmailBody,
    errors=LIMITED,
)
def forgot_password(body: EmailBody, request: Request) -> Reply:
    logic.request_code(body.email, RESET, client_ip(request))
    return Reply(202, {"status": "accepted"})


@app.route(
    "POST",
    "/v1/auth/password/reset",
    access=PUBLIC,
    summary="Set a new password with the emailed code; signs out everywhere",
    status=204,
    body=ResetBody,
    errors=LIMITED,
)
def reset_password(body: ResetBody, request: Request) -> None:
    logic.reset_password(body.email, body.code, body.new_password, client_ip(request))


@app.route(
    "GET",
    "/v1/auth/oauth/{provider}/authorize",
    access=PUBLIC,
    summary="Start signing in with Google or GitHub: the URL to send the browser to",
    query=OAuthAuthorizeQuery,
    response=OAuthStart,
)
def oauth_authorize(provider: str, query: OAuthAuthorizeQuery) -> OAuthStart:
    url, state = logic.start_oauth(provider, query.redirect_uri)
    return OAuthStart(authorization_url=url, state=state)


@app.route(
    "POST",
    "/v1/auth/oauth/{provider}/callback",
    access=PUBLIC,
    summary="Finish signing in with Google or GitHub: the code and state from the redirect",
    body=OAuthCallbackBody,
    response=TokenSet,
    errors=(409, 503),
)
def oauth_callback(provider: str, body: OAuthCallbackBody) -> TokenSet:
    return token_set(logic.finish_oauth(provider, body.code, body.state, body.redirect_uri))


# -- the GitHub OIDC adapter (called by Cognito, not by clients) ------------------------------

ADAPTER = "/v1/auth/oidc/github"


def _query(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (request.event.get("queryStringParameters") or {}).items()}


def _form(request: Request) -> dict[str, str]:
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("Send application/x-www-form-urlencoded.")
    raw: Any = request.event.get("body") or ""
    if request.event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8", errors="replace")
    return dict(parse_qsl(raw))


@app.route(
    "GET",
    f"{ADAPTER}/.well-known/openid-configuration",
    access=PUBLIC,
    summary="GitHub OIDC adapter: discovery document (for Cognito)",
)
def github_discovery() -> dict[str, Any]:
    return github_oidc.discovery()


@app.route(
    "GET",
    f"{ADAPTER}/authorize",
    access=PUBLIC,
    summary="GitHub OIDC adapter: redirect to GitHub's consent page (for Cognito)",
    status=302,
    errors=(400,),
    raw_query=GithubAuthorizeQuery,
)
def github_authorize(request: Request) -> Reply:
    return Reply(302, None, {"Location": github_oidc.authorize_redirect(_query(request))})


@app.route(
    "POST",
    f"{ADAPTER}/token",
    access=PUBLIC,
    summary="GitHub OIDC adapter: exchange a GitHub code for tokens and an id token (for Cognito)",
    errors=(400, 401, 415, 503),
    form=GithubTokenForm,
)
def github_token(request: Request) -> dict[str, Any]:
    return github_oidc.exchange(_form(request), request.header("authorization"))


@app.route(
    "GET",
    f"{ADAPTER}/jwks",
    access=PUBLIC,
    summary="GitHub OIDC adapter: the key id tokens are signed with (for Cognito)",
)
def github_jwks() -> dict[str, Any]:
    return github_oidc.jwks()


@app.route(
    "GET",
    f"{ADAPTER}/userinfo",
    access=PUBLIC,
    summary="GitHub OIDC adapter: claims for a GitHub access token (for Cognito)",
    errors=(401, 503),
)
def github_userinfo(request: Request) -> dict[str, Any]:
    return github_oidc.userinfo(request.header("authorization"))
