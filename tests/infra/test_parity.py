"""The CDK app and the local runner build the same platform from the same declarations.

One side is the synthesized template (the ``default`` build: exactly what ``make synth`` makes);
the other is what the local runner provisions in moto (``local.cloud.provision``, in process)
plus the pollers it starts in place of AWS's event-source mappings, container workers and the
EventBridge → Step Functions target (``local.runner.build_pollers``). Both are reduced to the
same plain descriptions — routes, event rules (bus, pattern, target), consumer queues (+ DLQ),
event-source mappings (source, filter, target), state machines, container workers — and
compared both ways.

What exists on one side only by design is left out, on purpose and by name: the DLQs of AWS's
own delivery (a stream mapping's on-failure queue, the EventBridge target's dead letters) have no
local counterpart (the pollers retry in order), and the local bridge queue that feeds
StartExecution (moto's EventBridge cannot target Step Functions) is the rule's target there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from coursewave import resources
from functions import registry
from local.apigw import CompiledRoute
from local.cloud import Provisioned, provision
from local.gateway import compiled_routes
from local.pollers import ScheduledPoller, SqsPoller, StateMachineTarget, StreamPoller
from local.runner import build_pollers
from tests.infra.conftest import Build

KINDS = ("route", "rule", "queue", "mapping", "state machine", "container worker", "schedule")


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


# -- the CDK side --------------------------------------------------------------------------------


class Template:
    def __init__(self, build: Build) -> None:
        self.resources: dict[str, dict[str, Any]] = build.json["Resources"]
        self.prefix = f"{build.stack.names.prefix}-"
        self.bus_id = next(
            lid for lid, r in self.resources.items() if r["Type"] == "AWS::Events::EventBus"
        )
        self.table_id = next(
            lid for lid, r in self.resources.items() if r["Type"] == "AWS::DynamoDB::Table"
        )
        outputs = build.json["Outputs"]
        # Deployment-specific names in patterns: the bucket's Ref → its declared env name.
        self.placeholders = {
            _key({"Ref": outputs[f"{decl.logical_id}Name"]["Value"]["Ref"]}): f"<{decl.env}>"
            for decl in resources.BUCKETS
        }

    def props(self, logical_id: str) -> dict[str, Any]:
        return self.resources[logical_id].get("Properties", {})

    def of_type(self, type_: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical_id, resource in self.resources.items():
            if resource["Type"] == type_:
                yield logical_id, resource.get("Properties", {})

    def short(self, name: str) -> str:
        return name.removeprefix(self.prefix)

    def function(self, ref: Any) -> str:
        logical_id = ref["Ref"] if "Ref" in ref else ref["Fn::GetAtt"][0]
        return self.short(self.props(logical_id)["FunctionName"])

    def queue(self, ref: dict[str, Any]) -> str:
        logical_id = ref["Ref"] if "Ref" in ref else ref["Fn::GetAtt"][0]
        return self.short(self.props(logical_id)["QueueName"])

    def pattern(self, node: Any) -> Any:
        if isinstance(node, dict):
            if _key(node) in self.placeholders:
                return self.placeholders[_key(node)]
            return {key: self.pattern(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.pattern(item) for item in node]
        return node


def cdk_side(build: Build) -> set[tuple[str, str]]:
    t = Template(build)
    found: set[tuple[str, str]] = set()
    for key, (_route, function_id) in build.routes().items():
        function = t.function({"Fn::GetAtt": [function_id, "Arn"]})
        found.add(("route", f"{key} → {function}"))
    delivery_dlqs: set[str] = set()
    for _, rule in t.of_type("AWS::Events::Rule"):
        bus = "coursewave" if rule.get("EventBusName") == {"Ref": t.bus_id} else "default"
        for target in rule["Targets"]:
            arn = target["Arn"]
            if "Ref" in arn and t.resources[arn["Ref"]]["Type"] == (
                "AWS::StepFunctions::StateMachine"
            ):
                what = f"state machine {t.short(t.props(arn['Ref'])['StateMachineName'])}"
            else:
                what = f"queue {t.queue(arn)}"
            if "DeadLetterConfig" in target:
                delivery_dlqs.add(t.queue(target["DeadLetterConfig"]["Arn"]))
            found.add(("rule", f"{bus}: {_key(t.pattern(rule['EventPattern']))} → {what}"))
    for _, mapping in t.of_type("AWS::Lambda::EventSourceMapping"):
        function = t.function(mapping["FunctionName"])
        source = mapping["EventSourceArn"]["Fn::GetAtt"]
        if source == [t.table_id, "StreamArn"]:
            filters = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
            origin = f"table stream {_key(filters)}"
            delivery_dlqs.add(t.queue(mapping["DestinationConfig"]["OnFailure"]["Destination"]))
        else:
            origin = f"queue {t.queue({'Ref': source[0]})}"
        found.add(("mapping", f"{origin} batch {mapping['BatchSize']} → function {function}"))
    for _, queue in t.of_type("AWS::SQS::Queue"):
        redrive = queue.get("RedrivePolicy")
        if redrive:
            found.add(
                (
                    "queue",
                    f"{t.short(queue['QueueName'])} "
                    f"(dlq {t.queue(redrive['deadLetterTargetArn'])}, "
                    f"max receives {redrive['maxReceiveCount']}, "
                    f"visibility {queue.get('VisibilityTimeout', 30)}s)",
                )
            )
    for _, machine in t.of_type("AWS::StepFunctions::StateMachine"):
        found.add(("state machine", t.short(machine["StateMachineName"])))
    for _, task in t.of_type("AWS::ECS::TaskDefinition"):
        for container in task["ContainerDefinitions"]:
            env = {e["Name"]: e["Value"] for e in container.get("Environment", [])}
            queue = t.queue({"Ref": env["QUEUE_NAME"]["Fn::GetAtt"][0]})
            module = container["Command"][-1]
            found.add(("container worker", f"{module} ← queue {queue}"))
    for _, schedule in t.of_type("AWS::Scheduler::Schedule"):
        function = t.function({"Fn::GetAtt": schedule["Target"]["Arn"]["Fn::GetAtt"]})
        found.add(
            (
                "schedule",
                f"{t.short(schedule['Name'])} {schedule['ScheduleExpression']} → function "
                f"{function}",
            )
        )
    return found


# -- the local side ------------------------------------------------------------------------------


def _queue_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].removeprefix("coursewave-")


def local_side(out: Provisioned) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    routes: list[CompiledRoute] = compiled_routes()
    found |= {("route", f"{r.spec.route_key} → {r.function}") for r in routes}
    found.add(("route", f"$default → {registry.DEFAULT_ROUTE_FUNCTION}"))

    bridges = {url: name for name, url in out.state_machine_queues.items()}
    placeholders = {out.env[decl.env]: f"<{decl.env}>" for decl in resources.BUCKETS}

    def pattern(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: pattern(value) for key, value in node.items()}
        if isinstance(node, list):
            return [pattern(item) for item in node]
        return placeholders.get(node, node) if isinstance(node, str) else node

    events, sqs = boto3.client("events"), boto3.client("sqs")
    arns = {
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]: url
        for url in sqs.list_queues().get("QueueUrls", [])
    }
    for bus in (resources.EVENT_BUS.name, "default"):
        for rule in events.list_rules(EventBusName=bus)["Rules"]:
            targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
            for target in targets:
                url = arns[target["Arn"]]
                what = (
                    f"state machine {bridges[url]}"
                    if url in bridges
                    else f"queue {_queue_name(url)}"
                )
                found.add(
                    ("rule", f"{bus}: {_key(pattern(json.loads(rule['EventPattern'])))} → {what}")
                )
    for url in arns.values():
        if url in bridges:
            continue  # the local stand-in for the rule's Step Functions target
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if "RedrivePolicy" in attributes:
            redrive = json.loads(attributes["RedrivePolicy"])
            dlq = _queue_name(arns[redrive["deadLetterTargetArn"]])
            found.add(
                (
                    "queue",
                    f"{_queue_name(url)} (dlq {dlq}, "
                    f"max receives {int(redrive['maxReceiveCount'])}, "
                    f"visibility {int(attributes['VisibilityTimeout'])}s)",
                )
            )
    for poller in build_pollers(out, lambda _line: None):
        if isinstance(poller, StateMachineTarget):
            continue  # counted as the rule's target
        if isinstance(poller, ScheduledPoller):
            # The timer fires the same declaration (its local period is a local setting).
            decl = poller.decl
            found.add(
                (
                    "schedule",
                    f"{decl.name} rate({decl.rate_minutes} minutes) → function {decl.function}",
                )
            )
            continue
        if isinstance(poller, StreamPoller):
            origin = f"table stream {_key([poller.decl.filter_pattern])}"
            found.add(
                ("mapping", f"{origin} batch {poller.batch_size} → function {poller.decl.function}")
            )
        elif isinstance(poller, SqsPoller) and poller.target.startswith("container worker"):
            module = poller.target.removeprefix("container worker ")
            found.add(("container worker", f"{module} ← queue {_queue_name(poller.queue_url)}"))
        elif isinstance(poller, SqsPoller):
            found.add(
                (
                    "mapping",
                    f"queue {_queue_name(poller.queue_url)} batch {poller.batch_size} → "
                    f"{poller.target}",
                )
            )
    found |= {("state machine", name) for name in out.state_machines}
    return found


@pytest.fixture(scope="module")
def local() -> Iterator[set[tuple[str, str]]]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield local_side(provision(None))


def _describe(items: set[tuple[str, str]]) -> str:
    return "\n".join(f"  {kind}: {what}" for kind, what in sorted(items)) or "  (nothing)"


def test_the_cdk_app_and_the_local_runner_build_the_same_platform(
    default: Build, local: set[tuple[str, str]]
) -> None:
    cdk = cdk_side(default)
    counts = {kind: sum(1 for k, _ in cdk if k == kind) for kind in KINDS}
    summary = ", ".join(f"{n} {kind}(s)" for kind, n in counts.items())
    print(f"\nCDK ↔ local parity compared {len(cdk)} declarations: {summary}")

    only_cdk, only_local = cdk - local, local - cdk
    assert not (only_cdk or only_local), (
        f"compared {summary}\nin the CDK app only:\n{_describe(only_cdk)}\n"
        f"in the local runner only:\n{_describe(only_local)}"
    )
    assert all(counts.values()), f"nothing compared for some kinds: {summary}"
