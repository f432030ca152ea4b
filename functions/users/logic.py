"""/v1/me use cases: the profile, its changes, the data export and the erasure."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from coursewave.clock import now, now_iso
from coursewave.errors import Conflict
from coursewave.events import domain_event
from coursewave.observability import logger, metrics
from coursewave.users import ACTIVE, DELETED, User
from functions.users import cognito, repository
from functions.users.models import Export, Me, MePatch

# Index and bookkeeping attributes: never part of what a user sees of their data.
INTERNAL = frozenset(
    {"PK", "SK", "entity", "revision", "expires_at"}
    | {f"GSI{n}{part}" for n in (1, 2, 3, 4) for part in ("PK", "SK")}
)
# Entities under USER#<id> that the export shows elsewhere (the account) or that are secrets.
NOT_EXPORTED = frozenset({"User", "UserRole"})
DELETED_NAME = "Deleted user"


def me(user: User) -> Me:
    return Me(
        id=user.user_id,
        email=user.email,
        name=user.name,
        avatar_url=user.avatar_url,
        roles=list(user.roles or ["student"]),
        status=user.status,
        preferences=plain(user.preferences),
        provider=user.provider or "password",
        email_verified=user.verified_at is not None or user.status == ACTIVE,
        created_at=user.created_at,
        updated_at=user.updated_at,
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


def profile_changes(user: User, patch: MePatch) -> dict[str, Any]:
    """The record fields a PATCH /v1/me changes (empty when it changes nothing)."""
    sent = patch.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "name" in sent and sent["name"] is not None and sent["name"] != user.name:
        changes["name"] = sent["name"]
    if "avatar_url" in sent and sent["avatar_url"] != user.avatar_url:
        changes["avatar_url"] = sent["avatar_url"]
    if "preferences" in sent:
        current = plain(user.preferences)
        merged = merge_patch(current, sent["preferences"] or {})
        if merged != current:
            changes["preferences"] = merged
    if changes:
        changes["updated_at"] = now_iso()
    return changes


def update_profile(user: User, patch: MePatch) -> Me:
    changes = profile_changes(user, patch)
    if not changes:
        return me(user)
    try:
        updated = repository.update(user, changes)
    except repository.ConcurrentChange as exc:
        raise Conflict("Your profile changed at the same time; read it and try again.") from exc
    return me(updated)


def plain(value: Any) -> Any:
    """Stored values as JSON-ready Python (numbers, maps and sets from DynamoDB included)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    return value


def clean(item: dict[str, Any]) -> dict[str, Any]:
    return {name: plain(value) for name, value in item.items() if name not in INTERNAL}


def export(user: User) -> Export:
    """Everything held about the caller: the account, every item under ``USER#<id>`` (what
    other domains store about the learner lands there too), and audit entries about them."""
    items = repository.partition_items(User.pk(user.user_id))
    data: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        entity = str(item.get("entity", "unknown"))
        if entity not in NOT_EXPORTED:
            data.setdefault(entity, []).append(clean(item))
    account = next((clean(i) for i in items if i.get("entity") == "User"), clean({}))
    account.pop("cognito_username", None)
    account.pop("sessions_revoked_at", None)
    metrics.add_metric(name="DataExported", unit="Count", value=1)
    return Export(
        exported_at=now_iso(),
        account=account,
        data=dict(sorted(data.items())),
        audit_log=[entry.as_dict() for entry in repository.audit_entries_about(user.user_id)],
    )


def erasure_changes(user: User) -> dict[str, Any]:
    moment = now_iso()
    return {
        "status": DELETED,
        "email": f"deleted-{user.user_id}@deleted.invalid",
        "name": DELETED_NAME,
        "avatar_url": None,
        "preferences": {},
        "cognito_username": None,
        "deleted_at": moment,
        "updated_at": moment,
        "sessions_revoked_at": now().timestamp(),
    }


def delete_account(user: User) -> None:
    """Disable at once and erase: the anonymised record stays (ids other data points at),
    the email is free again, Cognito forgets the user, other domains hear ``UserDeleted``."""
    event = domain_event("users", "UserDeleted", {"user_id": user.user_id, "deleted_at": now_iso()})
    try:
        repository.update(
            user,
            erasure_changes(user),
            also_save=[event],
            also_delete=repository.email_items(user.email),
        )
    except repository.ConcurrentChange as exc:
        raise Conflict("Your account changed at the same time; try again.") from exc
    if user.cognito_username:
        cognito.sign_out_everywhere(user.cognito_username)
        cognito.delete(user.cognito_username)
    logger.info("account deleted", extra={"user_id": user.user_id})
    metrics.add_metric(name="UserDeleted", unit="Count", value=1)
