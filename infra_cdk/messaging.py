"""The event bus and, per ``ConsumerDecl``, its queue, dead-letter queue, rule and alarm.

Queues exist before the functions (their URLs are environment), and consumers are attached to
them once the functions exist (``attach_consumers``). A consumer without ``sources`` is a plain
work queue (fed by a state machine); one without ``function`` is drained by a container worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.registry import ConsumerDecl, StreamConsumerDecl
from infra_cdk.monitoring import Monitoring
from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names

DEAD_LETTER_RETENTION = Duration.days(14)
STREAM_RETRY_ATTEMPTS = 20

EVENT_PATTERN_FIELDS = {
    "source": "source",
    "detail-type": "detail_type",
    "detail": "detail",
    "account": "account",
    "region": "region",
    "resources": "resources",
    "id": "id",
    "time": "time",
    "version": "version",
}


def event_pattern(pattern: Mapping[str, Any]) -> events.EventPattern:
    """An EventBridge pattern from its JSON form; empty lists (match nothing) are left out."""
    unknown = set(pattern) - set(EVENT_PATTERN_FIELDS)
    if unknown:
        raise ValueError(f"unsupported event pattern fields: {sorted(unknown)}")
    return events.EventPattern(
        **{EVENT_PATTERN_FIELDS[key]: value for key, value in pattern.items() if value != []}
    )


def dead_letter_queue(scope: Construct, construct_id: str, *, queue_name: str) -> sqs.Queue:
    dlq = sqs.Queue(
        scope,
        construct_id,
        queue_name=queue_name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=DEAD_LETTER_RETENTION,
    )
    acknowledge(
        dlq,
        "AwsSolutions-SQS3",
        "This queue is itself a dead-letter queue: a message in it raises an alarm and waits "
        "for an operator to inspect and redrive it.",
    )
    return dlq


class ConsumerQueue(Construct):
    """A consumer's queue with its DLQ, its alarm and (for event consumers) its bus rule."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        decl: ConsumerDecl,
        names: Names,
        bus: events.IEventBus,
        default_bus: events.IEventBus,
        monitoring: Monitoring,
    ) -> None:
        super().__init__(scope, construct_id)
        self.decl = decl
        self.dead_letters = dead_letter_queue(
            self, "DeadLetters", queue_name=names.dead_letter_queue(decl.name)
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            queue_name=names.queue(decl.name),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(decl.visibility_timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letters, max_receive_count=decl.max_receive_count
            ),
        )
        monitoring.dead_letters(self, self.dead_letters, f"consumer {decl.name}")
        if decl.sources:
            events.Rule(
                self,
                "Rule",
                event_bus=default_bus if decl.on_default_bus else bus,
                description=f"Events for consumer {decl.name}",
                event_pattern=event_pattern(decl.pattern),
                targets=[targets.SqsQueue(self.queue)],
            )

    def attach(self, function: lambda_.IFunction) -> None:
        function.add_event_source(
            sources.SqsEventSource(
                self.queue, batch_size=self.decl.batch_size, report_batch_item_failures=True
            )
        )


class Messaging(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: Names,
        consumers: tuple[ConsumerDecl, ...],
        monitoring: Monitoring,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "EventBus", event_bus_name=names.bus)
        # Where AWS services (SES's configuration set) put their events.
        self.default_bus = events.EventBus.from_event_bus_name(self, "DefaultBus", "default")
        self.consumers = {
            decl.name: ConsumerQueue(
                self,
                f"Consumer-{decl.name}",
                decl=decl,
                names=names,
                bus=self.bus,
                default_bus=self.default_bus,
                monitoring=monitoring,
            )
            for decl in consumers
        }

    @property
    def queues(self) -> dict[str, sqs.IQueue]:
        return {name: consumer.queue for name, consumer in self.consumers.items()}

    @property
    def queue_envs(self) -> dict[str, str]:
        """``ConsumerDecl.env`` → consumer name, for consumers whose URL other code needs."""
        return {c.decl.env: name for name, c in self.consumers.items() if c.decl.env}

    def attach_consumers(self, functions: Mapping[str, lambda_.IFunction]) -> None:
        for consumer in self.consumers.values():
            if consumer.decl.function is not None:
                consumer.attach(functions[consumer.decl.function])


class TableStreamConsumer(Construct):
    """A function fed with the table stream's INSERTs of one entity; failures go to a DLQ.

    Batches are bisected on error and only the failed records are retried (batch item
    failures); a record that still fails is described in the DLQ (the stream keeps its data
    for 24 hours), which raises the alarm.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        decl: StreamConsumerDecl,
        table: dynamodb.ITable,
        function: lambda_.IFunction,
        names: Names,
        monitoring: Monitoring,
    ) -> None:
        super().__init__(scope, construct_id)
        self.failures = dead_letter_queue(
            self, "Failures", queue_name=names.dead_letter_queue(decl.name)
        )
        monitoring.dead_letters(self, self.failures, f"stream consumer {decl.name}")
        function.add_event_source(
            sources.DynamoEventSource(
                table,
                # From the oldest record: nothing written before the mapping existed is skipped.
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=decl.batch_size,
                bisect_batch_on_error=True,
                retry_attempts=STREAM_RETRY_ATTEMPTS,
                report_batch_item_failures=True,
                on_failure=sources.SqsDlq(self.failures),
                filters=[lambda_.FilterCriteria.filter(decl.filter_pattern)],
            )
        )
