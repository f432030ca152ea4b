"""Admin use cases on accounts: list and search, ban and unban, grant and revoke roles.

The record decides, so a change is effective on the user's next request; Cognito (groups,
enabled flag, sessions) is brought in line right after, idempotently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coursewave.audit import AuditEntry, audit_entry
from coursewave.clock import now, now_iso
from coursewave.errors import Conflict, NotFound, ValidationFailed
from coursewave.events import OutboxEvent, domain_event
from coursewave.observability import logger, metrics
from coursewave.users import (
    ACTIVE,
    BANNED,
    DELETED,
    PRIVILEGED_ROLES,
    ROLES,
    UNVERIFIED,
    Principal,
    User,
    normalise,
)
from functions.admin.models import AdminUser, AdminUserPatch
from functions.users import cognito
from functions.users import repository as users


@dataclass(frozen=True)
class Stream:
    """One index partition read in key order, optionally by key prefix."""

    index: str
    partition: str
    prefix: str | None = None
    yields_roles: bool = False  # role items: the records are fetched by BatchGet


@dataclass(frozen=True)
class ListingPlan:
    """How a filtered user listing is read without Scan: streams read one after the other,
    filters the index cannot express applied as a FilterExpression (or after BatchGet)."""

    streams: tuple[Stream, ...]
    role: str | None
    status: str | None
    q: str | None

    def keeps(self, user: User) -> bool:
        return (self.role is None or self.role in (user.roles or [])) and (
            self.status is None or user.status == self.status
        )


def listing_plan(role: str | None, status: str | None, q: str | None) -> ListingPlan:
    if q is not None:
        prefix = normalise(q)
        if not prefix:
            raise ValidationFailed.for_field("q", "must contain letters or digits")
        # Email matches first, then name matches (those whose email also matched are skipped).
        streams = (Stream("GSI1", "USERS#EMAIL", prefix), Stream("GSI2", "USERS#NAME", prefix))
        return ListingPlan(streams, role, status, prefix)
    if role in PRIVILEGED_ROLES:
        holders = Stream("GSI1", f"USERS#ROLE#{role}", yields_roles=True)
        return ListingPlan((holders,), None, status, None)
    if status is not None:
        return ListingPlan((Stream("GSI3", f"USERS#STATUS#{status}"),), role, None, None)
    return ListingPlan((Stream("GSI1", "USERS#EMAIL"),), role, None, None)


def admin_view(user: User) -> AdminUser:
    return AdminUser(
        id=user.user_id,
        email=user.email,
        name=user.name,
        avatar_url=user.avatar_url,
        roles=list(user.roles or ["student"]),
        status=user.status,
        provider=user.provider or "password",
        email_verified=user.verified_at is not None or user.status == ACTIVE,
        created_at=user.created_at,
        updated_at=user.updated_at,
        deleted_at=user.deleted_at,
    )


def normalised_roles(roles: list[str]) -> list[str]:
    """Every account is a student; roles are kept in a fixed order."""
    wanted = {*roles, "student"}
    return [role for role in ROLES if role in wanted]


def _status_after(target: User, requested: str | None) -> str:
    if requested == BANNED:
        return BANNED
    if requested == ACTIVE and target.status == BANNED:
        # Unban: back to where the account was; an unconfirmed email stays unconfirmed.
        return ACTIVE if target.verified_at else UNVERIFIED
    return target.status


def change_user(admin: Principal, user_id: str, patch: AdminUserPatch) -> User:
    target = users.find(user_id)
    if target is None:
        raise NotFound("No such user.")
    if target.status == DELETED:
        raise Conflict("This account was deleted.")
    roles_before = list(target.roles or ["student"])
    roles_after = normalised_roles(patch.roles) if patch.roles is not None else roles_before
    status_after = _status_after(target, patch.status)
    if target.user_id == admin.user_id and (status_after == BANNED or "admin" not in roles_after):
        raise Conflict("You cannot ban yourself or remove your own admin role.")
    changes: dict[str, Any] = {}
    records: list[Any] = []
    if set(roles_after) != set(roles_before):
        changes["roles"] = roles_after
        records.append(
            _audit(admin, target, "user.roles_changed", "roles", roles_before, roles_after, patch)
        )
    if status_after != target.status:
        changes["status"] = status_after
        verb = "user.banned" if status_after == BANNED else "user.unbanned"
        records.append(_audit(admin, target, verb, "status", target.status, status_after, patch))
        if status_after == BANNED:
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
    target: User,
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


def _banned_event(admin: Principal, target: User, reason: str | None) -> OutboxEvent:
    data: dict[str, Any] = {
        "user_id": target.user_id,
        "banned_by": admin.user_id,
        "banned_at": now_iso(),
    }
    if reason:
        data["reason"] = reason
    return domain_event("admin", "UserBanned", data)


def sync_identity_provider(user: User) -> None:
    """Cognito's copy of the record's decision: groups, enabled flag, sessions (idempotent,
    so repeating the admin request repairs a half-applied change)."""
    username = user.cognito_username
    if not username:
        return
    roles = set(user.roles or ["student"])
    cognito.add_to_groups(username, [role for role in ROLES if role in roles])
    cognito.remove_from_groups(username, [role for role in PRIVILEGED_ROLES if role not in roles])
    if user.status == BANNED:
        cognito.sign_out_everywhere(username)
        cognito.disable(username)
    elif user.status == ACTIVE:
        cognito.enable(username)
