"""What a request costs to serve, per route: handler CPU, DynamoDB round trips and request units.

The gateway records one ``Served`` per request (``HandlerStats.record``) and answers the totals at
``GET /_local/stats`` (local only; never deployed). The figures feed the load benchmark and the
cost model in ``docs/cost.md``:

* **handler CPU**: ``time.thread_time()`` of the thread that ran the handler, plus that of the
  threads the handler handed work to (``local.guards`` carries the request into them): what the
  function's own code and its AWS SDK calls cost, not moto's work behind the socket;
* **DynamoDB request units**, computed from the items themselves as DynamoDB bills on-demand
  tables: a read is ``ceil(size / 4 KB)`` units (half when eventually consistent; a Query sums the
  items it returns first), a write ``ceil(size / 1 KB)`` for the table plus the same for each
  global secondary index holding the item (ALL projection), transactions twice. A write's size is
  the item as stored afterwards (moto's copy, read after the handler returned: off the clock).

Everything here runs after the handler returned, outside the CPU measurement.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from coursewave.resources import TABLE

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
#: The GSI partition-key attributes: an item with one of them is copied into that index.
INDEX_KEYS = tuple(index.hash_key for index in TABLE.indexes)

# (table name, low-level key) → the stored item's size in bytes and the indexes it is in, or
# None when the item is not there (deleted, or a condition failed).
StoredItem = Callable[[str, dict[str, Any]], tuple[int, int] | None]


@dataclass
class Units:
    read: float = 0.0
    write: float = 0.0

    def __iadd__(self, other: Units) -> Units:
        self.read += other.read
        self.write += other.write
        return self


def value_size(value: dict[str, Any]) -> int:
    """The size DynamoDB counts for one attribute value in its JSON form (``{"S": "…"}``)."""
    (kind, raw), *_ = value.items()
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        digits = str(raw).lstrip("-").replace(".", "").lstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(v.encode("utf-8")) for v in raw)
    if kind == "NS":
        return sum(value_size({"N": v}) for v in raw)
    if kind == "BS":
        return sum(len(v) for v in raw)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in raw)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + value_size(v) for k, v in raw.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def indexes_holding(item: dict[str, Any]) -> int:
    return sum(1 for key in INDEX_KEYS if key in item)


def _reads(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def _writes(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def _put(item: dict[str, Any], factor: int = 1) -> float:
    """A write of ``item``: the table (``factor`` 2 inside a transaction) and its indexes."""
    units = _writes(item_size(item))
    return float(factor * units + indexes_holding(item) * units)


def _stored_write(table: str, key: dict[str, Any], stored: StoredItem, factor: int = 1) -> float:
    """An update, delete or condition check: priced by the item as stored afterwards (a deleted
    or absent item: the 1 KB minimum, no index)."""
    found = stored(table, key)
    size, indexes = found if found is not None else (0, 0)
    units = _writes(size)
    return float(factor * units + indexes * units)


def request_units(
    operation: str, params: dict[str, Any], response: dict[str, Any] | None, stored: StoredItem
) -> Units:
    """The on-demand request units one DynamoDB call consumed (``response`` None: it failed, as
    a conditional write whose condition did not hold, which DynamoDB still bills)."""
    response = response or {}
    consistent = bool(params.get("ConsistentRead"))
    if operation == "GetItem":
        return Units(read=_reads(item_size(response.get("Item") or {}), consistent))
    if operation == "Query":
        total = sum(item_size(item) for item in response.get("Items") or [])
        return Units(read=_reads(total, consistent and "IndexName" not in params))
    if operation == "BatchGetItem":
        units = 0.0
        for table, request in params.get("RequestItems", {}).items():
            strong = bool(request.get("ConsistentRead"))
            found = (response.get("Responses") or {}).get(table, [])
            units += sum(_reads(item_size(item), strong) for item in found)
            units += max(0, len(request.get("Keys", [])) - len(found)) * _reads(0, strong)
        return Units(read=units)
    if operation == "TransactGetItems":
        found = [r.get("Item") or {} for r in response.get("Responses") or []]
        found += [{}] * max(0, len(params.get("TransactItems", [])) - len(found))
        return Units(read=sum(2 * _reads(item_size(item), True) for item in found))
    if operation == "PutItem":
        return Units(write=_put(params["Item"]))
    if operation in ("UpdateItem", "DeleteItem"):
        return Units(write=_stored_write(params["TableName"], params["Key"], stored))
    if operation == "BatchWriteItem":
        units = 0.0
        for table, requests in params.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    units += _put(request["PutRequest"]["Item"])
                else:
                    units += _stored_write(table, request["DeleteRequest"]["Key"], stored)
        return Units(write=units)
    if operation == "TransactWriteItems":
        units = 0.0
        for entry in params.get("TransactItems", []):
            (kind, body), *_ = entry.items()
            if kind == "Put":
                units += _put(body["Item"], factor=2)
            elif kind == "ConditionCheck":
                units += 2.0 * _writes(0)
            else:
                units += _stored_write(body["TableName"], body["Key"], stored, factor=2)
        return Units(write=units)
    return Units()


@dataclass
class RouteTotals:
    function: str
    requests: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    dynamodb_round_trips: int = 0
    units: Units = field(default_factory=Units)

    def as_json(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "requests": self.requests,
            "cpu_seconds": round(self.cpu_seconds, 6),
            "wall_seconds": round(self.wall_seconds, 6),
            "dynamodb_round_trips": self.dynamodb_round_trips,
            "read_units": self.units.read,
            "write_units": self.units.write,
        }


class HandlerStats:
    """Per-route totals since the gateway started; sums only, so a reader diffs two snapshots."""

    def __init__(self, stored: StoredItem) -> None:
        self._stored = stored
        self._lock = threading.Lock()
        self._routes: dict[str, RouteTotals] = {}

    def record(
        self,
        route_key: str,
        function: str,
        cpu_seconds: float,
        wall_seconds: float,
        dynamodb_calls: Iterable[tuple[str, dict[str, Any], dict[str, Any] | None]],
    ) -> None:
        units, round_trips = Units(), 0
        for operation, params, response in dynamodb_calls:
            units += request_units(operation, params, response, self._stored)
            round_trips += 1
        with self._lock:
            totals = self._routes.setdefault(route_key, RouteTotals(function))
            totals.requests += 1
            totals.cpu_seconds += cpu_seconds
            totals.wall_seconds += wall_seconds
            totals.dynamodb_round_trips += round_trips
            totals.units += units

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {route: totals.as_json() for route, totals in self._routes.items()}

    def route(self, _params: dict[str, str]) -> tuple[int, str, bytes]:
        """``GET /_local/stats`` → ``{"routes": {route_key: totals}}``."""
        body = json.dumps({"routes": self.snapshot()})
        return HTTPStatus.OK, "application/json", body.encode()
