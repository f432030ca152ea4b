"""The auth rules that need no I/O: password policy, one-time codes, rate windows, PKCE.

Everything here is a pure function of its arguments (unit-tested in tests/unit/identity).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from coursewave.patterns import SPACES

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256  # Cognito's own limit
EMAIL_MAX_LENGTH = 254
# Stated in the OpenAPI document as is: explicit classes (coursewave.patterns), so the document,
# pydantic and this module agree on every character.
EMAIL_PATTERN = rf"^[^@{SPACES}]{{1,64}}@[^@{SPACES}.]+(\.[^@{SPACES}.]+)+$"
_EMAIL = re.compile(EMAIL_PATTERN)
# No space at either end (the policy's length and character-class rules are checked in
# password_problem; the class rule has no pattern that reads the same in every dialect).
PASSWORD_PATTERN = rf"^[^{SPACES}]([\s\S]*[^{SPACES}])?$"
_PASSWORD_ENDS = re.compile(PASSWORD_PATTERN)
PASSWORD_POLICY = (
    f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, no space at either end, at "
    "least two of: lower case, upper case, digits, other characters; must not contain the email"
)

# What a one-time code is for (``CodeRequest.purpose``, ``VerificationCode.purpose``).
VERIFY = "verify"
RESET = "reset"

CODE_DIGITS = 6
MAX_CODE_ATTEMPTS = 5
CODE_TTL = {VERIFY: timedelta(hours=24), RESET: timedelta(hours=1)}
CODE_REQUEST_TTL = timedelta(hours=1)  # an unprocessed request is worthless after this
OAUTH_STATE_TTL = timedelta(minutes=10)
REFRESH_SESSION_TTL = timedelta(days=30)  # the pool's refresh token validity


# -- input ----------------------------------------------------------------------------------


def email_problem(email: str) -> str | None:
    """Why ``email`` is not an address we can send a code to, or None."""
    if len(email) > EMAIL_MAX_LENGTH:
        return f"must be at most {EMAIL_MAX_LENGTH} characters"
    if not _EMAIL.match(email):
        return "must be an email address"
    return None


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password uses."""
    classes = set()
    for char in password:
        if char.isdigit():
            classes.add("digit")
        elif char.islower():
            classes.add("lower")
        elif char.isupper():
            classes.add("upper")
        else:
            classes.add("other")
    return len(classes)


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why the password fails the policy (≥ 10 characters, not all one class), or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"must be at least {PASSWORD_MIN_LENGTH} characters"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"must be at most {PASSWORD_MAX_LENGTH} characters"
    if not _PASSWORD_ENDS.match(password):
        return "must not start or end with a space"
    if character_classes(password) < 2:
        return "must mix at least two of: lower case, upper case, digits, other characters"
    if email and email.lower() in password.lower():
        return "must not contain your email address"
    return None


# -- one-time codes -------------------------------------------------------------------------


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(pepper: str, purpose: str, user_id: str, code: str) -> str:
    """A code is stored only as this keyed hash, bound to its purpose and account."""
    message = f"{purpose}:{user_id}:{code}".encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).hexdigest()


def code_matches(pepper: str, purpose: str, user_id: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(code_hash(pepper, purpose, user_id, code), stored_hash)


# -- rate limits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRule:
    per_email: int
    per_ip: int
    window_seconds: int


RATE_RULES: dict[str, RateRule] = {
    "register": RateRule(per_email=5, per_ip=20, window_seconds=3600),
    "login": RateRule(per_email=10, per_ip=50, window_seconds=900),
    "confirm": RateRule(per_email=10, per_ip=50, window_seconds=900),
    "resend": RateRule(per_email=5, per_ip=20, window_seconds=3600),
    "forgot": RateRule(per_email=5, per_ip=20, window_seconds=3600),
    "reset": RateRule(per_email=10, per_ip=50, window_seconds=900),
}


def window(now_epoch: float, seconds: int) -> tuple[int, int]:
    """The fixed window holding ``now``: (start, end) in epoch seconds."""
    start = int(now_epoch) - int(now_epoch) % seconds
    return start, start + seconds


def subject_hash(value: str) -> str:
    """Counters are keyed by a hash: the table keeps no list of emails or addresses tried."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


# -- tokens, OAuth --------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """Refresh tokens and OAuth states are high-entropy: a plain SHA-256 names them."""
    return hashlib.sha256(token.encode()).hexdigest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def pkce_matches(verifier: str, challenge: str) -> bool:
    return hmac.compare_digest(b64url(hashlib.sha256(verifier.encode()).digest()), challenge)


def new_state() -> str:
    return secrets.token_urlsafe(32)
