"""/v1/me use cases: the profile, its changes, the data export and the erasure.

They work on ``Account`` values (functions/users/domain.py); ``functions.users.repository`` holds
the table and ``functions.users.cognito`` the user pool.
"""

from __future__ import annotations

from typing import Any

from coursewave.clock import now, now_iso
from coursewave.errors import Conflict
from coursewave.events import domain_event
from coursewave.observability import logger, metrics
from coursewave.users import DELETED
from functions.users import cognito, repository
from functions.users.domain import ERASED_NAME, Account, PersonalData, erased_email, merge_patch
from functions.users.models import MePatch

DELETED_NAME = ERASED_NAME


def profile_changes(account: Account, patch: MePatch) -> dict[str, Any]:
    """The account fields a PATCH /v1/me changes (empty when it changes nothing)."""
    sent = patch.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "name" in sent and sent["name"] is not None and sent["name"] != account.name:
        changes["name"] = sent["name"]
    if "avatar_url" in sent and sent["avatar_url"] != account.avatar_url:
        changes["avatar_url"] = sent["avatar_url"]
    if "preferences" in sent:
        current = dict(account.preferences)
        merged = merge_patch(current, sent["preferences"] or {})
        if merged != current:
            changes["preferences"] = merged
    if changes:
        changes["updated_at"] = now_iso()
    return changes


def update_profile(account: Account, patch: MePatch) -> Account:
    changes = profile_changes(account, patch)
    if not changes:
        return account
    try:
        return repository.update(account, changes)
    except repository.ConcurrentChange as exc:
        raise Conflict("Your profile changed at the same time; read it and try again.") from exc


def export(account: Account) -> PersonalData:
    """Everything held about the caller: the account, every item held under it (what other
    domains store about the learner included), and audit entries about them."""
    held = repository.personal_data(account.user_id)
    metrics.add_metric(name="DataExported", unit="Count", value=1)
    return held


def erasure_changes(account: Account) -> dict[str, Any]:
    moment = now_iso()
    return {
        "status": DELETED,
        "email": erased_email(account.user_id),
        "name": ERASED_NAME,
        "avatar_url": None,
        "preferences": {},
        "cognito_username": None,
        "deleted_at": moment,
        "updated_at": moment,
        "sessions_revoked_at": now().timestamp(),
    }


def delete_account(account: Account) -> None:
    """Disable at once and erase: the anonymised record stays (ids other data points at),
    the email is free again, Cognito forgets the user, other domains hear ``UserDeleted``."""
    event = domain_event(
        "users", "UserDeleted", {"user_id": account.user_id, "deleted_at": now_iso()}
    )
    try:
        repository.erase(account, erasure_changes(account), also_save=[event])
    except repository.ConcurrentChange as exc:
        raise Conflict("Your account changed at the same time; try again.") from exc
    if account.cognito_username:
        cognito.sign_out_everywhere(account.cognito_username)
        cognito.delete(account.cognito_username)
    logger.info("account deleted", extra={"user_id": account.user_id})
    metrics.add_metric(name="UserDeleted", unit="Count", value=1)
