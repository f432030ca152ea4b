"""/v1/me: the caller's profile, its changes, the export of their data and account deletion.

(``/v1/me/dashboard`` and ``/v1/me/enrollments`` belong to the courses domain.)
"""

from __future__ import annotations

from coursewave.api import SIGNED_IN, Api, Reply
from coursewave.users import Principal, User
from functions.users import logic
from functions.users.models import DeletionAccepted, Export, Me, MePatch

app = Api("users")
lambda_handler = app.lambda_handler


def record(principal: Principal) -> User:
    """The caller's record, as the request's authorization loaded it (no second read)."""
    assert principal.record is not None
    return principal.record


@app.route("GET", "/v1/me", access=SIGNED_IN, summary="The caller's profile", response=Me)
def get_me(principal: Principal) -> Me:
    return logic.me(record(principal))


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
    return logic.update_profile(record(principal), body)


@app.route(
    "GET",
    "/v1/me/export",
    access=SIGNED_IN,
    summary="Every piece of personal data held about the caller, as JSON",
    response=Export,
)
def export_me(principal: Principal) -> Export:
    return logic.export(record(principal))


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
    logic.delete_account(record(principal))
    return Reply(
        202,
        DeletionAccepted(
            id=principal.user_id,
            status="deleted",
            detail="The account is disabled and its personal data erased; other services "
            "finish erasing what they hold shortly.",
        ),
    )
