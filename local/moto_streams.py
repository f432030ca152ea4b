"""Make a cancelled moto transaction leave the table's stream as AWS does.

moto (5.2.5) makes a cancelled ``TransactWriteItems`` roll back by swapping every table it
touched for a deep copy taken before the transaction. That has two effects AWS does not have:

- the copy has a new stream shard object, while open shard iterators (the outbox relay's and
  every stream consumer's) keep reading the old one: after the first cancelled transaction (a
  409, a 429 from a rate limit), stream consumers in that process never see a record again;
- writes applied before the failing item leave their stream records behind, so the outbox relay
  would publish an event of a change that never happened.

The fix: the shard is shared by the copy instead of copied (which also spares copying the whole
stream history on every transaction), and a cancelled transaction's records are dropped from it.
Installed once per process by ``local.cloud.provision`` (the runner's moto server and the tests'
in-process moto run in this process); ``local.moto_dynamodb`` serializes requests, so no other
write interleaves with a transaction. Only moto is patched; nothing changes in AWS.
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard

_installed = False


def install() -> None:
    """Idempotent."""
    global _installed
    if _installed:
        return
    StreamShard.__deepcopy__ = lambda self, memo: self  # type: ignore[attr-defined]
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
        shards = [t.stream_shard for t in self.tables.values() if t.stream_shard is not None]
        lengths = [(shard, len(shard.items)) for shard in shards]
        try:
            return original(self, transact_items)
        except Exception:
            for shard, length in lengths:
                del shard.items[length:]
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True
