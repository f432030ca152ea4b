"""The admin rules that need no I/O: which roles an account keeps, where an unban leads."""

from __future__ import annotations

from coursewave.users import ACTIVE, BANNED, ROLES, UNVERIFIED
from functions.users.public import Account


def normalised_roles(roles: list[str]) -> list[str]:
    """Every account is a student; roles are kept in a fixed order."""
    wanted = {*roles, "student"}
    return [role for role in ROLES if role in wanted]


def status_after(target: Account, requested: str | None) -> str:
    if requested == BANNED:
        return BANNED
    if requested == ACTIVE and target.status == BANNED:
        # Unban: back to where the account was; an unconfirmed email stays unconfirmed.
        return ACTIVE if target.verified_at else UNVERIFIED
    return target.status
