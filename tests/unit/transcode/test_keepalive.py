"""The keepalive heartbeat (``workers.transcode.keepalive``) and the run it marks abandoned: while
the work runs it heartbeats the task and keeps the message hidden; once the workflow says the task
is gone, the working thread stops at its next progress step, publishes nothing and answers
nothing, and the message is deleted (nobody is waiting for it any more)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from workers.transcode import container, worker
from workers.transcode.aws import TaskTokens, WorkQueue
from workers.transcode.keepalive import Abandoned, Keepalive
from workers.transcode.messages import Outcome, Task
from workers.transcode.probe import SourceInfo
from workers.transcode.settings import WorkerSettings
from workers.transcode.shutdown import Shutdown

TASK = Task(token="tok", media_id="med_1", attempt="a1", bucket="uploads", key="uploads/x.mp4")


def _gone(code: str = "TaskTimedOut") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "gone"}}, "SendTaskHeartbeat")


class FakeStepFunctions:
    def __init__(self, alive_beats: int | None = None) -> None:
        self.alive_beats = alive_beats  # heartbeats accepted before the task is gone
        self.gone_code = "TaskTimedOut"  # how the heartbeats after those are refused
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()

    def _record(self, name: str, kwargs: dict[str, Any]) -> int:
        with self.lock:
            self.calls.append((name, kwargs))
            return sum(1 for call, _ in self.calls if call == name)

    def send_task_heartbeat(self, **kwargs: Any) -> None:
        beats = self._record("heartbeat", kwargs)
        if self.alive_beats is not None and beats > self.alive_beats:
            raise _gone(self.gone_code)

    def send_task_success(self, **kwargs: Any) -> None:
        self._record("success", kwargs)

    def send_task_failure(self, **kwargs: Any) -> None:
        self._record("failure", kwargs)

    def names(self) -> list[str]:
        with self.lock:
            return [name for name, _ in self.calls]


class FakeSqs:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def change_message_visibility(self, **kwargs: Any) -> None:
        self.calls.append(("visibility", kwargs))

    def delete_message(self, **kwargs: Any) -> None:
        self.calls.append(("delete", kwargs))


def _keepalive(sfn: FakeStepFunctions, sqs: FakeSqs, interval: float = 60.0) -> Keepalive:
    return Keepalive(
        TaskTokens(sfn),
        WorkQueue(sqs, "https://sqs.local/queue"),
        TASK,
        "receipt-1",
        interval_seconds=interval,
        visibility_seconds=900,
    )


def test_a_beat_heartbeats_the_task_and_keeps_the_message_hidden() -> None:
    sfn, sqs = FakeStepFunctions(), FakeSqs()

    _keepalive(sfn, sqs).beat()

    assert sfn.calls == [("heartbeat", {"taskToken": "tok"})]
    assert sqs.calls == [
        (
            "visibility",
            {
                "QueueUrl": "https://sqs.local/queue",
                "ReceiptHandle": "receipt-1",
                "VisibilityTimeout": 900,
            },
        )
    ]


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_a_heartbeat_refused_because_the_task_is_gone_marks_the_run_abandoned(code: str) -> None:
    sfn, sqs = FakeStepFunctions(), FakeSqs()
    sfn.alive_beats, sfn.gone_code = 0, code
    alive = _keepalive(sfn, sqs)

    with pytest.raises(Abandoned, match=code):
        alive.beat()

    assert alive.gone == code
    with pytest.raises(Abandoned):
        alive.check()  # what the working thread calls at each progress step
    assert sqs.calls == []  # a message nobody waits for is not kept hidden


def test_any_other_heartbeat_error_is_not_an_abandoned_run() -> None:
    sfn, sqs = FakeStepFunctions(), FakeSqs()
    sfn.alive_beats, sfn.gone_code = 0, "ThrottlingException"
    alive = _keepalive(sfn, sqs)

    with pytest.raises(ClientError):
        alive.beat()

    alive.check()  # still ours
    assert alive.gone is None


def test_the_thread_beats_until_the_task_is_gone_then_stops_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crashes: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", crashes.append)
    sfn, sqs = FakeStepFunctions(alive_beats=2), FakeSqs()
    alive = _keepalive(sfn, sqs, interval=0.01)

    alive.start()
    alive.join(timeout=5)
    beats_when_stopped = sfn.names().count("heartbeat")
    time.sleep(0.05)

    assert not alive.is_alive()  # it stopped by itself once the task was gone
    assert not crashes, [str(crash.exc_value) for crash in crashes]
    assert beats_when_stopped == sfn.names().count("heartbeat") == 3
    assert len(sqs.calls) == 2  # hidden after each accepted beat only
    assert alive.gone == "TaskTimedOut"
    with pytest.raises(Abandoned):
        alive.check()


def test_the_thread_survives_a_transient_heartbeat_error() -> None:
    sfn, sqs = FakeStepFunctions(), FakeSqs()
    failures = [_gone("ThrottlingException")]
    real = sfn.send_task_heartbeat

    def flaky(**kwargs: Any) -> None:
        if failures:
            raise failures.pop()
        real(**kwargs)

    sfn.send_task_heartbeat = flaky  # type: ignore[method-assign]
    alive = _keepalive(sfn, sqs, interval=0.01)

    alive.start()
    deadline = time.monotonic() + 5
    while sfn.names().count("heartbeat") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    alive.stop()
    alive.join(timeout=5)

    assert sfn.names().count("heartbeat") >= 2 and alive.gone is None


class FakeDynamo:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def get_item(self, **_: Any) -> dict[str, Any]:
        return {"Item": {"status": {"S": "processing"}, "attempt": {"S": "a1"}}}

    def update_item(self, **kwargs: Any) -> None:
        self.updates.append(kwargs)


class FakeS3:
    def __init__(self) -> None:
        self.uploads: list[str] = []
        self.deleted: list[str] = []

    def download_file(self, bucket: str, key: str, path: str) -> None:
        Path(path).write_bytes(b"video")

    def upload_file(self, path: str, bucket: str, key: str, **_: Any) -> None:
        self.uploads.append(key)

    def delete_objects(self, **kwargs: Any) -> None:
        self.deleted += [item["Key"] for item in kwargs["Delete"]["Objects"]]


class FakeSession:
    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients

    def client(self, name: str) -> Any:
        return self.clients[name]


def test_a_run_the_heartbeat_finds_abandoned_stops_publishes_nothing_and_is_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a workflow that times the task out after the first heartbeat of the keepalive thread
    sfn, sqs, s3, dynamo = FakeStepFunctions(alive_beats=1), FakeSqs(), FakeS3(), FakeDynamo()
    settings = WorkerSettings(
        table_name="t",
        media_bucket="media",
        queue_url="https://sqs.local/queue",
        keepalive_seconds=0.01,
    )
    run = worker.Worker(
        settings,
        session=FakeSession({"dynamodb": dynamo, "stepfunctions": sfn, "s3": s3, "sqs": sqs}),
        shutdown=Shutdown(),
    )
    steps: list[int] = []

    def encode(
        source: Path, out: Path, on_progress: Any, timeout_seconds: float, on_segment: Any
    ) -> Any:
        for percent in range(0, 100, 5):  # a long encode, reporting progress
            steps.append(percent)
            on_progress(percent)
            time.sleep(0.02)
        pytest.fail("the encode was not stopped")

    monkeypatch.setattr(worker, "transcode", lambda *a, source=None, **k: encode(*a, **k))
    short = SourceInfo(60.0, 1280, 720, 0, 30.0, True, "h264", "mov,mp4")
    monkeypatch.setattr(worker, "probe", lambda path: short)
    message = {"ReceiptHandle": "receipt-1", "Body": json.dumps(_body()), "MessageId": "m1"}

    # When the container processes its message
    outcomes: list[Outcome] = []
    handle = run.handle

    def recorded(task: Task, receipt_handle: str | None = None) -> Outcome:
        outcomes.append(handle(task, receipt_handle))
        return outcomes[-1]

    run.handle = recorded  # type: ignore[method-assign]
    container.process(run, message)

    # Then the encode stopped early, nothing was uploaded or answered, and the message is gone
    assert outcomes == [Outcome.DONE]
    assert 0 < len(steps) < 20
    assert s3.uploads == []
    assert "success" not in sfn.names() and "failure" not in sfn.names()
    assert ("delete", {"QueueUrl": "https://sqs.local/queue", "ReceiptHandle": "receipt-1"}) in (
        sqs.calls
    )


def _body() -> dict[str, Any]:
    return {
        "task_token": TASK.token,
        "media_id": TASK.media_id,
        "attempt": TASK.attempt,
        "source": {"bucket": TASK.bucket, "key": TASK.key},
    }
