"""The transcode worker: one task of the transcode workflow, from upload to published HLS.

The workflow's ``Transcode`` state sends ``{task_token, media_id, attempt, source: {bucket, key}}``
to the work queue and waits for the token. For each task the worker

1. checks the media item is still ``processing`` for this ``attempt`` and the task token is
   alive (a redelivered or superseded message is acknowledged and dropped);
2. downloads the upload to a scratch directory and runs ``pipeline.transcode``, writing
   ``progress_percent`` to the media item as it goes and heartbeating the task meanwhile;
3. uploads the ladder to the media bucket under a fresh prefix ``media/<media_id>/<run id>/``,
   and only then answers ``SendTaskSuccess`` with what the workflow records.

A ``TranscodeError`` (not a video, corrupt, FFmpeg crash, timeout) records its instructor-facing
message on the item and answers ``SendTaskFailure(error="Transcode.<kind>")``. Anything uploaded by
a run that does not end in success is deleted, so nothing is ever half-published. Transient
failures (AWS errors, an FFmpeg stopped by a shutdown) leave the message on the queue to be
retried.

Runs as a container (``main()``: a SIGTERM-aware long-poll loop; docker/transcode/Dockerfile) or,
locally, as an SQS batch handler (``lambda_handler``) that the runner feeds from the same queue.
Only boto3 and the standard library are used: the image ships ``functions/transcode`` alone.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from functions.transcode.errors import TranscodeError
from functions.transcode.pipeline import TranscodeResult, transcode

log = logging.getLogger("coursewave.transcode")

PROCESSING = "processing"
#: Share of the progress bar for the encode; uploading the ladder takes the rest until the
#: workflow records the item as ready (100).
ENCODE_SHARE = 90
UPLOAD_THREADS = 8
POLL_BACKOFF_SECONDS = 5
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".jpg": "image/jpeg",
}
# Everything under a run's prefix is written once and never changes.
CACHE_CONTROL = "max-age=31536000, immutable"
# The task token no longer exists: the workflow moved on (timeout, another delivery answered).
TASK_GONE = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})


class ConfigurationError(RuntimeError):
    """The worker was started without a setting it needs."""


@dataclass(frozen=True)
class WorkerSettings:
    table_name: str
    media_bucket: str
    queue_url: str | None
    timeout_seconds: float = 9000.0  # the workflow's Transcode state allows 3 h in all
    keepalive_seconds: float = 60.0  # heartbeats; the workflow's HeartbeatSeconds is 900
    visibility_seconds: int = 900  # the message stays hidden this long past each keepalive

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> WorkerSettings:
        env = dict(os.environ if environ is None else environ)
        missing = [name for name in ("TABLE_NAME", "MEDIA_BUCKET") if not env.get(name)]
        if missing:
            raise ConfigurationError(f"missing setting {', '.join(missing)}")
        return cls(
            table_name=env["TABLE_NAME"],
            media_bucket=env["MEDIA_BUCKET"],
            queue_url=env.get("TRANSCODE_QUEUE_URL") or None,
            timeout_seconds=float(env.get("TRANSCODE_TIMEOUT_SECONDS") or cls.timeout_seconds),
        )


@dataclass(frozen=True)
class Task:
    token: str
    media_id: str
    attempt: str
    bucket: str
    key: str

    @classmethod
    def parse(cls, body: str) -> Task | None:
        """The task in a queue message, or None for a message that is not one."""
        try:
            data = json.loads(body)
            source = data["source"]
            return cls(
                token=str(data["task_token"]),
                media_id=str(data["media_id"]),
                attempt=str(data["attempt"]),
                bucket=str(source["bucket"]),
                key=str(source["key"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


class Outcome(Enum):
    DONE = "done"  # answered (or nothing to answer): delete the message
    RETRY = "retry"  # transient failure: leave the message for another delivery


class Abandoned(Exception):
    """The task is no longer ours (token gone, item superseded): stop, publish nothing."""


class Interrupted(Exception):
    """The container is stopping: stop, publish nothing, let another worker take the task."""


class Worker:
    def __init__(self, settings: WorkerSettings, session: Any = None) -> None:
        self.settings = settings
        session = session or boto3.session.Session()
        self.s3 = session.client("s3")
        self.ddb = session.client("dynamodb")
        self.sfn = session.client("stepfunctions")
        self.sqs = session.client("sqs")

    # -- one task ---------------------------------------------------------------------------

    def handle(self, task: Task, receipt_handle: str | None = None) -> Outcome:
        published: list[str] = []
        try:
            if not self._still_processing(task):
                log.info("task for %s (attempt %s) is stale; dropped", task.media_id, task.attempt)
                return Outcome.DONE
            with self._keepalive(task, receipt_handle) as alive:
                alive.beat()  # fails fast on a token that is already gone
                result, prefix = self._run(task, alive, published)
            self._answer_success(task, result, prefix)
            published.clear()  # recorded by the workflow from now on
            return Outcome.DONE
        except TranscodeError as error:
            if error.retryable:
                log.warning("transcode of %s interrupted, will retry: %s", task.media_id, error)
                return Outcome.RETRY
            log.info("transcode of %s failed: %s", task.media_id, error)
            return self._fail(task, f"Transcode.{type(error).__name__}", error.public_message)
        except Abandoned as reason:
            log.info("task for %s abandoned: %s", task.media_id, reason)
            return Outcome.DONE
        except (ClientError, BotoCoreError, OSError) as error:
            if _missing_source(error):
                return self._fail(
                    task,
                    "Transcode.SourceMissing",
                    "The uploaded file could not be found. Please upload it again.",
                )
            log.warning("transient error on %s, will retry: %r", task.media_id, error)
            return Outcome.RETRY
        finally:
            self._delete(published)

    def _run(
        self, task: Task, alive: _Keepalive, published: list[str]
    ) -> tuple[TranscodeResult, str]:
        prefix = f"media/{task.media_id}/{uuid.uuid4().hex}/"
        with tempfile.TemporaryDirectory(prefix="transcode-") as scratch:
            source = Path(scratch) / f"source{PurePosixPath(task.key).suffix.lower()}"
            with _SHUTDOWN.interruptible():
                self.s3.download_file(task.bucket, task.key, str(source))
                alive.check()
                result = transcode(
                    source,
                    Path(scratch) / "out",
                    on_progress=lambda percent: self._progress(task, alive, percent),
                    timeout_seconds=self.settings.timeout_seconds,
                )
            alive.check()
            self._upload(Path(scratch) / "out", prefix, result.files, published)
        return result, prefix

    def _still_processing(self, task: Task) -> bool:
        item = self.ddb.get_item(
            TableName=self.settings.table_name,
            Key=_key(task.media_id),
            ConsistentRead=True,
            ProjectionExpression="#status, attempt",
            ExpressionAttributeNames={"#status": "status"},
        ).get("Item")
        return (
            item is not None
            and item.get("status", {}).get("S") == PROCESSING
            and item.get("attempt", {}).get("S") == task.attempt
        )

    def _progress(self, task: Task, alive: _Keepalive, percent: int) -> None:
        """Called by the pipeline on the working thread (already throttled to 5-point steps).

        A progress write that fails is skipped (the next step writes again), except when the
        item is no longer processing this attempt: then the work is pointless and stops here.
        """
        alive.check()
        shown = percent * ENCODE_SHARE // 100
        try:
            self._update_item(task, "SET progress_percent = :p", {":p": {"N": str(shown)}})
        except ClientError as error:
            if _code(error) == "ConditionalCheckFailedException":
                raise Abandoned("the media item is no longer processing this attempt") from error
            log.warning("progress of %s not recorded: %r", task.media_id, error)
        except BotoCoreError as error:
            log.warning("progress of %s not recorded: %r", task.media_id, error)

    def _upload(
        self, root: Path, prefix: str, files: tuple[str, ...], published: list[str]
    ) -> None:
        def put(relative: str) -> None:
            key = prefix + relative
            published.append(key)
            self.s3.upload_file(
                str(root / relative),
                self.settings.media_bucket,
                key,
                ExtraArgs={"ContentType": _content_type(relative), "CacheControl": CACHE_CONTROL},
            )

        with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
            list(pool.map(put, files))

    def _answer_success(self, task: Task, result: TranscodeResult, prefix: str) -> None:
        output = {
            "output_prefix": prefix,
            "master_playlist_key": prefix + result.master_playlist,
            "thumbnail_key": prefix + result.thumbnail,
            "duration_seconds": round(result.duration_seconds, 3),
            "renditions": [
                {
                    "name": r.name,
                    "width": r.width,
                    "height": r.height,
                    "bandwidth": r.bandwidth,
                    "average_bandwidth": r.average_bandwidth,
                    "codecs": r.codecs,
                    "frame_rate": round(r.frame_rate, 3),
                }
                for r in result.renditions
            ],
        }
        try:
            self.sfn.send_task_success(taskToken=task.token, output=json.dumps(output))
        except ClientError as error:
            if _code(error) in TASK_GONE:
                raise Abandoned(f"the task ended unanswered ({_code(error)})") from error
            raise

    def _fail(self, task: Task, error: str, message: str) -> Outcome:
        try:
            self._answer_failure(task, error, message)
        except (ClientError, BotoCoreError) as failure:
            log.warning("failure of %s not reported, will retry: %r", task.media_id, failure)
            return Outcome.RETRY
        return Outcome.DONE

    def _answer_failure(self, task: Task, error: str, message: str) -> None:
        """Record the instructor-facing message (the workflow keeps it), then fail the task."""
        try:
            self._update_item(
                task,
                "SET #error = :message, error_code = :code",
                {":message": {"S": message}, ":code": {"S": error}},
                names={"#error": "error"},
            )
            self.sfn.send_task_failure(taskToken=task.token, error=error, cause=message)
        except ClientError as failure:
            if _code(failure) not in TASK_GONE | {"ConditionalCheckFailedException"}:
                raise
            log.info("failure of %s not reported: %s", task.media_id, _code(failure))

    def _update_item(
        self,
        task: Task,
        expression: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
    ) -> None:
        self.ddb.update_item(
            TableName=self.settings.table_name,
            Key=_key(task.media_id),
            UpdateExpression=expression,
            ConditionExpression="#status = :processing AND attempt = :attempt",
            ExpressionAttributeNames={"#status": "status", **(names or {})},
            ExpressionAttributeValues={
                ":processing": {"S": PROCESSING},
                ":attempt": {"S": task.attempt},
                **values,
            },
        )

    def _delete(self, keys: list[str]) -> None:
        """Remove a run's unanswered output (never referenced by any item, so safe to lose)."""
        try:
            for start in range(0, len(keys), 1000):
                batch = keys[start : start + 1000]
                self.s3.delete_objects(
                    Bucket=self.settings.media_bucket,
                    Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
                )
        except (ClientError, BotoCoreError) as error:
            log.error("could not delete %d unpublished objects: %r", len(keys), error)

    @contextmanager
    def _keepalive(self, task: Task, receipt_handle: str | None) -> Iterator[_Keepalive]:
        keepalive = _Keepalive(self, task, receipt_handle)
        keepalive.start()
        try:
            yield keepalive
        finally:
            keepalive.stop()


