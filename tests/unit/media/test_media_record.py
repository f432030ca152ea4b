"""The Media item's attribute names live in ``coursewave.media_record`` alone: the transcode
workflow's definition and the media repository name nothing outside it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coursewave import media_record as record
from coursewave.db import Item
from functions import registry
from functions.media.repository import Media, RenditionItem

DECL = next(sm for sm in registry.STATE_MACHINES if sm.name == "transcode")
ROOT = Path(__file__).resolve().parents[3]
DEFINITION: dict[str, Any] = json.loads((ROOT / DECL.definition).read_text())

STATUSES = {record.AWAITING_UPLOAD, record.PROCESSING, record.READY, record.FAILED}
# Words of DynamoDB expressions that are not attribute names.
EXPRESSION_WORDS = {
    "SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "IN", "BETWEEN",
    "if_not_exists", "list_append", "attribute_exists", "attribute_not_exists", "attribute_type",
    "begins_with", "contains", "size",
}  # fmt: skip
EXPRESSIONS = ("UpdateExpression", "ConditionExpression", "ProjectionExpression")


def _states(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        yield name, state
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from _states(processor["States"])


STATES = dict(_states(DEFINITION["States"]))
ITEM_WRITES = {
    name: state
    for name, state in STATES.items()
    if state.get("Resource", "").startswith("arn:aws:states:::dynamodb:")
}


def _attribute_names(parameters: dict[str, Any]) -> set[str]:
    """Every attribute an item request names: in its expressions (``#alias`` resolved through
    ``ExpressionAttributeNames``), and any alias defined but unused."""
    aliases = parameters.get("ExpressionAttributeNames", {})
    names = set(aliases.values())
    for field in EXPRESSIONS:
        for token in re.findall(r"[#:]?[A-Za-z_][A-Za-z0-9_]*", parameters.get(field, "")):
            if token.startswith(":") or token in EXPRESSION_WORDS:
                continue
            names.add(aliases[token] if token.startswith("#") else token)
    return names


def _status_values(parameters: dict[str, Any]) -> set[str]:
    """The literal values compared with or assigned to the status attribute."""
    aliases = {alias for alias, name in parameters.get("ExpressionAttributeNames", {}).items()}
    status = [a for a in aliases if parameters["ExpressionAttributeNames"][a] == record.STATUS]
    values = parameters.get("ExpressionAttributeValues", {})
    found: set[str] = set()
    for field in EXPRESSIONS:
        text = parameters.get(field, "")
        for alias in [*status, record.STATUS]:
            pattern = rf"(?<![\w#]){re.escape(alias)}\s*(?:=\s*(:\w+)|IN\s*\(([^)]*)\))"
            for single, several in re.findall(pattern, text):
                for placeholder in [single, *re.findall(r":\w+", several)]:
                    if placeholder and "S" in values.get(placeholder, {}):
                        found.add(values[placeholder]["S"])
    return found


def test_the_workflow_writes_the_media_item() -> None:
    assert set(ITEM_WRITES) >= {"Claim", "RecordVideo", "RecordFile", "MarkFailed"}


@pytest.mark.parametrize("state", sorted(ITEM_WRITES))
def test_every_attribute_the_workflow_names_is_a_media_record_attribute(state: str) -> None:
    parameters = ITEM_WRITES[state]["Parameters"]
    assert _attribute_names(parameters) <= record.ATTRIBUTES, state
    assert set(parameters["Key"]) <= record.KEY_ATTRIBUTES
    assert parameters["Key"]["PK"]["S.$"].startswith(f"States.Format('{record.pk('{}')}', "), state
    assert parameters["Key"]["SK"] == {"S": record.SK}


@pytest.mark.parametrize("state", sorted(ITEM_WRITES))
def test_the_statuses_the_workflow_writes_and_expects_are_media_record_statuses(
    state: str,
) -> None:
    assert _status_values(ITEM_WRITES[state]["Parameters"]) <= STATUSES


def test_the_statuses_are_found_where_the_workflow_uses_them() -> None:
    # (so the test above cannot pass by finding nothing)
    assert _status_values(ITEM_WRITES["Claim"]["Parameters"]) == {
        record.AWAITING_UPLOAD, record.FAILED, record.PROCESSING
    }  # fmt: skip


def test_what_the_workflow_reads_back_from_the_item_is_a_media_record_attribute() -> None:
    for name, state in ITEM_WRITES.items():
        for path in state.get("ResultSelector", {}).values():
            [attribute] = re.findall(r"^\$\.Attributes\.(\w+)\.", path)
            assert attribute in record.ATTRIBUTES, name


def test_the_renditions_the_workflow_records_have_media_record_fields() -> None:
    shaped = STATES["Rendition"]["Parameters"]["M"]
    assert set(shaped) == record.RENDITION_ATTRIBUTES


def test_the_repository_stores_exactly_the_media_record_attributes() -> None:
    base = {attribute.attr_name for attribute in Item.get_attributes().values()}
    stored = {attribute.attr_name for attribute in Media.get_attributes().values()}
    assert stored - base == record.ATTRIBUTES
    assert base & record.ATTRIBUTES == set()
    rendition = {attribute.attr_name for attribute in RenditionItem.get_attributes().values()}
    assert rendition == record.RENDITION_ATTRIBUTES


def test_a_media_key_is_built_by_the_record_module() -> None:
    assert Media.pk("med_1") == record.pk("med_1") == "MEDIA#med_1"
