"""Every event has a model (coursewave.event_models), a generated schema and a sample; the
sample validates against the envelope and the schema, and publishing checks the model."""

from __future__ import annotations

import json

import pytest

from coursewave.event_models import EVENTS, EventContractError, UserDeleted, validate_data
from coursewave.events import domain_event
from tests.support.contracts import EVENTS_DIR, event_names, validate_detail
from tools import event_schemas


@pytest.mark.parametrize("name", event_names())
def test_sample_matches_its_schema(name: str) -> None:
    sample_path = EVENTS_DIR / "samples" / f"{name}.json"
    assert sample_path.exists(), f"no sample for {name}"
    sample = json.loads(sample_path.read_text())
    assert sample["detail-type"] == name
    assert sample["source"].startswith("coursewave.")
    validate_detail(name, sample["detail"])


def test_every_sample_has_a_schema() -> None:
    samples = {path.stem for path in (EVENTS_DIR / "samples").glob("*.json")}
    assert samples <= set(event_names())


def test_committed_schemas_are_generated_from_the_event_models() -> None:
    assert event_schemas.stale() == [], "events/schemas is stale: run `make events`"


def test_every_event_model_has_a_schema_and_a_sample() -> None:
    assert set(EVENTS) == set(event_names())
    assert {path.stem for path in (EVENTS_DIR / "samples").glob("*.json")} == set(EVENTS)


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_each_sample_parses_with_its_model(name: str) -> None:
    sample = json.loads((EVENTS_DIR / "samples" / f"{name}.json").read_text())

    parsed = validate_data(name, json.dumps(sample["detail"]["data"]))

    assert sample["source"] == f"coursewave.{EVENTS[name].publisher}"
    assert sample["detail"]["metadata"]["version"] == EVENTS[name].version
    assert parsed.model_dump(mode="json", exclude_unset=True) == sample["detail"]["data"]


def test_publishing_checks_the_data_against_the_event_model() -> None:
    data = {"user_id": "u1", "deleted_at": "2026-01-01T00:00:00Z"}

    event = domain_event("users", "UserDeleted", data)

    detail = json.loads(event.detail)
    assert detail["data"] == data
    assert detail["metadata"]["version"] == event.version == UserDeleted.version
    validate_detail("UserDeleted", detail)
    with pytest.raises(EventContractError, match="deleted_at"):
        domain_event("users", "UserDeleted", {"user_id": "u1", "deleted_at": "yesterday"})
    with pytest.raises(EventContractError, match="extra"):
        domain_event("users", "UserDeleted", {**data, "email": "a@b.test"})
    with pytest.raises(EventContractError, match="no model"):
        domain_event("users", "UserRenamed", {"user_id": "u1"})


def test_event_data_is_not_coerced() -> None:
    sample = json.loads((EVENTS_DIR / "samples" / "LessonCompleted.json").read_text())
    data = {**sample["detail"]["data"], "progress_percent": "50"}

    with pytest.raises(EventContractError, match="progress_percent"):
        validate_data("LessonCompleted", json.dumps(data))
