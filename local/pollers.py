"""Lambda event-source mappings, and the EventBridge → Step Functions target, for moto.

Each poller is a daemon thread that feeds a handler the same event shape Lambda would and honours
the handler's ``batchItemFailures`` the way the mapping does: successful SQS messages are deleted,
failed ones stay on the queue (and reach the DLQ after ``maxReceiveCount``); failed stream records
are retried, in order, until they succeed.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3

from functions.registry import ScheduleDecl, StreamConsumerDecl
from local.apigw import LambdaContext

Handler = Callable[[dict[str, Any], Any], Any]
# An idle poller backs off from 50 ms to 1 s: quick hand-offs while work flows, little CPU when
# nothing happens (idle polling of moto was most of the local runner's overhead).
MIN_IDLE_PAUSE, MAX_IDLE_PAUSE = 0.05, 1.0
#: Long polling for the queues a workflow waits on (the work queue, the EventBridge bridge):
#: moto's ReceiveMessage then waits on the queue's condition variable and returns as soon as a
#: message is sent, so a hand-off takes milliseconds instead of up to ``MAX_IDLE_PAUSE``. One
#: second keeps ``stop()`` prompt; moto re-checks the queue once a second while it waits.
HAND_OFF_WAIT_SECONDS = 1
Log = Callable[[str], None]


class Poller(threading.Thread):
    def __init__(self, name: str, log: Log) -> None:
        super().__init__(name=f"poller-{name}", daemon=True)
        self.poller_name = name
        self.log = log
        self.stopping = threading.Event()
        self.idle = threading.Event()
        #: Whether ``poll_once`` itself waits for work (long polling): no pause in between.
        self.waits_for_work = False

    def run(self) -> None:
        pause = MIN_IDLE_PAUSE
        while not self.stopping.is_set():
            try:
                worked = self.poll_once()
            except Exception as exc:  # keep polling: a mapping survives a failing handler
                self.log(f"[{self.poller_name}] error: {exc!r}")
                worked = False
            if worked:
                self.idle.clear()
                pause = MIN_IDLE_PAUSE
            else:
                self.idle.set()
                if not self.waits_for_work:
                    self.stopping.wait(pause)
                    pause = min(pause * 2, MAX_IDLE_PAUSE)

    def poll_once(self) -> bool:
        raise NotImplementedError

    def stop(self) -> None:
        self.stopping.set()


class SqsPoller(Poller):
    """An SQS event-source mapping with ``ReportBatchItemFailures``.

    ``wait_seconds`` > 0: long polling (``WaitTimeSeconds``), as Lambda's mappings and the
    container workers poll in AWS; 0 (the default): one look per ``poll_once``, so a test can
    drain queues synchronously.
    """

    def __init__(
        self,
        name: str,
        queue_url: str,
        handler: Handler,
        log: Log,
        batch_size: int = 10,
        function_name: str | None = None,
        target: str | None = None,
        wait_seconds: int = 0,
    ) -> None:
        super().__init__(name, log)
        self.queue_url = queue_url
        self.wait_seconds = wait_seconds
        self.waits_for_work = wait_seconds > 0
        # What it feeds, as the CDK app wires it ("function <name>", "container worker <module>").
        self.target = target or f"function {name}"
        self.handler = handler
        self.batch_size = min(batch_size, 10)
        self.function_name = function_name or name
        self.sqs = boto3.client("sqs")
        self.arn = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def poll_once(self) -> bool:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return False
        event = {"Records": [self._record(message) for message in messages]}
        failed: set[str] = {message["MessageId"] for message in messages}
        try:
            result = self.handler(event, LambdaContext(function_name=self.function_name))
            failed = {
                item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])
            }
        except Exception as exc:
            self.log(f"[{self.poller_name}] handler raised {exc!r}; the batch will be retried")
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        return True

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": self.sqs.meta.region_name,
        }


class StreamPoller(Poller):
    """A DynamoDB Streams event-source mapping filtered on the new image's ``entity``."""

    def __init__(
        self, decl: StreamConsumerDecl, stream_arn: str, handler: Handler, log: Log
    ) -> None:
        super().__init__(decl.name, log)
        self.decl = decl
        self.stream_arn = stream_arn
        self.entity = decl.entity
        self.handler = handler
        self.batch_size = decl.batch_size
        self.streams = boto3.client("dynamodbstreams")
        self.iterators: dict[str, str] = {}
        self.pending: list[dict[str, Any]] = []

    def _refresh_shards(self) -> None:
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"][
            "Shards"
        ]
        for shard in shards:
            if shard["ShardId"] not in self.iterators:
                self.iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn,
                    ShardId=shard["ShardId"],
                    ShardIteratorType="TRIM_HORIZON",
                )["ShardIterator"]

    def poll_once(self) -> bool:
        if not self.pending:
            self._refresh_shards()
            for shard, iterator in list(self.iterators.items()):
                response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                self.iterators[shard] = response["NextShardIterator"]
                self.pending.extend(r for r in response["Records"] if self._wanted(r))
        if not self.pending:
            return False
        batch = self.pending[: self.batch_size]
        failed_from = self._deliver(batch)
        if failed_from is None:
            del self.pending[: len(batch)]
        else:
            del self.pending[:failed_from]
            self.stopping.wait(0.5)
        return True

    def _wanted(self, record: dict[str, Any]) -> bool:
        """The mapping's filter, as the CDK app sets it (``StreamConsumerDecl.filter_pattern``)."""
        return self.decl.matches(record)

    def _deliver(self, batch: list[dict[str, Any]]) -> int | None:
        """Index of the first failed record (Lambda retries from there), or None."""
        event = {"Records": [{**record, "eventSourceARN": self.stream_arn} for record in batch]}
        try:
            result = self.handler(event, LambdaContext(function_name=self.poller_name))
        except Exception as exc:
            self.log(f"[{self.poller_name}] handler raised {exc!r}; retrying the batch")
            return 0
        failures = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        for index, record in enumerate(batch):
            if record["dynamodb"].get("SequenceNumber") in failures:
                return index
        return None


