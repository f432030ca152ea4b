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

from moto.dynamodb.responses import DynamoHandler

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
