"""The table as a canonical set: take it before a request, compare after.

Everything the platform keeps lives in the one table (records, claims, counters, the outbox and
the admin audit log), so "the table is exactly as it was" means no write of any kind happened.
The read happens on the test side, outside any request, straight from moto's in-process table
(what a Scan returns, item for item, without a round trip through botocore per page: the
matrices take hundreds of snapshots).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from tests.support.cloud import Platform


def table_items(platform: Platform) -> list[dict[str, Any]]:
    """Every item of the table, as a Scan returns them (typed attribute values), in key order."""
    region = platform.provisioned.env.get("AWS_REGION", "us-east-1")
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(
        platform.provisioned.env["TABLE_NAME"]
    )
    items = [item.to_json()["Attributes"] for item in table.all_items()]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


def _canonical(item: dict[str, Any]) -> str:
    # String and number sets come back in any order: sort them so equal items compare equal.
    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: sorted(norm(v) for v in inner) if key in ("SS", "NS", "BS") else norm(inner)
                for key, inner in value.items()
            }
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, bytes):
            return value.hex()
        return value

    return json.dumps(norm(item), sort_keys=True)


@dataclass(frozen=True)
class TableSnapshot:
    items: frozenset[str]

    @classmethod
    def take(cls, platform: Platform) -> TableSnapshot:
        return cls(frozenset(_canonical(item) for item in table_items(platform)))

    def diff(self, later: TableSnapshot) -> str:
        """What changed, for an assertion message (empty when nothing did)."""
        removed = sorted(self.items - later.items)
        added = sorted(later.items - self.items)
        lines = [f"- {item}" for item in removed] + [f"+ {item}" for item in added]
        return "\n".join(lines)


def assert_unchanged(platform: Platform, before: TableSnapshot, label: str = "") -> None:
    changes = before.diff(TableSnapshot.take(platform))
    assert not changes, f"{label}: a refused request changed the table:\n{changes}"


@contextmanager
def table_unchanged(platform: Platform, label: str = "") -> Iterator[None]:
    """``with table_unchanged(platform, "student"):`` fails if the block wrote anything."""
    before = TableSnapshot.take(platform)
    yield
    assert_unchanged(platform, before, label)
