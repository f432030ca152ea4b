"""A copy of moto's in-process state, taken once and put back before each platform.

Provisioning the platform in moto costs 1-2 s (≈60 API calls, RSA keys generated in KMS, the
workflows parsed); copying the backends it leaves takes milliseconds. ``Snapshot.take`` deep-copies
every moto backend in use; ``Snapshot.restore`` makes each of them that same moment again (in
place: references to a backend stay valid) and resets any backend created since. ``leftovers``
lists what a fresh platform must not hold (items, objects, messages, users, mail, executions):
the guard that turns a leak between tests into a loud failure instead of a flaky assertion.
"""

from __future__ import annotations

import copy
import copyreg
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.dynamodb.models.table import StreamShard

_LOCK_TYPES: dict[type, Any] = {
    type(threading.Lock()): threading.Lock,
    type(threading.RLock()): threading.RLock,
    threading.Condition: threading.Condition,
}


@contextmanager
def _fresh_locks() -> Iterator[None]:
    """While copying, a lock (or condition) copies as a new, unlocked one (moto's SQS queues and
    S3 keys hold them; no copy may share or inherit a held lock)."""
    saved = {kind: copyreg.dispatch_table.get(kind) for kind in _LOCK_TYPES}
    for kind, factory in _LOCK_TYPES.items():
        copyreg.dispatch_table[kind] = lambda _lock, factory=factory: (factory, ())
    try:
        yield
    finally:
        for kind, previous in saved.items():
            if previous is None:
                del copyreg.dispatch_table[kind]
            else:
                copyreg.dispatch_table[kind] = previous


def _backends() -> Iterator[tuple[BackendDict[Any], str, str, BaseBackend]]:
    for backends in list(BackendDict._instances):
        for account_id, regions in list(backends.items()):
            for region, backend in list(regions.items()):
                yield backends, account_id, region, backend


@dataclass(frozen=True)
class _Entry:
    backends: BackendDict[Any]
    account_id: str
    region: str
    original: BaseBackend


@dataclass
class Snapshot:
    entries: list[_Entry]
    states: list[dict[str, Any]]

    @classmethod
    def take(cls) -> Snapshot:
        entries = [_Entry(b, a, r, backend) for b, a, r, backend in _backends()]
        # A backend referring to itself (or to another) keeps referring to the live object.
        memo: dict[int, Any] = {id(e.original): e.original for e in entries}
        with _fresh_locks():
            states = copy.deepcopy([e.original.__dict__ for e in entries], memo)
        return cls(entries, states)

    def restore(self) -> None:
        """Every backend as it was at ``take``; a backend created since is reset to empty."""
        live = [e.backends[e.account_id][e.region] for e in self.entries]
        pairs = zip(self.entries, live, strict=True)
        memo: dict[int, Any] = {id(entry.original): now for entry, now in pairs}
        with _fresh_locks():
            states = copy.deepcopy(self.states, memo)
        restored = set()
        for backend, state in zip(live, states, strict=True):
            backend.__dict__.clear()
            backend.__dict__.update(state)
            restored.add(id(backend))
        for _, _, _, backend in _backends():
            if id(backend) not in restored:
                backend.reset()
        _new_stream_shards(live)


def _new_stream_shards(backends: list[BaseBackend]) -> None:
    """moto shares a table's stream shard between copies (``local/moto_streams.py``): each
    restored table gets an empty shard of its own."""
    for backend in backends:
        for table in getattr(backend, "tables", {}).values():
            if getattr(table, "stream_shard", None) is not None:
                table.stream_shard = StreamShard(backend.account_id, table)


def leftovers() -> list[str]:
    """What a freshly restored platform holds but must not: data a test wrote."""
    found: list[str] = []
    for _, _, _, backend in _backends():
        for name, table in getattr(backend, "tables", {}).items():
            if hasattr(table, "all_items") and table.all_items():
                found.append(f"DynamoDB table {name} has items")
            shard = getattr(table, "stream_shard", None)
            if shard is not None and shard.items:
                found.append(f"DynamoDB table {name} has stream records")
        for name, bucket in getattr(backend, "buckets", {}).items():
            if len(getattr(bucket, "keys", ())):
                found.append(f"S3 bucket {name} has objects")
        for name, queue in getattr(backend, "queues", {}).items():
            if getattr(queue, "_messages", None):
                found.append(f"SQS queue {name} has messages")
        for pool in getattr(backend, "user_pools", {}).values():
            if pool.users:
                found.append(f"Cognito pool {pool.id} has users")
        if getattr(backend, "sent_messages", None):
            found.append(f"{type(backend).__name__} has sent mail")
        for machine in getattr(backend, "state_machines", []):
            if getattr(machine, "executions", None):
                found.append(f"state machine {machine.name} has executions")
    return found
