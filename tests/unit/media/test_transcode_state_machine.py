"""The transcode workflow's definition: the rules DESIGN.md §2.6 sets for it, checked statically
(tests/integration/media runs it on moto)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from functions import registry

DECL = next(sm for sm in registry.STATE_MACHINES if sm.name == "transcode")
ROOT = Path(__file__).resolve().parents[3]
DEFINITION: dict[str, Any] = json.loads((ROOT / DECL.definition).read_text())
STATES: dict[str, Any] = DEFINITION["States"]
# Publishing the outcome is retried until EventBridge takes it; there is nothing to fall back on.
EMITTERS = {"EmitReady", "EmitFailed"}
# Once a chunked run's parts may have written files, a failure discards them before failing.
AFTER_PARTS = {"Assemble"}


def _tasks() -> dict[str, Any]:
    return {name: state for name, state in STATES.items() if state["Type"] == "Task"}


def test_it_is_jsonpath_asl_with_only_states_moto_executes() -> None:
    assert DEFINITION.get("QueryLanguage", "JSONPath") == "JSONPath"
    assert {state["Type"] for state in STATES.values()} <= {
        "Pass", "Task", "Choice", "Map", "Succeed", "Fail"
    }  # fmt: skip
    for name, state in _tasks().items():
        resource = state["Resource"]
        assert not resource.endswith(".sync"), name
        assert resource.startswith(
            (
                "arn:aws:states:::dynamodb:",
                "arn:aws:states:::sqs:sendMessage",
                "arn:aws:states:::events:putEvents",
                "arn:aws:states:::aws-sdk:",
            )
        ), name


def test_every_transition_leads_to_a_state() -> None:
    targets = {DEFINITION["StartAt"]}
    for state in STATES.values():
        targets.add(state.get("Next"))
        targets.update(c["Next"] for c in state.get("Catch", []))
        targets.update(c["Next"] for c in state.get("Choices", []))
        targets.add(state.get("Default"))
    targets.discard(None)
    assert targets <= set(STATES)
    assert set(STATES) - targets == set()  # nothing unreachable


def test_every_task_retries_transient_errors_and_fails_the_media_otherwise() -> None:
    for name, state in _tasks().items():
        assert state.get("Retry"), f"{name} has no Retry"
        for retry in state["Retry"]:
            assert retry["BackoffRate"] >= 2 and retry["MaxAttempts"] >= 2, name
        if name in EMITTERS or name == "MarkFailed":
            continue
        catch_all = [c for c in state["Catch"] if c["ErrorEquals"] == ["States.ALL"]]
        expected = "DiscardParts" if name in AFTER_PARTS else "MarkFailed"
        assert catch_all and catch_all[0]["Next"] == expected, name


def test_the_worker_is_awaited_with_a_task_token_a_timeout_and_a_heartbeat() -> None:
    transcode = STATES["Transcode"]
    assert transcode["Resource"] == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    assert transcode["Parameters"]["MessageBody"]["task_token.$"] == "$$.Task.Token"
    assert 0 < transcode["HeartbeatSeconds"] < transcode["TimeoutSeconds"]


def test_the_claim_is_conditional_so_a_duplicate_upload_event_transcodes_nothing() -> None:
    claim = STATES["Claim"]
    assert "#status IN (:awaiting, :failed)" in claim["Parameters"]["ConditionExpression"]
    first_catch = claim["Catch"][0]
    assert first_catch["ErrorEquals"] == ["DynamoDB.ConditionalCheckFailedException"]
    assert STATES[first_catch["Next"]]["Type"] == "Succeed"


def test_placeholders_are_exactly_the_declared_substitutions() -> None:
    used = set(re.findall(r"\$\{(\w+)\}", (ROOT / DECL.definition).read_text()))
    used |= set(re.findall(r"\$\{(\w+)\}", json.dumps(DECL.trigger)))
    assert used == set(DECL.substitutions)


@pytest.mark.parametrize("name", ["VideoReadyEvent", "FileReadyEvent", "FailedEvent"])
def test_events_are_built_in_the_versioned_envelope(name: str) -> None:
    metadata = STATES[name]["Parameters"]["metadata"]
    assert set(key.removesuffix(".$") for key in metadata) == {
        "event_id", "version", "occurred_at", "correlation_id"
    }  # fmt: skip
    assert metadata["version"] == 1


def test_the_trigger_matches_uploads_of_this_deployment_only() -> None:
    pattern = DECL.trigger_pattern(lambda env: {"UPLOADS_BUCKET": "my-uploads"}[env])
    assert pattern == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": ["my-uploads"]},
            "object": {"key": [{"prefix": "uploads/"}]},
        },
    }
    assert DECL.trigger_bus == "default"


def test_long_sources_fan_out_to_worker_tasks_and_a_failed_part_discards_everything() -> None:
    assert STATES["IsChunked"]["Choices"] == [
        {"Variable": "$.transcode.chunked", "BooleanEquals": True, "Next": "EncodeParts"}
    ]
    assert STATES["IsChunked"]["Default"] == "ShapeRenditions"
    fan_out = STATES["EncodeParts"]
    assert fan_out["Type"] == "Map" and fan_out["ItemsPath"] == "$.transcode.parts"
    assert fan_out["ItemProcessor"]["ProcessorConfig"] == {"Mode": "INLINE"}
    assert "MaxConcurrency" not in fan_out  # bounded by the worker service's capacity
    part = fan_out["ItemProcessor"]["States"]["EncodePart"]
    assert part["Resource"] == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    assert part["Parameters"]["QueueUrl"] == "${TranscodeQueueUrl}"  # the same worker pool
    assert part["Parameters"]["MessageBody"]["action"] == "part"
    assert part["HeartbeatSecondsPath"] and part["TimeoutSecondsPath"]
    assert any("States.HeartbeatTimeout" in r["ErrorEquals"] for r in part["Retry"])
    # A part whose workers were all lost fails the Map with our own error name (moto cannot
    # propagate a States.* error out of a Map iteration; the worker's Transcode.* ones pass).
    lost = fan_out["ItemProcessor"]["States"][part["Catch"][0]["Next"]]
    assert part["Catch"][0]["ErrorEquals"] == ["States.HeartbeatTimeout", "States.Timeout"]
    assert (lost["Type"], lost["Error"]) == ("Fail", "Transcode.WorkerLost")
    assert fan_out["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "DiscardParts"}
    ]
    assert fan_out["Next"] == "Assemble" and STATES["Assemble"]["Next"] == "ShapeRenditions"
    discard = STATES["DiscardParts"]
    assert discard["Parameters"]["MessageBody"]["action"] == "discard"
    assert discard["ResultPath"] is None  # MarkFailed still reads $.failure
    assert discard["Next"] == "MarkFailed" and discard["Catch"][0]["Next"] == "MarkFailed"
