"""Admin use cases on accounts: list and search, ban and unban, grant and revoke roles.

The record decides, so a change is effective on the user's next request; Cognito (groups,
enabled flag, sessions) is brought in line right after, idempotently. Accounts come from and go
to the users domain (``functions.users.public``) as plain ``Account`` values.
"""

from __future__ import annotations

from typing import Any

from coursewave.audit import AuditEntry, audit_entry
from coursewave.clock import now, now_iso
from coursewave.errors import Conflict, NotFound, ValidationFailed
from coursewave.events import OutboxEvent, domain_event
from coursewave.observability import logger, metrics
from coursewave.users import ACTIVE, BANNED, DELETED, PRIVILEGED_ROLES, ROLES, Principal
from functions.admin import repository
from functions.admin.domain import normalised_roles, status_after
from functions.admin.models import AdminUserPatch
from functions.users import public as users
from functions.users.public import Account


def list_users(
    role: str | None, status: str | None, q: str | None, limit: int, cursor: str | None
) -> tuple[list[Account], str | None]:
    """A page of accounts (filters by role and status, search by email or name prefix)."""
    return repository.list_users(role, status, q, limit, cursor)


def audit_log(
    target_user_id: str | None, actor_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the audit log, newest first: all of it, or about one target, or by one actor."""
    if target_user_id and actor_id:
        raise ValidationFailed.for_field("actor_id", "combine with target_user_id is not supported")
    return repository.audit_page(
        target_user_id=target_user_id, actor_id=actor_id, limit=limit, cursor=cursor
    )


def change_user(admin: Principal, user_id: str, patch: AdminUserPatch) -> Account:
    target = users.find(user_id)
    if target is None:
        raise NotFound("No such user.")
    if target.status == DELETED:
        raise Conflict("This account was deleted.")
    roles_before = list(target.roles or ["student"])
    roles_after = normalised_roles(patch.roles) if patch.roles is not None else roles_before
    status = status_after(target, patch.status)
    if target.user_id == admin.user_id and (status == BANNED or "admin" not in roles_after):
        raise Conflict("You cannot ban yourself or remove your own admin role.")
    changes: dict[str, Any] = {}
    records: list[Any] = []
    if set(roles_after) != set(roles_before):
        changes["roles"] = tuple(roles_after)
        records.append(
            _audit(admin, target, "user.roles_changed", "roles", roles_before, roles_after, patch)
        )
    if status != target.status:
        changes["status"] = status
        verb = "user.banned" if status == BANNED else "user.unbanned"
        records.append(_audit(admin, target, verb, "status", target.status, status, patch))
        if status == BANNED:
            changes["sessions_revoked_at"] = now().timestamp()
            records.append(_banned_event(admin, target, patch.reason))
    updated = target
    if changes:
        changes["updated_at"] = now_iso()
        try:
            updated = users.update(target, changes, also_save=records)
        except users.ConcurrentChange as exc:
            raise Conflict("The account changed at the same time; read it and try again.") from exc
        logger.info("account changed", extra={"target": user_id, "changes": sorted(changes)})
        metrics.add_metric(name="AdminUserChanged", unit="Count", value=1)
    sync_identity_provider(updated)
    return updated


def _audit(
    admin: Principal,
    target: Account,
    action: str,
    field: str,
    before: Any,
    after: Any,
    patch: AdminUserPatch,
) -> AuditEntry:
    return audit_entry(
        actor_id=admin.user_id,
        action=action,
        target_type="user",
        target_id=target.user_id,
        before={field: before},
        after={field: after},
        reason=patch.reason,
    )


def _banned_event(admin: Principal, target: Account, reason: str | None) -> OutboxEvent:
    data: dict[str, Any] = {
        "user_id": target.user_id,
        "banned_by": admin.user_id,
        "banned_at": now_iso(),
    }
    if reason:
        data["reason"] = reason
    return domain_event("admin", "UserBanned", data)


def sync_identity_provider(account: Account) -> None:
    """Cognito's copy of the record's decision: groups, enabled flag, sessions (idempotent,
    so repeating the admin request repairs a half-applied change)."""
    username = account.cognito_username
    if not username:
        return
    roles = set(account.roles or ["student"])
    users.add_to_groups(username, [role for role in ROLES if role in roles])
    users.remove_from_groups(username, [role for role in PRIVILEGED_ROLES if role not in roles])
    if account.status == BANNED:
        users.sign_out_everywhere(username)
        users.disable_sign_in(username)
    elif account.status == ACTIVE:
        users.enable_sign_in(username)
