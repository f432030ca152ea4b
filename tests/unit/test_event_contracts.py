"""Every event schema has a sample that validates against the envelope and the schema."""

from __future__ import annotations

import json

import pytest

from tests.support.contracts import EVENTS_DIR, event_names, validate_detail


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
