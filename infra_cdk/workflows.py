"""One Standard state machine per ``StateMachineDecl``: the ASL file with its ``${Placeholder}``s
replaced by the resources their environment names denote, logging ALL, X-Ray tracing, and an
optional EventBridge trigger.

``DefinitionBody`` grants nothing, so permissions are derived from the same substitutions: a
table placeholder grants item actions on the table, a bus placeholder PutEvents, a queue
placeholder SendMessage, a bucket placeholder object read/write, a function placeholder Invoke.
A state machine started by S3 "Object Created" events may also read the objects of the buckets
that emit them (those with EventBridge notifications).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from coursewave import resources
from functions.registry import StateMachineDecl
from infra_cdk.access import (
    BUCKET_ACTIONS,
    BUCKET_OBJECT_ACTIONS,
    TABLE_ITEM_ACTIONS,
    TASK_TOKEN_ACTIONS,
    Access,
    Platform,
    table_arns,
)
from infra_cdk.messaging import dead_letter_queue, event_pattern
from infra_cdk.monitoring import Monitoring
from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names
from infra_cdk.settings import REPO_ROOT

DEFAULT_BUS = "default"
S3_SOURCE = "aws.s3"


@dataclass(frozen=True)
class Target:
    """What a substitution name resolves to, and what the state machine may do with it."""

    value: str
    access: Access


def _target(value: str, actions: Sequence[str], resources_: list[str]) -> Target:
    access = Access()
    access.add(actions, resources_)
    return Target(value, access)


def _bucket_target(bucket: s3.IBucket) -> Target:
    access = Access()
    access.add(BUCKET_ACTIONS, [bucket.bucket_arn])
    access.add_objects(bucket, BUCKET_OBJECT_ACTIONS)
    return Target(bucket.bucket_name, access)


def substitution_targets(
    platform: Platform, functions: Mapping[str, lambda_.IFunction]
) -> dict[str, Target]:
    """Every name a ``StateMachineDecl.substitutions`` value may use."""
    found: dict[str, Target] = {
        resources.TABLE.env: _target(
            platform.table.table_name,
            [*TABLE_ITEM_ACTIONS, "dynamodb:Query"],
            table_arns(platform),
        ),
        resources.EVENT_BUS.env: _target(
            platform.bus.event_bus_name, ["events:PutEvents"], [platform.bus.event_bus_arn]
        ),
    }
    for env, bucket in platform.buckets.items():
        found[env] = _bucket_target(bucket)
    for name, queue in platform.queues.items():
        found[name] = _target(queue.queue_url, ["sqs:SendMessage"], [queue.queue_arn])
    for env, name in platform.queue_envs.items():
        found[env] = found[name]
    for name, function in functions.items():
        found[name] = _target(
            function.function_arn, ["lambda:InvokeFunction"], [function.function_arn]
        )
    return found


def _resolve(
    decl: StateMachineDecl, targets_by_name: Mapping[str, Target], placeholder: str, name: str
) -> Target:
    if name not in targets_by_name:
        raise KeyError(
            f"state machine {decl.name}: substitution {placeholder} refers to unknown "
            f"resource {name!r} (known: {', '.join(sorted(targets_by_name))})"
        )
    return targets_by_name[name]


class Workflow(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        decl: StateMachineDecl,
        names: Names,
        platform: Platform,
        targets_by_name: Mapping[str, Target],
        monitoring: Monitoring,
        event_buckets: Mapping[str, s3.IBucket],
    ) -> None:
        super().__init__(scope, construct_id)
        definition = REPO_ROOT / decl.definition
        asl = definition.read_text()
        substitutions: dict[str, str] = {}
        access = Access()
        for placeholder, name in sorted(decl.substitutions.items()):
            target = _resolve(decl, targets_by_name, placeholder, name)
            substitutions[placeholder] = target.value
            # A placeholder only the trigger uses (to filter events) needs no permission.
            if "${" + placeholder + "}" in asl:
                access.merge(target.access)
        if decl.trigger and S3_SOURCE in decl.trigger.get("source", ()):
            for bucket in event_buckets.values():
                access.add_objects(bucket, ["s3:GetObject"])
        log_group = logs.LogGroup(self, "Logs", retention=logs.RetentionDays.ONE_MONTH)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=names.state_machine(decl.name),
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(definition)),
            definition_substitutions=substitutions,
            logs=sfn.LogOptions(
                destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
            tracing_enabled=True,
        )
        access.grant(self.state_machine)
        # Callbacks for .waitForTaskToken tasks; these actions take no resource ARN.
        self.state_machine.add_to_role_policy(
            iam.PolicyStatement(actions=list(TASK_TOKEN_ACTIONS), resources=["*"])
        )
        acknowledge(
            self.state_machine.role,
            "AwsSolutions-IAM5[Resource::*]",
            "Only actions without resource-level permissions use '*': X-Ray trace writes, "
            "CloudWatch Logs delivery management (execution logging) and "
            "states:SendTask* callbacks for .waitForTaskToken tasks.",
        )
        monitoring.alarm(
            cloudwatch.Alarm(
                self,
                "FailedExecutionsAlarm",
                alarm_description=f"Executions of state machine {decl.name} failed",
                metric=self.state_machine.metric_failed(period=Duration.minutes(5)),
                threshold=0,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
        )
        if decl.trigger:
            pattern = decl.trigger_pattern(
                lambda name: targets_by_name[name].value  # names checked above
            )
            self._trigger(decl, pattern or {}, names, platform, monitoring)

    def _trigger(
        self,
        decl: StateMachineDecl,
        pattern: Mapping[str, Any],
        names: Names,
        platform: Platform,
        monitoring: Monitoring,
    ) -> None:
        if decl.trigger_bus == DEFAULT_BUS:
            bus = events.EventBus.from_event_bus_name(self, "TriggerBus", DEFAULT_BUS)
        elif decl.trigger_bus == resources.EVENT_BUS.name:
            bus = platform.bus
        else:
            raise KeyError(f"state machine {decl.name}: unknown trigger bus {decl.trigger_bus!r}")
        undelivered = dead_letter_queue(
            self, "TriggerDeadLetters", queue_name=names.dead_letter_queue(f"{decl.name}-trigger")
        )
        monitoring.dead_letters(self, undelivered, f"the trigger of state machine {decl.name}")
        events.Rule(
            self,
            "Trigger",
            event_bus=bus,
            description=f"Starts state machine {decl.name}",
            event_pattern=event_pattern(pattern),
            targets=[
                targets.SfnStateMachine(
                    self.state_machine, dead_letter_queue=undelivered, retry_attempts=8
                )
            ],
        )


def workflows(
    scope: Construct,
    decls: tuple[StateMachineDecl, ...],
    *,
    names: Names,
    platform: Platform,
    functions: Mapping[str, lambda_.IFunction],
    monitoring: Monitoring,
    event_buckets: Mapping[str, s3.IBucket],
) -> dict[str, Workflow]:
    targets_by_name = substitution_targets(platform, functions)
    return {
        decl.name: Workflow(
            scope,
            f"Workflow-{decl.name}",
            decl=decl,
            names=names,
            platform=platform,
            targets_by_name=targets_by_name,
            monitoring=monitoring,
            event_buckets=event_buckets,
        )
        for decl in decls
    }
