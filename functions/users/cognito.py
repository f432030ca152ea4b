"""The identity provider port: the Cognito user pool, driven with admin APIs only.

Accounts are created, enabled, disabled, signed out and deleted here; Cognito never emails anyone
(codes are ours: functions/auth). Every call is idempotent, so a caller that failed half way can
simply repeat it (e.g. an admin repeating a ban re-applies the Cognito side).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.exceptions import ClientError
from botocore.session import get_session

from coursewave.config import settings
from coursewave.resources import ROLE_GROUPS


class UsernameTaken(Exception):
    """Cognito already has a user with this email."""


class EmailRejected(Exception):
    """The pool refuses the address as a username (InvalidParameterException): the client's
    input, not a fault."""


class PasswordRejected(Exception):
    """Cognito refused the password (its policy is looser than ours, so this is rare)."""


class SignInFailed(Exception):
    """Wrong credentials, disabled or unknown user: the reason stays on this side."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int


@cache
def _client() -> Any:
    # botocore directly: boto3 would add ~80 ms to the function's cold import.
    return get_session().create_client("cognito-idp")


def _pool() -> str:
    return settings().require("user_pool_id")


def _app_client() -> str:
    return settings().require("user_pool_client_id")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def create_disabled_user(email: str, name: str, password: str) -> tuple[str, str]:
    """A user that cannot sign in until its email is confirmed; returns (username, sub)."""
    try:
        created = _client().admin_create_user(
            UserPoolId=_pool(),
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "false"},
                {"Name": "name", "Value": name},
            ],
            MessageAction="SUPPRESS",
        )["User"]
    except ClientError as exc:
        if _code(exc) in ("UsernameExistsException", "AliasExistsException"):
            raise UsernameTaken(email) from exc
        if _code(exc) == "InvalidParameterException":
            raise EmailRejected(str(exc)) from exc
        raise
    username = created["Username"]
    sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    try:
        set_password(username, password)
        disable(username)
        add_to_groups(username, ("student",))
    except Exception:
        delete(username)
        raise
    return username, sub


def set_password(username: str, password: str) -> None:
    try:
        _client().admin_set_user_password(
            UserPoolId=_pool(), Username=username, Password=password, Permanent=True
        )
    except ClientError as exc:
        if _code(exc) == "InvalidPasswordException":
            raise PasswordRejected(str(exc)) from exc
        raise


def enable(username: str) -> None:
    _client().admin_enable_user(UserPoolId=_pool(), Username=username)


def disable(username: str) -> None:
    _client().admin_disable_user(UserPoolId=_pool(), Username=username)


def mark_email_verified(username: str) -> None:
    _client().admin_update_user_attributes(
        UserPoolId=_pool(),
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )


def sign_out_everywhere(username: str) -> None:
    """Revoke the user's refresh tokens in Cognito (the record's revocation time does it too)."""
    try:
        _client().admin_user_global_sign_out(UserPoolId=_pool(), Username=username)
    except ClientError as exc:
        if _code(exc) != "UserNotFoundException":
            raise


def delete(username: str) -> None:
    try:
        _client().admin_delete_user(UserPoolId=_pool(), Username=username)
    except ClientError as exc:
        if _code(exc) != "UserNotFoundException":
            raise


def add_to_groups(username: str, roles: tuple[str, ...] | list[str]) -> None:
    for role in roles:
        _client().admin_add_user_to_group(
            UserPoolId=_pool(), Username=username, GroupName=ROLE_GROUPS[role]
        )


def remove_from_groups(username: str, roles: tuple[str, ...] | list[str]) -> None:
    for role in roles:
        _client().admin_remove_user_from_group(
            UserPoolId=_pool(), Username=username, GroupName=ROLE_GROUPS[role]
        )


def _tokens(result: dict[str, Any]) -> Tokens:
    auth = result["AuthenticationResult"]
    return Tokens(
        access_token=auth["AccessToken"],
        id_token=auth["IdToken"],
        refresh_token=auth.get("RefreshToken"),
        expires_in=int(auth.get("ExpiresIn", 3600)),
    )


def _context(source_ip: str) -> dict[str, Any]:
    """Context data for Cognito's threat protection: the caller's address, not the Lambda's."""
    # bandit B104 / ruff S104: an address reported to Cognito, never bound to.
    address = source_ip or "0.0.0.0"  # noqa: S104  # nosec B104
    return {
        "IpAddress": address,
        "ServerName": "coursewave-api",
        "ServerPath": "/v1/auth",
        "HttpHeaders": [],
    }


def authenticate(email: str, password: str, source_ip: str) -> Tokens:
    try:
        result = _client().admin_initiate_auth(
            UserPoolId=_pool(),
            ClientId=_app_client(),
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
            ContextData=_context(source_ip),
        )
    except ClientError as exc:
        raise SignInFailed(_code(exc)) from exc
    if "AuthenticationResult" not in result:
        # A challenge (e.g. a forced password change) is not a sign-in this API completes.
        raise SignInFailed(str(result.get("ChallengeName")))
    return _tokens(result)


def refresh(refresh_token: str) -> Tokens:
    """New tokens, and a new refresh token: the app client rotates them (the one presented is
    spent), which in Cognito is only possible through GetTokensFromRefreshToken."""
    try:
        result = _client().get_tokens_from_refresh_token(
            ClientId=_app_client(), RefreshToken=refresh_token
        )
    except ClientError as exc:
        raise SignInFailed(_code(exc)) from exc
    return _tokens(result)
