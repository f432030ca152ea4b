"""Request and response bodies of the auth routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from coursewave.models import Name, Out, Strict
from coursewave.patterns import DIGITS
from coursewave.users import normalise_email
from functions.auth import domain


def _email(value: str) -> str:
    # The rules apply to what was sent, as documented; lower-casing can lengthen a few letters.
    problem = domain.email_problem(value)
    if problem:
        raise ValueError(problem)
    return normalise_email(value)


# The document states the same rules the validator applies (domain.email_problem), so any
# address it allows is accepted: no surrounding spaces, at most EMAIL_MAX_LENGTH characters.
Email = Annotated[
    str,
    Field(max_length=domain.EMAIL_MAX_LENGTH, pattern=domain.EMAIL_PATTERN),
    AfterValidator(_email),
]
# Signing in: any password an account may have.
Password = Annotated[str, Field(min_length=1, max_length=1024)]
# Choosing one: the policy is checked in logic (it needs the email, and names the field in the
# 422) and documented here with the same numbers and pattern (domain.password_problem).
NewPassword = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1024,
        description=domain.PASSWORD_POLICY,
        json_schema_extra={
            "minLength": domain.PASSWORD_MIN_LENGTH,
            "maxLength": domain.PASSWORD_MAX_LENGTH,
            "pattern": domain.PASSWORD_PATTERN,
        },
    ),
]
Code = Annotated[
    str, Field(pattern=rf"^[{DIGITS}]{{6}}$", description="the 6-digit code from the email")
]
RedirectUri = Annotated[str, Field(min_length=1, max_length=2048)]


class RegisterBody(Strict):
    email: Email
    password: NewPassword
    name: Name


class ConfirmBody(Strict):
    email: Email
    code: Code


class EmailBody(Strict):
    email: Email


class LoginBody(Strict):
    email: Email
    password: Password


class RefreshBody(Strict):
    refresh_token: str = Field(min_length=1, max_length=8192)


class ResetBody(Strict):
    email: Email
    code: Code
    new_password: NewPassword


class OAuthAuthorizeQuery(Strict):
    redirect_uri: RedirectUri


class OAuthCallbackBody(Strict):
    code: str = Field(min_length=1, max_length=2048)
    state: str = Field(min_length=1, max_length=256)
    redirect_uri: RedirectUri


class RegisteredUser(Out):
    id: str
    email: str
    name: str
    roles: list[str]


class Registration(Out):
    user: RegisteredUser
    confirmation_required: bool


class TokenSet(Out):
    access_token: str
    id_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the OAuth token type
    expires_in: int


class RefreshedTokens(Out):
    access_token: str
    id_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the OAuth token type
    expires_in: int
    refresh_token: str | None = Field(
        default=None,
        description="the next refresh token: the pool rotates them, the one sent is spent",
    )


class OAuthStart(Out):
    authorization_url: str
    state: str


# -- the GitHub OIDC adapter (Cognito calls it; the handler reads the raw request) -------------


class GithubAuthorizeQuery(BaseModel):
    """Cognito's authorization request; other parameters it adds are ignored, not refused."""

    model_config = ConfigDict(defer_build=True)

    response_type: Literal["code"]
    client_id: str = Field(description="the GitHub OAuth app's client id")
    redirect_uri: str = Field(description="the user pool's /oauth2/idpresponse")
    state: str | None = None
    scope: str | None = None


class GithubTokenForm(BaseModel):
    """Cognito's token request (RFC 6749 §4.1.3), form-encoded; the client credentials come in
    the form (client_secret_post) or in a Basic Authorization header (client_secret_basic)."""

    model_config = ConfigDict(defer_build=True)

    grant_type: Literal["authorization_code"]
    code: str = Field(min_length=1)
    client_id: str | None = None
    client_secret: str | None = None
    redirect_uri: str | None = None
