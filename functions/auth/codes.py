"""Issuing and emailing one-time codes, off the request path (run by ``functions.auth.mailer``).

The auth routes only write a ``CodeRequest``; this decides whether the address gets a code.
"""

from __future__ import annotations

from coursewave.clock import now
from coursewave.mail import send_email
from coursewave.observability import metrics
from coursewave.users import ACTIVE, PASSWORD, UNVERIFIED
from functions.auth import domain, identity_secret, messages, repository
from functions.auth.domain import RESET, VERIFY
from functions.users import public as users


def deliver_code(request: repository.CodeRequest) -> None:
    """Process a code request off the request path: issue and email a code if the account
    may have one (verify: unconfirmed accounts; reset: active or unconfirmed password
    accounts), otherwise do nothing. Runs from the table stream (functions.auth.mailer)."""
    if request.expires_at <= now():
        return
    user = users.find_by_email_consistent(request.email)
    if user is None:
        return
    if request.purpose == VERIFY and user.status != UNVERIFIED:
        return
    if request.purpose == RESET and user.status not in (ACTIVE, UNVERIFIED):
        return
    if request.purpose == RESET and user.provider != PASSWORD:
        send_email(user.email, *messages.federated_reset(user.provider))
        return
    code = domain.new_code()
    repository.store_code(
        repository.VerificationCode(
            email=user.email,
            purpose=request.purpose,
            user_id=user.user_id,
            cognito_username=user.cognito_username or user.email,
            code_hash=domain.code_hash(
                identity_secret.code_pepper(), request.purpose, user.user_id, code
            ),
            attempts=0,
            expires_at=now() + domain.CODE_TTL[request.purpose],
        )
    )
    send_email(user.email, *messages.code_email(request.purpose, code))
    metrics.add_metric(name="CodeSent", unit="Count", value=1)