class _Keepalive(threading.Thread):
    """Heartbeats the task (and keeps the message hidden) while the work runs.

    A heartbeat refused because the task is gone marks the run abandoned; the working thread
    notices at its next ``check()`` (every progress step) and stops FFmpeg.
    """

    def __init__(self, worker: Worker, task: Task, receipt_handle: str | None) -> None:
        super().__init__(name=f"keepalive-{task.media_id}", daemon=True)
        self.worker = worker
        self.task = task
        self.receipt_handle = receipt_handle
        self.gone: str | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self.worker.settings.keepalive_seconds):
            try:
                self.beat()
            except (ClientError, BotoCoreError) as error:
                log.warning("heartbeat for %s failed: %r", self.task.media_id, error)

    def beat(self) -> None:
        try:
            self.worker.sfn.send_task_heartbeat(taskToken=self.task.token)
        except ClientError as error:
            if _code(error) not in TASK_GONE:
                raise
            self.gone = _code(error)
        if self.gone:
            raise Abandoned(f"the task is gone ({self.gone})")
        queue_url = self.worker.settings.queue_url
        if self.receipt_handle and queue_url:
            self.worker.sqs.change_message_visibility(
                QueueUrl=queue_url,
                ReceiptHandle=self.receipt_handle,
                VisibilityTimeout=self.worker.settings.visibility_seconds,
            )

    def check(self) -> None:
        if self.gone:
            raise Abandoned(f"the task is gone ({self.gone})")

    def stop(self) -> None:
        self._stopping.set()


