"""The transcode worker: one task of the transcode workflow, from upload to published HLS.

The workflow's ``Transcode`` state sends a task (``messages.Task``) to the work queue and waits
for the token. For each task the worker

1. checks the media item is still ``processing`` for this ``attempt`` and the task token is
   alive (a redelivered or superseded message is acknowledged and dropped);
2. downloads the upload to a scratch directory and runs ``pipeline.transcode``, writing
   ``progress_percent`` to the media item as it goes and heartbeating the task meanwhile;
3. uploads the ladder to the media bucket under a fresh prefix ``media/<media_id>/<run id>/``
   (each segment as soon as FFmpeg finished it, the rest and then the playlists at the end),
   and only then answers ``SendTaskSuccess`` with what the workflow records.

A source longer than ``chunk_threshold_seconds`` is instead planned into chunks (step 2 becomes
a thumbnail and a chunk plan); the workflow fans the parts out to workers (``action: part``),
then has one assemble them (``action: assemble``: the playlists, written last) or, when a part
failed, delete everything under the run's prefix (``action: discard``).

A ``TranscodeError`` (not a video, corrupt, FFmpeg crash, timeout) records its instructor-facing
message on the item and answers ``SendTaskFailure(error="Transcode.<kind>")``. Anything uploaded by
a run that does not end in success is deleted, so nothing is ever half-published. Transient
failures (AWS errors, an FFmpeg stopped by a shutdown) leave the message on the queue to be
retried.

Entry points (``entry.py``): the container's loop (``container.py``) and, locally, the SQS batch
handler the runner feeds (``local_adapter.py``). Only boto3 and the standard library are used:
the image ships ``workers/transcode`` and ``coursewave/media_record.py`` alone.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from workers.transcode.aws import (
    CONDITION_FAILED,
    TASK_GONE,
    Buckets,
    MediaItems,
    TaskTokens,
    WorkQueue,
    error_code,
    missing_source,
)
from workers.transcode.chunks import (
    AUDIO,
    AUDIO_RENDITION,
    Chunk,
    PartResult,
    assemble,
    plan_chunks,
)
from workers.transcode.errors import TranscodeError, TranscodeFailed
from workers.transcode.ffmpeg import thumbnail
from workers.transcode.keepalive import Abandoned, Keepalive
from workers.transcode.ladder import plan_ladder
from workers.transcode.master import MASTER_PLAYLIST
from workers.transcode.messages import (
    ASSEMBLE,
    DISCARD,
    PART,
    SOURCE_MISSING,
    Outcome,
    Task,
    failure_error,
    ladder_output,
    output_prefix,
    success_output,
)
from workers.transcode.pipeline import (
    THUMBNAIL,
    THUMBNAIL_AT,
    check_assembly,
    encode_audio,
    encode_chunk,
    transcode,
    write_assembly,
)
from workers.transcode.probe import SourceInfo, probe
from workers.transcode.settings import WorkerSettings
from workers.transcode.shutdown import SHUTDOWN, Shutdown

log = logging.getLogger("coursewave.transcode")

#: Share of the progress bar for the encode; uploading the ladder takes the rest until the
#: workflow records the item as ready (100).
ENCODE_SHARE = 90
#: Time a part's task allows past the worker's encode budget (download, upload, answer).
PART_UPLOAD_SECONDS = 1800


class Worker:
    def __init__(
        self, settings: WorkerSettings, session: Any = None, shutdown: Shutdown = SHUTDOWN
    ) -> None:
        self.settings = settings
        self.shutdown = shutdown
        session = session or boto3.session.Session()
        self.media = MediaItems(session.client("dynamodb"), settings.table_name)
        self.tasks = TaskTokens(session.client("stepfunctions"))
        self.buckets = Buckets(session.client("s3"), settings.media_bucket)
        self.queue = WorkQueue(session.client("sqs"), settings.queue_url)

    def handle(self, task: Task, receipt_handle: str | None = None) -> Outcome:
        published: list[str] = []
        try:
            if not self.media.still_processing(task.media_id, task.attempt):
                log.info("task for %s (attempt %s) is stale; dropped", task.media_id, task.attempt)
                return Outcome.DONE
            with self._keepalive(task, receipt_handle) as alive:
                alive.beat()  # fails fast on a token that is already gone
                output = self._run(task, alive, published)
            self._answer_success(task, output)
            published.clear()  # recorded by the workflow from now on
            if task.action == PART:
                self._part_done(task)
            return Outcome.DONE
        except TranscodeError as error:
            if error.retryable:
                log.warning("transcode of %s interrupted, will retry: %s", task.media_id, error)
                return Outcome.RETRY
            log.info("transcode of %s failed: %s", task.media_id, error)
            return self._fail(task, failure_error(error), error.public_message)
        except Abandoned as reason:
            log.info("task for %s abandoned: %s", task.media_id, reason)
            return Outcome.DONE
        except (ClientError, BotoCoreError, OSError) as error:
            if missing_source(error):
                return self._fail(
                    task,
                    SOURCE_MISSING,
                    "The uploaded file could not be found. Please upload it again.",
                )
            log.warning("transient error on %s, will retry: %r", task.media_id, error)
            return Outcome.RETRY
        finally:
            self._delete(published)

    def _run(self, task: Task, alive: Keepalive, published: list[str]) -> dict[str, Any]:
        """The task's work; its success output."""
        if task.action == DISCARD:
            assert task.output_prefix is not None  # Task.parse checks it for every chunk task
            deleted = self.buckets.delete_prefix(task.output_prefix)
            log.info("discarded %d objects of %s's chunked run", deleted, task.media_id)
            return {"deleted": deleted}
        if task.action == ASSEMBLE:
            return self._assemble(task, published)
        with tempfile.TemporaryDirectory(prefix="transcode-") as scratch:
            work = Path(scratch)
            source = work / f"source{PurePosixPath(task.key).suffix.lower()}"
            with self.shutdown.interruptible():
                self.buckets.download(task.bucket, task.key, source)
                alive.check()
                info = probe(source)
                if task.action == PART:
                    return self._part(task, source, info, work, alive, published)
                if info.duration_seconds > self.settings.chunk_threshold_seconds:
                    return self._plan_chunks(task, source, info, work, published)
                prefix = output_prefix(task.media_id, uuid.uuid4().hex)
                result = transcode(
                    source,
                    work / "out",
                    on_progress=lambda percent: self._progress(task, alive, percent),
                    timeout_seconds=self.settings.timeout_seconds,
                    source=info,
                    on_segment=lambda path, relative: self.buckets.put(
                        path, prefix + relative, published
                    ),
                )
            alive.check()
            streamed = set(result.streamed)
            rest = tuple(f for f in result.files if f not in streamed)
            self.buckets.publish(work / "out", prefix, rest, published)
        return success_output(result, prefix)

    def _plan_chunks(
        self, task: Task, source: Path, info: SourceInfo, work: Path, published: list[str]
    ) -> dict[str, Any]:
        """A long source: the thumbnail now, the chunks for the workflow's ``Map`` to fan out."""
        plan = plan_ladder(info)
        chunks = plan_chunks(plan, self.settings.chunk_workers)
        prefix = output_prefix(task.media_id, uuid.uuid4().hex)
        thumbnail(
            source,
            work / THUMBNAIL,
            at_seconds=info.duration_seconds * THUMBNAIL_AT,
            timeout_seconds=self.settings.timeout_seconds,
        )
        self.buckets.publish(work, prefix, (THUMBNAIL,), published)
        parts = [{"kind": AUDIO}] if plan.has_audio else []
        parts += [chunk.to_json() for chunk in chunks]
        points = ENCODE_SHARE // len(parts)
        log.info("%s: %.0f s in %d chunks", task.media_id, info.duration_seconds, len(chunks))
        return {
            "chunked": True,
            "output_prefix": prefix,
            "thumbnail_key": prefix + THUMBNAIL,
            "duration_seconds": round(info.duration_seconds, 3),
            "chunks": len(chunks),
            "parts": [{**part, "progress": points} for part in parts],
            # Each part's task: the worker's own budget plus time to upload, and a heartbeat
            # deadline well past the keepalive interval.
            "part_timeout_seconds": int(self.settings.timeout_seconds) + PART_UPLOAD_SECONDS,
            "part_heartbeat_seconds": self.settings.heartbeat_seconds,
        }

    def _part(
        self,
        task: Task,
        source: Path,
        info: SourceInfo,
        work: Path,
        alive: Keepalive,
        published: list[str],
    ) -> dict[str, Any]:
        """One part of a chunked run: a chunk's video ladder, or the audio."""
        plan = plan_ladder(info)
        spec = task.details.get("part") or {}
        out = work / "out"
        if spec.get("kind") == AUDIO:
            part = encode_audio(source, plan, out, timeout_seconds=self.settings.timeout_seconds)
        else:
            chunk = Chunk.from_json(spec)
            part = encode_chunk(
                source, plan, chunk, out, timeout_seconds=self.settings.timeout_seconds
            )
        alive.check()
        assert task.output_prefix is not None
        self.buckets.publish(out, task.output_prefix, part.files, published)
        return part.to_json()

    def _assemble(self, task: Task, published: list[str]) -> dict[str, Any]:
        """Every part is in place: write the variant, audio and master playlists last."""
        assert task.output_prefix is not None
        details = task.details
        try:
            parts = [PartResult.from_json(part) for part in details["parts"]]
            chunks, duration = int(details["chunks"]), float(details["duration_seconds"])
            thumbnail_key = str(details["thumbnail_key"])
        except (KeyError, TypeError, ValueError) as error:
            raise TranscodeFailed(f"malformed assemble task: {error!r}") from error
        assembly = assemble(parts, chunks)
        check_assembly(duration, assembly)
        with tempfile.TemporaryDirectory(prefix="assemble-") as scratch:
            files = write_assembly(assembly, Path(scratch))
            self.buckets.publish(Path(scratch), task.output_prefix, files, published)
        return ladder_output(
            task.output_prefix,
            renditions=assembly.renditions,
            duration_seconds=duration,
            master_playlist=MASTER_PLAYLIST,
            thumbnail_key=thumbnail_key,
            audio_rendition=AUDIO_RENDITION if assembly.audio else None,
        )

    def _part_done(self, task: Task) -> None:
        """Move the progress bar by the part's share (best effort: it is only a display)."""
        points = int((task.details.get("part") or {}).get("progress") or 0)
        try:
            self.media.add_progress(task.media_id, task.attempt, points)
        except (ClientError, BotoCoreError) as error:
            log.warning("progress of %s not recorded: %r", task.media_id, error)

    def _progress(self, task: Task, alive: Keepalive, percent: int) -> None:
        """Called by the pipeline on the working thread (already throttled to 5-point steps).

        A progress write that fails is skipped (the next step writes again), except when the
        item is no longer processing this attempt: then the work is pointless and stops here.
        """
        alive.check()
        shown = percent * ENCODE_SHARE // 100
        try:
            self.media.set_progress(task.media_id, task.attempt, shown)
        except ClientError as error:
            if error_code(error) == CONDITION_FAILED:
                raise Abandoned("the media item is no longer processing this attempt") from error
            log.warning("progress of %s not recorded: %r", task.media_id, error)
        except BotoCoreError as error:
            log.warning("progress of %s not recorded: %r", task.media_id, error)

    def _answer_success(self, task: Task, output: dict[str, Any]) -> None:
        try:
            self.tasks.succeed(task.token, output)
        except ClientError as error:
            if error_code(error) in TASK_GONE:
                raise Abandoned(f"the task ended unanswered ({error_code(error)})") from error
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
            self.media.record_failure(task.media_id, task.attempt, error, message)
            self.tasks.fail(task.token, error, message)
        except ClientError as failure:
            if error_code(failure) not in TASK_GONE | {CONDITION_FAILED}:
                raise
            log.info("failure of %s not reported: %s", task.media_id, error_code(failure))

    def _delete(self, keys: list[str]) -> None:
        """Remove a run's unanswered output (never referenced by any item, so safe to lose)."""
        try:
            self.buckets.delete(keys)
        except (ClientError, BotoCoreError) as error:
            log.error("could not delete %d unpublished objects: %r", len(keys), error)

    @contextmanager
    def _keepalive(self, task: Task, receipt_handle: str | None) -> Iterator[Keepalive]:
        keepalive = Keepalive(
            self.tasks,
            self.queue,
            task,
            receipt_handle,
            interval_seconds=self.settings.keepalive_seconds,
            visibility_seconds=self.settings.visibility_seconds,
        )
        keepalive.start()
        try:
            yield keepalive
        finally:
            keepalive.stop()
