"""Domain events: the versioned envelope of DESIGN.md §2.5, written through a transactional outbox.

A state change and the event reporting it are written in the same DynamoDB transaction
(``OutboxEvent`` is one more item in it), so neither exists without the other. The table's stream
feeds the outbox relay (``functions/outbox``), which puts each event on the ``coursewave`` bus and
is retried until it succeeds; consumers are idempotent on ``metadata.event_id``. Every event's
``data`` has a model in ``coursewave.event_models``, checked at publish time.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from coursewave.clock import iso, new_id, now
from coursewave.db import Item, key
from coursewave.observability import correlation_id

OUTBOX_RETENTION = timedelta(days=7)


class OutboxEvent(Item, discriminator="OutboxEvent"):
    event_id = UnicodeAttribute()
    source = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    version = NumberAttribute()
    detail = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("OUTBOX", self.event_id), "SK": "EVENT"}

    def entry(self, bus_name: str) -> dict[str, Any]:
        """The ``PutEvents`` entry for this event."""
        return {
            "Source": self.source,
            "DetailType": self.detail_type,
            "Detail": self.detail,
            "EventBusName": bus_name,
        }


def domain_event(
    domain: str, name: str, data: dict[str, Any], version: int | None = None
) -> OutboxEvent:
    """An event ready to be written in the same transaction as the change it reports.

    ``data`` is checked against the event's model (``coursewave.event_models``) in the JSON form
    consumers will receive: a publisher that breaks its contract fails here, with
    ``EventContractError``, before anything is written. ``version`` defaults to the model's.
    """
    # The event models cost ~30 ms to build: loaded by the first publish, not at cold start.
    from coursewave.event_models import model_for, validate_data

    model = model_for(name)
    validate_data(name, _json(data))
    event_id = new_id()
    moment = now()
    detail = {
        "metadata": {
            "event_id": event_id,
            "version": model.version if version is None else version,
            "occurred_at": iso(moment),
            "correlation_id": correlation_id() or event_id,
        },
        "data": data,
    }
    return OutboxEvent(
        event_id=event_id,
        source=f"coursewave.{domain}",
        detail_type=name,
        version=detail["metadata"]["version"],
        detail=_json(detail),
        expires_at=moment + OUTBOX_RETENTION,
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)
