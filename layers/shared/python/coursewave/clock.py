"""Time and identifiers, as ports so that tests can pin them."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, second precision (API.md)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    return iso(now())


def epoch_seconds() -> int:
    return int(time.time())


_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_id(prefix: str = "") -> str:
    """A sortable, opaque id: 48 bits of milliseconds then 80 random bits (ULID layout)."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return prefix + "".join(reversed(chars))
