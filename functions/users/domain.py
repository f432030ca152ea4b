"""An account as identity's use cases see it: a plain value, no storage.

``functions.users.repository`` maps it to and from the stored ``User`` item; the request's
``Principal`` carries the same fields, so ``account_of`` rebuilds it without a read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coursewave.users import ACTIVE, PASSWORD, Principal

# What an erased account is called wherever its name or email was shown: on its own record and
# on every copy other domains keep (a roster's learner, a course's instructor). docs/privacy.md
ERASED_NAME = "Deleted user"

# The notification types a person may turn off, per channel, in ``preferences.notifications``
# (API.md "Notifications"); the notifications domain reads the choices through ``public``.
# Transactional mail (codes, receipts) has no type here: it is always sent.
NOTIFICATION_TYPES = (
    "enrollment",
    "media",
    "exam_result",
    "certificate",
    "comment_on_my_course",
    "reply_to_me",
    "review_on_my_course",
    "announcement",
)


def erased_email(user_id: str) -> str:
    """The address an erased account's record (and every copy of it) holds instead of its own:
    unique, and in a reserved domain (RFC 2606) that can never receive mail."""
    return f"deleted-{user_id}@deleted.invalid"


@dataclass(frozen=True)
class Account:
    user_id: str
    email: str
    name: str
    created_at: str
    roles: tuple[str, ...] = ("student",)
    status: str = ACTIVE
    avatar_url: str | None = None
    preferences: Mapping[str, Any] = field(default_factory=dict, hash=False)
    provider: str = PASSWORD
    updated_at: str | None = None
    cognito_username: str | None = None
    verified_at: str | None = None
    deleted_at: str | None = None
    # Epoch seconds of the last "sign out everywhere": sessions issued before it are void.
    sessions_revoked_at: float | None = None
    # The stored revision this value was read at: the condition of its next change.
    revision: int = 0

    @property
    def email_verified(self) -> bool:
        return self.verified_at is not None or self.status == ACTIVE


def account_of(principal: Principal) -> Account:
    """The caller's account, as the request's authorization read it (no second read)."""
    return Account(
        user_id=principal.user_id,
        email=principal.email,
        name=principal.name,
        created_at=principal.created_at,
        roles=principal.role_list or tuple(sorted(principal.roles)),
        status=principal.status,
        avatar_url=principal.avatar_url,
        preferences=principal.preferences,
        provider=principal.provider,
        updated_at=principal.updated_at,
        cognito_username=principal.cognito_username,
        verified_at=principal.verified_at,
        deleted_at=principal.deleted_at,
        sessions_revoked_at=principal.sessions_revoked_at,
        revision=principal.revision,
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge recursively, ``None`` removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged


@dataclass(frozen=True)
class PersonalData:
    """Everything held about one account, as JSON-ready values (the data export)."""

    account: dict[str, Any]  # the account's own fields
    data: dict[str, list[dict[str, Any]]]  # every other item held under it, by entity
    audit_log: list[dict[str, Any]]  # admin actions about it, newest first
