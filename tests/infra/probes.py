"""Declarations the platform may not have yet, added to one test build so that every code path
of the stack (event consumers, work queues, container workers, state machines, a protected
route, the GitHub OIDC adapter) is synthesized and checked today."""

from __future__ import annotations

import json
from pathlib import Path

from coursewave.api import SIGNED_IN, Access, RouteSpec
from functions import registry
from functions.registry import ConsumerDecl, ContainerWorkerDecl, FunctionDecl, StateMachineDecl
from infra_cdk.declarations import Declarations, Route

FUNCTION = "infra-probe"
EVENTS_CONSUMER = ConsumerDecl(
    name="infra-probe-events",
    function=FUNCTION,
    sources=("coursewave.probe",),
    detail_types=("ProbeHappened",),
    env="INFRA_PROBE_QUEUE_URL",
    batch_size=5,
    max_receive_count=3,
    visibility_timeout_seconds=90,
)
WORK_CONSUMER = ConsumerDecl(name="infra-probe-work", function=None, env="INFRA_PROBE_WORK_URL")
WORKER = ContainerWorkerDecl(
    name="infra-probe-worker",
    queue=WORK_CONSUMER.name,
    module="functions.health.handler",
    uses=frozenset({registry.UPLOADS, registry.MEDIA}),
    cpu=1024,
    memory_mb=2048,
)
ALL_USES = frozenset(
    {
        registry.TABLE,
        registry.BUS,
        registry.USER_POOL,
        registry.UPLOADS,
        registry.MEDIA,
        registry.CERTIFICATES,
        registry.EXPORTS,
        registry.MAIL,
        EVENTS_CONSUMER.env,
    }
)
PROBE_FUNCTION = FunctionDecl(
    name=FUNCTION,
    module="functions.health.handler",
    uses=ALL_USES,
    memory_mb=1024,
    timeout_seconds=45,
    description="Uses everything (infra tests only)",
)
SUBSTITUTIONS = {
    "Table": "TABLE_NAME",
    "Bus": "EVENT_BUS_NAME",
    "Queue": WORK_CONSUMER.env or "",
    "Media": "MEDIA_BUCKET",
    "Fn": FUNCTION,
}
TRIGGER = {
    "source": ["aws.s3"],
    "detail-type": ["Object Created"],
    "detail": {"object": {"key": [{"prefix": "uploads/"}]}},
}
PROTECTED_PATH = "/v1/infra-probe/{probe_id}"
ASL = {
    "StartAt": "Record",
    "States": {
        "Record": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "${Table}", "Item": {"PK": {"S": "P"}, "SK": {"S": "P"}}},
            "Next": "Work",
        },
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "${Queue}",
                "MessageBody": {"task_token.$": "$$.Task.Token", "bucket": "${Media}"},
            },
            "Next": "Announce",
        },
        "Announce": {
            "Type": "Task",
            "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {
                "Entries": [
                    {"EventBusName": "${Bus}", "Source": "p", "DetailType": "${Fn}", "Detail": {}}
                ]
            },
            "End": True,
        },
    },
}


def _route(method: str, path: str, access: Access, function: str) -> Route:
    spec = RouteSpec(
        domain="infra-probe",
        method=method,
        path=path,
        handler="probe",
        access=access,
        summary="infra test probe",
        status=200,
        body=None,
        query=None,
        response=None,
        errors=(),
    )
    return Route(spec=spec, function=function)


def with_probes(declarations: Declarations, workdir: Path) -> Declarations:
    definition = workdir / "probe.asl.json"
    definition.write_text(json.dumps(ASL))
    routes = (_route("GET", PROTECTED_PATH, SIGNED_IN, FUNCTION),)
    return declarations.with_additions(
        functions=(PROBE_FUNCTION,),
        consumers=(EVENTS_CONSUMER, WORK_CONSUMER),
        container_workers=(WORKER,),
        state_machines=(
            StateMachineDecl(
                name="infra-probe",
                definition=str(definition),
                substitutions=SUBSTITUTIONS,
                trigger=TRIGGER,
            ),
        ),
        routes=routes,
    )
