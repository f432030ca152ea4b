"""Consumers: queue + DLQ (+ rule) + alarm per ConsumerDecl; the table stream feeds its
consumers through a filter, with bisecting retries and a DLQ; every alarm reaches operators."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coursewave import resources
from functions import registry
from functions.registry import ConsumerDecl
from tests.infra import probes
from tests.infra.conftest import ALARM_EMAIL, Build


def _queue(build: Build, name: str) -> tuple[str, dict[str, Any]]:
    for logical_id, queue in build.resources("AWS::SQS::Queue").items():
        if queue["Properties"].get("QueueName") == name:
            return logical_id, queue["Properties"]
    raise AssertionError(f"no queue {name}")


def _queue_is_tls_only(build: Build, logical_id: str) -> bool:
    for policy in build.resources("AWS::SQS::QueuePolicy").values():
        if {"Ref": logical_id} not in policy["Properties"]["Queues"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            secure = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
            if statement["Effect"] == "Deny" and secure == "false":
                return True
    return False


def _alarm_on(build: Build, queue_id: str) -> dict[str, Any]:
    for alarm in build.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        dimensions = props.get("Dimensions", [])
        if any(d["Value"] == {"Fn::GetAtt": [queue_id, "QueueName"]} for d in dimensions):
            return props
    raise AssertionError(f"no alarm on {queue_id}")


def _consumers(build: Build) -> list[ConsumerDecl]:
    return list(build.declarations.consumers)


@pytest.mark.parametrize("build_name", ["default", "full"])
def test_every_consumer_has_an_encrypted_tls_only_queue_with_a_dlq_and_alarm(
    request: pytest.FixtureRequest, build_name: str
) -> None:
    build: Build = request.getfixturevalue(build_name)
    names = build.stack.names
    for decl in _consumers(build):
        queue_id, queue = _queue(build, names.queue(decl.name))
        dlq_id, dlq = _queue(build, names.dead_letter_queue(decl.name))

        assert queue["VisibilityTimeout"] == decl.visibility_timeout_seconds
        assert queue["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
            "maxReceiveCount": decl.max_receive_count,
        }
        assert queue["SqsManagedSseEnabled"] is True
        assert dlq["SqsManagedSseEnabled"] is True
        assert _queue_is_tls_only(build, queue_id)
        assert _queue_is_tls_only(build, dlq_id)
        alarm = _alarm_on(build, dlq_id)
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Threshold"] == 0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarm["AlarmActions"]


def test_event_consumers_get_a_rule_on_the_bus_and_work_queues_none(full: Build) -> None:
    rules = [r["Properties"] for r in full.resources("AWS::Events::Rule").values()]
    bus_id = next(iter(full.resources("AWS::Events::EventBus")))
    names = full.stack.names

    for decl in _consumers(full):
        queue_id, _ = _queue(full, names.queue(decl.name))
        targeting = [
            rule
            for rule in rules
            if any(t["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]} for t in rule["Targets"])
        ]
        if decl.sources:
            assert len(targeting) == 1, decl.name
            # AWS services' events (SES's bounces) arrive on the account's default bus
            bus = "default" if decl.on_default_bus else {"Ref": bus_id}
            assert targeting[0]["EventBusName"] == bus, decl.name
            pattern = targeting[0]["EventPattern"]
            assert pattern["source"] == list(decl.sources)
            assert pattern.get("detail-type", []) == list(decl.detail_types)
        else:
            assert targeting == [], decl.name


def test_consumer_functions_read_batches_and_report_item_failures(full: Build) -> None:
    mappings = [
        m["Properties"]
        for m in full.resources("AWS::Lambda::EventSourceMapping").values()
        if "Fn::GetAtt" in m["Properties"]["EventSourceArn"]
        and m["Properties"]["EventSourceArn"]["Fn::GetAtt"][1] == "Arn"
    ]
    queue_id, _ = _queue(full, full.stack.names.queue(probes.EVENTS_CONSUMER.name))
    mapping = next(m for m in mappings if m["EventSourceArn"]["Fn::GetAtt"][0] == queue_id)

    assert mapping["BatchSize"] == probes.EVENTS_CONSUMER.batch_size
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_queues_drained_by_a_container_have_no_lambda_mapping(each_build: Build) -> None:
    names = each_build.stack.names
    mapped = {
        json.dumps(m["Properties"]["EventSourceArn"])
        for m in each_build.resources("AWS::Lambda::EventSourceMapping").values()
    }
    for decl in _consumers(each_build):
        queue_id, _ = _queue(each_build, names.queue(decl.name))
        has_mapping = json.dumps({"Fn::GetAtt": [queue_id, "Arn"]}) in mapped
        assert has_mapping == (decl.function is not None), decl.name


@pytest.mark.parametrize("stream", registry.STREAM_CONSUMERS, ids=lambda s: s.name)
def test_stream_consumers_filter_bisect_retry_and_dead_letter(default: Build, stream: Any) -> None:
    table_id = next(iter(default.resources("AWS::DynamoDB::Table")))
    function_id, _ = default.function(stream.function)
    mapping = default.only(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [table_id, "StreamArn"]},
            "FunctionName": {"Ref": function_id},
        },
    )["Properties"]
    dlq_id, _ = _queue(default, default.stack.names.dead_letter_queue(stream.name))

    pattern = json.loads(mapping["FilterCriteria"]["Filters"][0]["Pattern"])
    assert pattern == {
        "eventName": ["INSERT"],
        "dynamodb": {"NewImage": {"entity": {"S": [stream.entity]}}},
    }
    assert mapping["BatchSize"] == stream.batch_size
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["MaximumRetryAttempts"] > 0
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": [dlq_id, "Arn"]
    }
    assert _alarm_on(default, dlq_id)["AlarmActions"]


def test_the_bus_has_the_declared_name_in_production(default: Build, full: Build) -> None:
    assert default.only("AWS::Events::EventBus")["Properties"]["Name"] == resources.EVENT_BUS.name
    assert full.only("AWS::Events::EventBus")["Properties"]["Name"] == "coursewave-test"


def test_alarms_reach_an_encrypted_tls_only_topic_mailed_when_configured(
    default: Build, full: Build
) -> None:
    topic_id, topic = next(iter(full.resources("AWS::SNS::Topic").items()))

    scaling = full.resources("AWS::ApplicationAutoScaling::ScalingPolicy")

    assert "KmsMasterKeyId" in topic["Properties"]
    for alarm in full.resources("AWS::CloudWatch::Alarm").values():
        actions = alarm["Properties"]["AlarmActions"]
        if all(action["Ref"] in scaling for action in actions):
            continue  # a worker's queue-depth scaling alarm
        assert actions == [{"Ref": topic_id}]
    subscription = full.only("AWS::SNS::Subscription")["Properties"]
    assert subscription == {
        "Protocol": "email",
        "TopicArn": {"Ref": topic_id},
        "Endpoint": ALARM_EMAIL,
    }
    assert default.resources("AWS::SNS::Subscription") == {}
