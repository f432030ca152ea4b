"""One-time codes, off the request path: which requests earn one, and issuing it at send time.

The auth routes only write a ``CodeRequest``; ``request_code`` (run by ``functions.auth.mailer``
from the table stream) decides whether the address gets a code and, if so, publishes
``CodeRequested`` — which carries no code. The notifications domain, which sends every email,
calls ``issue_code`` (through ``public``) when it builds the email: the code exists in plain text
only in that function's memory and in the email, never in an event, the outbox or a log.
"""

from __future__ import annotations

from dataclasses import dataclass

from coursewave.clock import iso, now
from coursewave.events import domain_event
from coursewave.observability import metrics
from coursewave.users import ACTIVE, PASSWORD, UNVERIFIED
from functions.auth import domain, identity_secret, repository
from functions.auth.domain import RESET, VERIFY
from functions.users import public as users
from functions.users.public import Account


@dataclass(frozen=True)
class IssuedCode:
    code: str
    valid_hours: int


def _due(user: Account, purpose: str) -> bool:
    """Verify: unconfirmed accounts; reset: active or unconfirmed accounts."""
    if purpose == VERIFY:
        return user.status == UNVERIFIED
    return purpose == RESET and user.status in (ACTIVE, UNVERIFIED)


def request_code(request: repository.CodeRequest) -> None:
    """Process a code request: publish ``CodeRequested`` if the account may have a code (a
    federated account asking for a reset is told how it signs in instead), else nothing."""
    if request.expires_at <= now():
        return
    user = users.find_by_email_consistent(request.email)
    if user is None or not _due(user, request.purpose):
        return
    event = domain_event(
        "auth",
        "CodeRequested",
        {
            "user_id": user.user_id,
            "purpose": request.purpose,
            "provider": user.provider,
            "requested_at": iso(now()),
        },
    )
    repository.save_event(event)
    metrics.add_metric(name="CodeRequested", unit="Count", value=1)


def issue_code(user_id: str, purpose: str) -> IssuedCode | None:
    """A fresh code for the account (it replaces any earlier one of the purpose), stored only as
    its keyed hash; None if the account may no longer have one (confirmed meanwhile, deleted,
    federated)."""
    user = users.find(user_id)
    if user is None or user.provider != PASSWORD or not _due(user, purpose):
        return None
    code = domain.new_code()
    repository.store_code(
        repository.VerificationCode(
            email=user.email,
            purpose=purpose,
            user_id=user.user_id,
            cognito_username=user.cognito_username or user.email,
            code_hash=domain.code_hash(identity_secret.code_pepper(), purpose, user.user_id, code),
            attempts=0,
            expires_at=now() + domain.CODE_TTL[purpose],
        )
    )
    metrics.add_metric(name="CodeSent", unit="Count", value=1)
    return IssuedCode(code=code, valid_hours=int(domain.CODE_TTL[purpose].total_seconds() // 3600))
