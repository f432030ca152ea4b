"""The container's loop (``workers.transcode.container``) against a work queue (moto SQS): ``main``
long-polls until SIGTERM, each message is handled then deleted when done, left hidden for a
retry, dropped when it is not a task, and made visible again at once when a stop interrupts it."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from workers.transcode import container
from workers.transcode.aws import WorkQueue
from workers.transcode.messages import Outcome, Task
from workers.transcode.settings import ConfigurationError, WorkerSettings
from workers.transcode.shutdown import Shutdown
from workers.transcode.worker import Worker


def _task_body(media_id: str) -> str:
    return json.dumps(
        {
            "task_token": f"token-{media_id}",
            "media_id": media_id,
            "attempt": "a1",
            "source": {"bucket": "uploads", "key": f"uploads/{media_id}.mp4"},
        }
    )


@pytest.fixture
def queue_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        url = boto3.client("sqs").create_queue(QueueName="coursewave-transcode")["QueueUrl"]
        monkeypatch.setenv("TABLE_NAME", "coursewave-test")
        monkeypatch.setenv("MEDIA_BUCKET", "coursewave-test-media")
        monkeypatch.setenv("TRANSCODE_QUEUE_URL", url)
        yield url


@pytest.fixture
def shutdown(monkeypatch: pytest.MonkeyPatch) -> Iterator[Shutdown]:
    """A fresh shutdown switch for ``main`` (it installs real SIGTERM/SIGINT handlers)."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    switch = Shutdown()
    monkeypatch.setattr(container, "SHUTDOWN", switch)
    yield switch
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def _counts(queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages."""
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_main_needs_the_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "coursewave-test")
    monkeypatch.setenv("MEDIA_BUCKET", "coursewave-test-media")
    monkeypatch.delenv("TRANSCODE_QUEUE_URL", raising=False)

    with pytest.raises(ConfigurationError, match="TRANSCODE_QUEUE_URL"):
        container.main()


def test_main_handles_each_message_until_sigterm(
    queue_url: str, shutdown: Shutdown, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given four messages: one that succeeds, one that is not a task, one to retry, and one
    # whose encode is running when the container is told to stop
    sqs = boto3.client("sqs")
    for body in (_task_body("med_done"), "not a task", _task_body("med_retry")):
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    sqs.send_message(QueueUrl=queue_url, MessageBody=_task_body("med_stop"))
    handled: list[tuple[str, str | None]] = []

    def handle(self: Worker, task: Task, receipt_handle: str | None = None) -> Outcome:
        handled.append((task.media_id, receipt_handle))
        if task.media_id == "med_stop":
            with self.shutdown.interruptible():
                os.kill(os.getpid(), signal.SIGTERM)  # what ECS sends when it stops the task
                time.sleep(10)  # the encode; the signal interrupts it
            pytest.fail("SIGTERM did not interrupt the running encode")
        return Outcome.RETRY if task.media_id == "med_retry" else Outcome.DONE

    monkeypatch.setattr(Worker, "handle", handle)

    # When the container runs
    started = time.monotonic()
    assert container.main() == 0

    # Then it stopped at once, each task was handled once with its receipt, the done and the
    # not-a-task messages are gone, the retry stays hidden, the interrupted one is visible again
    assert time.monotonic() - started < 5
    assert [media_id for media_id, _ in handled] == ["med_done", "med_retry", "med_stop"]
    assert all(receipt for _, receipt in handled)
    assert shutdown.requested
    assert _counts(queue_url) == (1, 1)
    again = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [json.loads(m["Body"])["media_id"] for m in again] == ["med_stop"]


def test_main_keeps_polling_when_the_queue_is_unavailable(
    queue_url: str, shutdown: Shutdown, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=queue_url, MessageBody=_task_body("med_later"))
    failures = [ClientError({"Error": {"Code": "ServiceUnavailable"}}, "ReceiveMessage")]
    real_receive = WorkQueue.receive

    def receive(self: WorkQueue, visibility_seconds: int) -> list[dict[str, Any]]:
        if failures:
            raise failures.pop()
        return real_receive(self, visibility_seconds)

    def handle(self: Worker, task: Task, receipt_handle: str | None = None) -> Outcome:
        shutdown.requested = True  # stop after this one
        return Outcome.DONE

    naps: list[float] = []
    monkeypatch.setattr(WorkQueue, "receive", receive)
    monkeypatch.setattr(Worker, "handle", handle)
    monkeypatch.setattr(container.time, "sleep", naps.append)

    assert container.main() == 0

    assert naps == [container.POLL_BACKOFF_SECONDS]
    assert _counts(queue_url) == (0, 0)


def test_process_answers_the_queue_for_each_outcome(queue_url: str) -> None:
    worker = Worker(WorkerSettings.from_env())
    sqs = boto3.client("sqs")

    def receive(body: str) -> dict[str, Any]:
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
        return worker.queue.receive(900)[0]

    outcomes = {"med_done": Outcome.DONE, "med_retry": Outcome.RETRY}
    worker.handle = lambda task, receipt=None: outcomes[task.media_id]  # type: ignore[method-assign]

    container.process(worker, receive(_task_body("med_done")))
    assert _counts(queue_url) == (0, 0)  # deleted

    container.process(worker, receive(_task_body("med_retry")))
    assert _counts(queue_url) == (0, 1)  # left hidden for another delivery