def _key(media_id: str) -> dict[str, Any]:
    return {"PK": {"S": f"MEDIA#{media_id}"}, "SK": {"S": "MEDIA"}}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _missing_source(error: Exception) -> bool:
    return isinstance(error, ClientError) and _code(error) in ("404", "NoSuchKey")


def _content_type(relative: str) -> str:
    suffix = PurePosixPath(relative).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(relative)[0] or "binary/octet-stream"


# -- entry points ------------------------------------------------------------------------------

_worker: Worker | None = None


def default_worker() -> Worker:
    global _worker
    if _worker is None:
        _worker = Worker(WorkerSettings.from_env())
    return _worker


def lambda_handler(event: dict[str, Any], context: Any, worker: Worker | None = None) -> dict:
    """An SQS batch (``ReportBatchItemFailures``): the local runner's queue poller calls this."""
    worker = worker or default_worker()
    failures = []
    for record in event.get("Records", []):
        task = Task.parse(record.get("body", ""))
        if task is None:
            log.error("dropping a message that is not a task: %s", record.get("messageId"))
            continue
        if worker.handle(task, record.get("receiptHandle")) is Outcome.RETRY:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


class _Shutdown:
    """SIGTERM/SIGINT in the container: stop polling, and interrupt a download or transcode in
    progress (FFmpeg is killed, the scratch directory removed): another worker redoes the task
    sooner than this one could finish it within the container's stop timeout. Uploading and
    answering are never interrupted, so a task is never half-published or half-answered."""

    def __init__(self) -> None:
        self.requested = False
        self._interruptible = False

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        if self.requested:
            raise Interrupted()
        self._interruptible = True
        try:
            yield
        finally:
            self._interruptible = False

    def _on_signal(self, signum: int, _frame: Any) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        self.requested = True
        if self._interruptible:
            self._interruptible = False
            raise Interrupted()


