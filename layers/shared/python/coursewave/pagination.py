"""Opaque, tamper-evident cursors for Query-based lists.

A cursor is DynamoDB's ``LastEvaluatedKey`` in base64url JSON. Decoding checks it against the
query it continues: exactly the expected key attributes, string values, and the same partition.
A cursor edited to point at another partition, or garbage, is a 400, never a silent restart.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coursewave.errors import BadRequest
from coursewave.json_depth import nests_deeper_than

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=2048)


def encode_cursor(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    flat = {name: _plain(value) for name, value in last_evaluated_key.items()}
    raw = json.dumps(flat, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, *, key_names: set[str], fixed: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """The ``ExclusiveStartKey`` for ``cursor``; ``fixed`` pins attributes (the partition)."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if nests_deeper_than(raw):
            raise BadRequest("Invalid cursor.")
        data = json.loads(raw)
    except (ValueError, binascii.Error) as exc:
        raise BadRequest("Invalid cursor.") from exc
    if (
        not isinstance(data, dict)
        or set(data) != key_names
        or not all(isinstance(value, str) and len(value) <= 512 for value in data.values())
        or any(data.get(name) != value for name, value in (fixed or {}).items())
    ):
        raise BadRequest("Invalid cursor.")
    return {name: {"S": value} for name, value in data.items()}


def _plain(value: Any) -> str:
    if isinstance(value, dict) and "S" in value:
        return value["S"]
    return str(value)
