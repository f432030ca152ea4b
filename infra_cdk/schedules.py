"""One EventBridge Scheduler schedule per ``ScheduleDecl``: a fixed rate → the function.

The local runner fires the same handler on a timer (local/pollers.py ``ScheduledPoller``);
tests/infra/test_parity.py compares both sides. No retries: the next run is minutes away and
does the same work, and a failing run shows in the function's errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from constructs import Construct

from functions.registry import ScheduleDecl
from infra_cdk.nag import acknowledge, token_name
from infra_cdk.naming import Names


class Schedules(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        schedules: Iterable[ScheduleDecl],
        functions: Mapping[str, lambda_.Function],
        names: Names,
    ) -> None:
        super().__init__(scope, construct_id)
        self.schedules: dict[str, scheduler.Schedule] = {}
        for decl in schedules:
            function = functions[decl.function]
            scope = Construct(self, decl.name)
            # Its own role (not the stack-wide one the target would create): invoke one function.
            role = iam.Role(
                scope,
                "Role",
                assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"),
                description=f"Coursewave schedule {decl.name}: invokes {decl.function}",
            )
            arn = token_name(function.node.default_child, "Arn")  # type: ignore[arg-type]
            acknowledge(
                role,
                f"AwsSolutions-IAM5[Resource::{arn}:*]",
                "lambda:InvokeFunction on this one function and its versions/aliases (the "
                "':*' CDK's grant adds); no other function.",
            )
            self.schedules[decl.name] = scheduler.Schedule(
                scope,
                "Schedule",
                schedule_name=names.resource(decl.name),
                description=f"Runs {decl.function} every {decl.rate_minutes} minute(s)",
                schedule=scheduler.ScheduleExpression.rate(Duration.minutes(decl.rate_minutes)),
                target=targets.LambdaInvoke(
                    function,
                    role=role,
                    retry_attempts=0,
                    max_event_age=Duration.minutes(decl.rate_minutes),
                ),
            )
