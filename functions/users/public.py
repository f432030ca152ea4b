"""What the users domain offers the others (auth, admin, and any domain above identity).

Functions and plain types only: accounts come and go as ``Account`` values, never as the stored
item. Every function here is a thin door onto ``repository`` (the table) or ``cognito`` (the user
pool); the modules behind it stay private to this domain.

``create`` and ``update`` take the caller's own items (events, audit entries, code requests,
sessions) in ``also_save``/``extra``: they join the account change's transaction, so a change and
its record are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from functions.users import cognito, repository
from functions.users.cognito import (
    EmailRejected,
    PasswordRejected,
    SignInFailed,
    Tokens,
    UsernameTaken,
)
from functions.users.domain import (
    ERASED_NAME,
    NOTIFICATION_TYPES,
    Account,
    erased_email,
)
from functions.users.domain import merge_patch as merge_preferences
from functions.users.repository import ConcurrentChange, EmailTaken

if TYPE_CHECKING:
    from coursewave.db import Item

__all__ = [
    "ERASED_NAME",
    "NOTIFICATION_TYPES",
    "Account",
    "ConcurrentChange",
    "EmailRejected",
    "EmailTaken",
    "PasswordRejected",
    "SignInFailed",
    "Tokens",
    "UsernameTaken",
    "add_to_groups",
    "authenticate",
    "create",
    "create_disabled_user",
    "delete_sign_in",
    "disable_sign_in",
    "enable_sign_in",
    "erased_email",
    "find",
    "find_by_email",
    "find_by_email_consistent",
    "mark_email_verified",
    "merge_preferences",
    "refresh_tokens",
    "remove_from_groups",
    "set_password",
    "sign_out_everywhere",
    "update",
]


# -- accounts (the table) -------------------------------------------------------------------


def find(user_id: str) -> Account | None:
    """The account, strongly consistent; None if there is none."""
    return repository.find(user_id)


def find_by_email(email: str) -> Account | None:
    """The account that owns an email (an index read: eventually consistent)."""
    return repository.find_by_email(email)


def find_by_email_consistent(email: str) -> Account | None:
    """The same, strongly consistent (two reads): off the request path."""
    return repository.find_by_email_consistent(email)


def create(account: Account, *extra: Item) -> None:
    """A new account and ``extra`` items, atomically; ``EmailTaken`` if the email is held."""
    repository.create(account, *extra)


def update(
    account: Account, changes: Mapping[str, Any], *, also_save: Iterable[Item] = ()
) -> Account:
    """``changes`` (account fields → new values) applied to the account as read, with
    ``also_save`` in the same transaction; ``ConcurrentChange`` if it changed since."""
    return repository.update(account, changes, also_save=also_save)


# -- sign-in (the user pool) ----------------------------------------------------------------


def create_disabled_user(email: str, name: str, password: str) -> tuple[str, str]:
    """A sign-in that works once the email is confirmed: (username, sub). ``UsernameTaken``,
    ``EmailRejected``, ``PasswordRejected``."""
    return cognito.create_disabled_user(email, name, password)


def set_password(username: str, password: str) -> None:
    cognito.set_password(username, password)


def enable_sign_in(username: str) -> None:
    cognito.enable(username)


def disable_sign_in(username: str) -> None:
    cognito.disable(username)


def delete_sign_in(username: str) -> None:
    """Forget the user in the pool (idempotent)."""
    cognito.delete(username)


def mark_email_verified(username: str) -> None:
    cognito.mark_email_verified(username)


def sign_out_everywhere(username: str) -> None:
    cognito.sign_out_everywhere(username)


def add_to_groups(username: str, roles: tuple[str, ...] | list[str]) -> None:
    cognito.add_to_groups(username, roles)


def remove_from_groups(username: str, roles: tuple[str, ...] | list[str]) -> None:
    cognito.remove_from_groups(username, roles)


def authenticate(email: str, password: str, source_ip: str) -> Tokens:
    """Tokens for a password sign-in; ``SignInFailed`` whatever the reason."""
    return cognito.authenticate(email, password, source_ip)


def refresh_tokens(refresh_token: str) -> Tokens:
    """New tokens (and a new refresh token: the one presented is spent); ``SignInFailed``."""
    return cognito.refresh(refresh_token)
