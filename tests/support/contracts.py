"""Event contracts: every event has a model (``coursewave.event_models``), a JSON schema generated
from it and a sample under ``events/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from coursewave.event_models import validate_data

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"
ENVELOPE_SCHEMA = EVENTS_DIR / "envelope.schema.json"


@cache
def schema(detail_type: str) -> dict[str, Any]:
    path = EVENTS_DIR / "schemas" / f"{detail_type}.json"
    assert path.exists(), f"no schema for event {detail_type}: add events/schemas/{path.name}"
    return json.loads(path.read_text())


def validate_detail(detail_type: str, detail: dict[str, Any]) -> None:
    """The envelope (metadata) and the event's own ``data`` schema."""
    jsonschema.validate(detail, json.loads(ENVELOPE_SCHEMA.read_text()))
    jsonschema.validate(detail["data"], schema(detail_type))
    validate_data(detail_type, json.dumps(detail["data"]))  # and the model consumers parse with


def event_names() -> list[str]:
    return sorted(path.stem for path in (EVENTS_DIR / "schemas").glob("*.json"))
