"""Make moto's DynamoDB requests atomic with respect to each other, as DynamoDB's are.

moto applies a TransactWriteItems item by item and rolls a failed one back by restoring a copy of
the whole table taken when it started: a request served by another thread in between (the local
gateway and the test platform serve requests concurrently) is silently undone, and two
conditional writes can both pass their condition. Serializing moto's DynamoDB request handling
restores what the platform relies on: each operation (and each transaction) is atomic and
isolated. Only moto is patched; nothing changes in AWS.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.responses import DynamoHandler

from local.capacity import INDEX_KEYS

_lock = threading.Lock()


def install() -> None:
    """Idempotent: wrap ``DynamoHandler.call_action`` once per process."""
    original = DynamoHandler.call_action
    if getattr(original, "serialized", False):
        return

    def call_action(self: DynamoHandler) -> Any:
        with _lock:
            return original(self)

    call_action.serialized = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


def stored_item(table_name: str, key: dict[str, Any]) -> tuple[int, int] | None:
    """The size in bytes of the item stored under ``key`` (low-level form) in this process's
    moto, and how many global secondary indexes hold it; None if there is none. Under the same
    lock as the requests, so no write is half applied while it is measured (local stats only)."""
    from local.cloud import ACCOUNT_ID, REGION  # here: local.cloud imports this module

    with _lock:
        backend = dynamodb_backends[ACCOUNT_ID][REGION]
        try:
            item = backend.get_item(table_name, key)
        except JsonRESTError:  # an unknown table or key shape: nothing to measure
            return None
        if item is None:
            return None
        return item.size(), sum(1 for name in INDEX_KEYS if name in item.attrs)
