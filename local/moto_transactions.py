"""A cancelled moto transaction rolls back the items it wrote, not a copy of the whole table.

moto (5.2.5) deep-copies a table once per item of every ``TransactWriteItems`` (to put the copy
back if the transaction is cancelled): a five-item transaction on a table of a few hundred items
copied ~2,000 items, most of the integration suite's DynamoDB time. Here the table is not copied;
the items the transaction names are, before it runs, and a cancelled transaction puts exactly
those back (or removes the ones it created). The outcome is the same: a cancelled transaction
leaves the table as it was, and ``local/moto_streams.py`` drops its stream records.
Only moto is patched, in the local runner and the test process (``local.cloud.provision``, and
``tests/conftest.py`` before any test): nothing changes in AWS.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.exceptions import MockValidationException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table


class _TablesNotCopied:
    """``copy`` as moto's DynamoDB backend module sees it: a table deep-copies as itself."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _keys(table: Table, op: dict[str, Any]) -> tuple[DynamoType, DynamoType | None]:
    attrs = op["Item"] if "Item" in op else op["Key"]
    hash_key = DynamoType(attrs[table.hash_key_attr])
    range_attr = table.range_key_attr
    return hash_key, DynamoType(attrs[range_attr]) if range_attr in attrs else None


def _put_back(table: Table, hash_key: DynamoType, range_key: DynamoType | None, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        table.items.get(hash_key, {}).pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item


_installed = False
# The snapshot, the transaction and its rollback are one step: a concurrent transaction must not
# write between them, or a rollback would put back an item another transaction has just written.
_LOCK = threading.RLock()


def install() -> None:
    """Idempotent."""
    global _installed
    if _installed:
        return
    dynamodb_models.copy = _TablesNotCopied()  # type: ignore[assignment]
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
        with _LOCK:
            return _run(self, transact_items)

    def _run(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
        saved = []
        for entry in transact_items:
            for op in entry.values():
                table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
                if table is None or not ({"Item", "Key"} & op.keys()):
                    continue
                try:
                    hash_key, range_key = _keys(table, op)
                    before = table.get_item(hash_key, range_key)
                except (KeyError, TypeError, MockValidationException):
                    continue  # a malformed key: moto refuses that item before writing it
                saved.append((table, hash_key, range_key, copy.deepcopy(before)))
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                _put_back(table, hash_key, range_key, item)
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True
