"""/v1/admin users and audit log (admin only; docs/identity.md)."""

from __future__ import annotations

from coursewave.api import Api, roles
from coursewave.users import Principal
from functions.admin import logic
from functions.admin.models import (
    AdminUser,
    AdminUserPatch,
    AuditEntryOut,
    AuditLogQuery,
    AuditPage,
    UserListQuery,
    UserPage,
)
from functions.users.public import Account

app = Api("admin")
lambda_handler = app.lambda_handler

ADMIN = roles("admin")


def admin_view(account: Account) -> AdminUser:
    return AdminUser(
        id=account.user_id,
        email=account.email,
        name=account.name,
        avatar_url=account.avatar_url,
        roles=list(account.roles or ["student"]),
        status=account.status,
        provider=account.provider or "password",
        email_verified=account.email_verified,
        created_at=account.created_at,
        updated_at=account.updated_at,
        deleted_at=account.deleted_at,
    )


@app.route(
    "GET",
    "/v1/admin/users",
    access=ADMIN,
    summary="List accounts: filter by role and status, search by email or name prefix",
    query=UserListQuery,
    response=UserPage,
)
def list_users(query: UserListQuery) -> UserPage:
    found, cursor = logic.list_users(query.role, query.status, query.q, query.limit, query.cursor)
    return UserPage(items=[admin_view(account) for account in found], next_cursor=cursor)


@app.route(
    "PATCH",
    "/v1/admin/users/{user_id}",
    access=ADMIN,
    summary="Change an account's roles or ban/unban it; effective on its next request",
    body=AdminUserPatch,
    response=AdminUser,
    errors=(409,),
)
def change_user(user_id: str, body: AdminUserPatch, principal: Principal) -> AdminUser:
    return admin_view(logic.change_user(principal, user_id, body))


@app.route(
    "GET",
    "/v1/admin/audit-log",
    access=ADMIN,
    summary="Admin and money actions, newest first",
    query=AuditLogQuery,
    response=AuditPage,
)
def audit_log(query: AuditLogQuery) -> AuditPage:
    entries, cursor = logic.audit_log(
        query.target_user_id, query.actor_id, query.limit, query.cursor
    )
    return AuditPage(
        items=[AuditEntryOut.model_validate(entry) for entry in entries], next_cursor=cursor
    )
