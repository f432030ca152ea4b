"""Request and response bodies of the auth routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from coursewave.models import Name, Out, Strict
from coursewave.users import normalise_email
from functions.auth import domain


def _email(value: str) -> str:
    email = normalise_email(value)
    problem = domain.email_problem(email)
    if problem:
        raise ValueError(problem)
    return email


Email = Annotated[str, Field(max_length=320), AfterValidator(_email)]
# The policy itself is checked in logic (it needs the email, and names the field in the 422).
Password = Annotated[str, Field(min_length=1, max_length=1024)]
Code = Annotated[str, Field(pattern=r"^\d{6}$", description="the 6-digit code from the email")]
RedirectUri = Annotated[str, Field(min_length=1, max_length=2048)]


class RegisterBody(Strict):
    email: Email
    password: Password
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
    new_password: Password


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
