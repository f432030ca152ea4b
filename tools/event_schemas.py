"""Generate ``events/schemas/<event>.json`` from the event models (``coursewave.event_models``).

``python -m tools.event_schemas`` (``make events``) writes one JSON Schema (draft 2020-12) per
event's ``data``; ``--check`` exits 1 when a committed schema differs from what the models
declare, or a schema has no model (the test suite runs the same comparison). The envelope
(``events/envelope.schema.json``) is written by hand: it does not change with an event.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from coursewave.event_models import EVENTS, EventData

EVENTS_DIR = Path(__file__).resolve().parent.parent / "events"
SCHEMAS_DIR = EVENTS_DIR / "schemas"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://coursewave.dev/events/schemas/{name}.json"
# Keys pydantic adds that say nothing about validity: titles per field, the default of an
# optional field (an optional field is absent, never null).
NOISE = ("title", "default")


def schema(model: type[EventData]) -> dict[str, Any]:
    """The JSON Schema of one event's ``data``: nested models inlined, pydantic's noise left out."""
    raw = model.model_json_schema(mode="validation")
    definitions = raw.pop("$defs", {})
    body = _clean(_inline(raw, definitions))
    name = model.detail_type()
    head = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID.format(name=name),
        "title": f"{name} (version {model.version})",
        "description": " ".join(body.pop("description", "").split()),
    }
    order = ("type", "required", "additionalProperties", "properties")
    return {**head, **{key: body.pop(key) for key in order if key in body}, **body}


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = definitions[node["$ref"].rsplit("/", 1)[-1]]
            return _inline(
                {**target, **{k: v for k, v in node.items() if k != "$ref"}}, definitions
            )
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


def _clean(node: dict[str, Any]) -> dict[str, Any]:
    """A schema without ``NOISE`` keywords (``properties`` maps field names: those are kept)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in NOISE:
            continue
        if key == "properties":
            out[key] = {field: _clean(sub) for field, sub in value.items()}
        elif key in ("items", "not") and isinstance(value, dict):
            out[key] = _clean(value)
        elif key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            out[key] = [_clean(sub) for sub in value]
        else:
            out[key] = value
    return out


def render(model: type[EventData]) -> str:
    return json.dumps(schema(model), indent=2, ensure_ascii=False) + "\n"


def expected() -> dict[Path, str]:
    return {SCHEMAS_DIR / f"{name}.json": render(model) for name, model in sorted(EVENTS.items())}


def stale() -> list[str]:
    """What differs between the committed schemas and the models (empty: up to date)."""
    wanted = expected()
    problems = [
        f"{path.relative_to(EVENTS_DIR.parent)} is stale"
        for path, text in wanted.items()
        if not path.exists() or path.read_text() != text
    ]
    problems += [
        f"{path.relative_to(EVENTS_DIR.parent)} has no model in coursewave/event_models.py"
        for path in sorted(SCHEMAS_DIR.glob("*.json"))
        if path not in wanted
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a schema is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("run `make events`", file=sys.stderr)
        return 1 if problems else 0
    SCHEMAS_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in expected().items():
        path.write_text(text)
    print(f"wrote {len(EVENTS)} schemas to {SCHEMAS_DIR.relative_to(EVENTS_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