class StateMachineTarget(SqsPoller):
    """EventBridge → StartExecution: the target moto cannot run, fed through a bridge queue.

    The execution is named after the EventBridge event (its id and a digest of its content), so
    a redelivered event starts nothing new (StartExecution with a known name is idempotent on
    Standard workflows). The digest is needed because moto gives every S3 event the same id.
    """

    def __init__(
        self, name: str, queue_url: str, state_machine_arn: str, log: Log, wait_seconds: int = 0
    ) -> None:
        self.sfn = boto3.client("stepfunctions")
        self.state_machine_arn = state_machine_arn
        super().__init__(
            name, queue_url, self._start, log, batch_size=10, wait_seconds=wait_seconds
        )

    def _start(self, event: dict[str, Any], _context: Any) -> dict[str, Any]:
        failures = []
        for record in event["Records"]:
            body = json.loads(record["body"])
            digest = hashlib.sha256(record["body"].encode()).hexdigest()[:16]
            name = f"{str(body.get('id') or uuid.uuid4())[:63]}-{digest}"
            try:
                self.sfn.start_execution(
                    stateMachineArn=self.state_machine_arn, name=name, input=record["body"]
                )
            except self.sfn.exceptions.ExecutionAlreadyExists:
                continue
            except Exception as exc:
                self.log(f"[{self.poller_name}] StartExecution failed: {exc!r}")
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}


class ScheduledPoller(Poller):
    """An EventBridge Scheduler schedule (moto stores schedules but never fires them): calls the
    handler every ``period_seconds`` with the event Scheduler sends a Lambda target."""

    def __init__(self, decl: ScheduleDecl, handler: Handler, log: Log, period_seconds: float):
        super().__init__(f"schedule-{decl.name}", log)
        self.decl = decl
        self.handler = handler
        self.period_seconds = period_seconds
        self.runs = 0

    def run(self) -> None:
        self.idle.set()  # between runs there is nothing in flight
        while not self.stopping.wait(self.period_seconds):
            try:
                self.poll_once()
            except Exception as exc:  # a failing run is logged; the next one runs on time
                self.log(f"[{self.poller_name}] error: {exc!r}")

    def poll_once(self) -> bool:
        self.idle.clear()
        try:
            self.handler(
                {"source": "aws.scheduler", "schedule": self.decl.name, "id": str(uuid.uuid4())},
                LambdaContext(function_name=f"coursewave-{self.decl.function}"),
            )
            self.runs += 1
        finally:
            self.idle.set()
        return True


def wait_until_idle(pollers: list[Poller], timeout: float = 10.0) -> bool:
    """True once every poller found nothing to do (used by tests and the seed)."""
    deadline = time.monotonic() + timeout
    for poller in pollers:
        poller.idle.clear()
    return all(poller.idle.wait(max(0.0, deadline - time.monotonic())) for poller in pollers)