_SHUTDOWN = _Shutdown()


def main() -> int:
    """The container's loop: long-poll the work queue, one task at a time, until SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = WorkerSettings.from_env()
    if not settings.queue_url:
        raise ConfigurationError("missing setting TRANSCODE_QUEUE_URL")
    worker = Worker(settings)
    _SHUTDOWN.install()
    log.info("transcode worker polling %s", settings.queue_url)
    while not _SHUTDOWN.requested:
        try:
            messages = worker.sqs.receive_message(
                QueueUrl=settings.queue_url,
                MaxNumberOfMessages=1,
                WaitTimeSeconds=20,
                VisibilityTimeout=settings.visibility_seconds,
            ).get("Messages", [])
            for message in messages:
                _process(worker, settings.queue_url, message)
        except (ClientError, BotoCoreError) as error:
            log.warning("queue unavailable, polling again shortly: %r", error)
            time.sleep(POLL_BACKOFF_SECONDS)
    return 0


def _process(worker: Worker, queue_url: str, message: dict[str, Any]) -> None:
    receipt = message["ReceiptHandle"]
    task = Task.parse(message["Body"])
    if task is None:
        log.error("dropping a message that is not a task: %s", message["MessageId"])
        outcome = Outcome.DONE
    else:
        try:
            outcome = worker.handle(task, receipt)
        except Interrupted:
            # Visible again at once, for another worker.
            worker.sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0
            )
            return
    if outcome is Outcome.DONE:
        worker.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=receipt)


if __name__ == "__main__":
    sys.exit(main())
