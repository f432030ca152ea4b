"""/v1/me: the caller's profile, its changes, the export of their data and account deletion.

(``/v1/me/dashboard`` and ``/v1/me/enrollments`` belong to the courses domain.)
"""

from __future__ import annotations

from coursewave.api import SIGNED_IN, Api, Reply
from coursewave.clock import now_iso
from coursewave.users import Principal
from functions.users import logic
from functions.users.domain import Account, account_of
from functions.users.models import DeletionAccepted, Export, Me, MePatch

app = Api("users")
lambda_handler = app.lambda_handler


def me(account: Account) -> Me:
    return Me(
        id=account.user_id,
        email=account.email,
        name=account.name,
        avatar_url=account.avatar_url,
        roles=list(account.roles),
        status=account.status,
        preferences=dict(account.preferences),
        provider=account.provider,
        email_verified=account.email_verified,
        created_at=account.created_at,
        updated_at=account.updated_at,
    )


@app.route("GET", "/v1/me", access=SIGNED_IN, summary="The caller's profile", response=Me)
def get_me(principal: Principal) -> Me:
    return me(account_of(principal))


@app.route(
    "PATCH",
    "/v1/me",
    access=SIGNED_IN,
    summary="Change name, avatar or preferences (merge patch); roles, status, email: 422",
    body=MePatch,
    response=Me,
    errors=(409,),
)
def patch_me(principal: Principal, body: MePatch) -> Me:
    return me(logic.update_profile(account_of(principal), body))


@app.route(
    "GET",
    "/v1/me/export",
    access=SIGNED_IN,
    summary="Every piece of personal data held about the caller, as JSON",
    response=Export,
)
def export_me(principal: Principal) -> Export:
    held = logic.export(account_of(principal))
    return Export(
        exported_at=now_iso(), account=held.account, data=held.data, audit_log=held.audit_log
    )


@app.route(
    "DELETE",
    "/v1/me",
    access=SIGNED_IN,
    summary="Delete the caller's account: disabled at once, personal data erased",
    status=202,
    response=DeletionAccepted,
    errors=(409,),
)
def delete_me(principal: Principal) -> Reply:
    logic.delete_account(account_of(principal))
    return Reply(
        202,
        DeletionAccepted(
            id=principal.user_id,
            status="deleted",
            detail="The account is disabled and its personal data erased; other services "
            "finish erasing what they hold shortly.",
        ),
    )
