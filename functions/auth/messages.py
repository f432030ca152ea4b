"""The emails the auth domain sends: (subject, plain text)."""

from __future__ import annotations

from functions.auth import domain


def _hours(purpose: str) -> int:
    return int(domain.CODE_TTL[purpose].total_seconds() // 3600)


def code_email(purpose: str, code: str) -> tuple[str, str]:
    hours = _hours(purpose)
    validity = f"{hours} hour{'s' if hours != 1 else ''}"
    if purpose == "verify":
        return (
            "Confirm your Coursewave email address",
            f"Welcome to Coursewave!\n\nYour verification code is {code}\n\n"
            f"It expires in {validity}. If you did not create an account, ignore this email.\n",
        )
    return (
        "Reset your Coursewave password",
        f"Your password reset code is {code}\n\nIt expires in {validity} and signs you out "
        "everywhere once used. If you did not ask to reset your password, ignore this email: "
        "your password stays as it is.\n",
    )


def federated_reset(provider: str) -> tuple[str, str]:
    name = {"google": "Google", "github": "GitHub"}.get(provider, provider)
    return (
        "Your Coursewave sign-in",
        f"Someone asked to reset the password of your Coursewave account. Your account signs in "
        f'with {name} and has no password: use "Sign in with {name}".\n',
    )
