"""Request and response bodies of the admin user routes and the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from coursewave.models import Out, Strict
from coursewave.pagination import PageQuery

Role = Literal["student", "instructor", "admin"]
Status = Literal["unverified", "active", "banned", "deleted"]


class UserListQuery(PageQuery):
    role: Role | None = None
    status: Status | None = None
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="prefix of the email or the name (case and accents ignored)",
    )


class AuditLogQuery(PageQuery):
    target_user_id: str | None = Field(default=None, max_length=128)
    actor_id: str | None = Field(default=None, max_length=128)


class AdminUserPatch(Strict):
    roles: list[Role] | None = Field(
        default=None, min_length=1, max_length=3, description="every account keeps student"
    )
    status: Literal["active", "banned"] | None = None
    reason: str | None = Field(default=None, max_length=500, description="kept in the audit log")


class AdminUser(Out):
    id: str
    email: str
    name: str
    avatar_url: str | None
    roles: list[str]
    status: str
    provider: str
    email_verified: bool
    created_at: str
    updated_at: str | None
    deleted_at: str | None


class UserPage(Out):
    items: list[AdminUser]
    next_cursor: str | None


class AuditTarget(Out):
    type: str
    id: str


class AuditEntryOut(Out):
    id: str
    at: str
    actor_id: str
    action: str
    target: AuditTarget
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str | None
    correlation_id: str | None


class AuditPage(Out):
    items: list[AuditEntryOut]
    next_cursor: str | None
