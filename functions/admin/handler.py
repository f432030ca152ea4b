"""/v1/admin users and audit log (admin only; docs/identity.md)."""

from __future__ import annotations

from coursewave.api import Api, roles
from coursewave.errors import ValidationFailed
from coursewave.users import Principal
from functions.admin import logic, repository
from functions.admin.models import (
    AdminUser,
    AdminUserPatch,
    AuditEntryOut,
    AuditLogQuery,
    AuditPage,
    UserListQuery,
    UserPage,
)

app = Api("admin")
lambda_handler = app.lambda_handler

ADMIN = roles("admin")


@app.route(
    "GET",
    "/v1/admin/users",
    access=ADMIN,
    summary="List accounts: filter by role and status, search by email or name prefix",
    query=UserListQuery,
    response=UserPage,
)
def list_users(query: UserListQuery) -> UserPage:
    plan = logic.listing_plan(query.role, query.status, query.q)
    found, cursor = repository.list_users(plan, query.limit, query.cursor)
    return UserPage(items=[logic.admin_view(user) for user in found], next_cursor=cursor)


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
    return logic.admin_view(logic.change_user(principal, user_id, body))


@app.route(
    "GET",
    "/v1/admin/audit-log",
    access=ADMIN,
    summary="Admin and money actions, newest first",
    query=AuditLogQuery,
    response=AuditPage,
)
def audit_log(query: AuditLogQuery) -> AuditPage:
    if query.target_user_id and query.actor_id:
        raise ValidationFailed.for_field("actor_id", "combine with target_user_id is not supported")
    entries, cursor = repository.audit_page(
        target_user_id=query.target_user_id,
        actor_id=query.actor_id,
        limit=query.limit,
        cursor=query.cursor,
    )
    return AuditPage(
        items=[AuditEntryOut.model_validate(entry.as_dict()) for entry in entries],
        next_cursor=cursor,
    )
