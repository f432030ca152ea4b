"""The keepalive thread: heartbeats the task (and keeps its message hidden) while the work runs."""

from __future__ import annotations

import logging
import threading

from botocore.exceptions import BotoCoreError, ClientError

from workers.transcode.aws import TASK_GONE, TaskTokens, WorkQueue, error_code
from workers.transcode.messages import Task

log = logging.getLogger("coursewave.transcode")


class Abandoned(Exception):
    """The task is no longer ours (token gone, item superseded): stop, publish nothing."""


class Keepalive(threading.Thread):
    """Beats every ``interval_seconds`` until stopped.

    A heartbeat refused because the task is gone marks the run abandoned; the working thread
    notices at its next ``check()`` (every progress step) and stops FFmpeg.
    """

    def __init__(
        self,
        tasks: TaskTokens,
        queue: WorkQueue,
        task: Task,
        receipt_handle: str | None,
        *,
        interval_seconds: float,
        visibility_seconds: int,
    ) -> None:
        super().__init__(name=f"keepalive-{task.media_id}", daemon=True)
        self.tasks = tasks
        self.queue = queue
        self.task = task
        self.receipt_handle = receipt_handle
        self.interval_seconds = interval_seconds
        self.visibility_seconds = visibility_seconds
        self.gone: str | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self.interval_seconds):
            try:
                self.beat()
            except Abandoned as reason:
                # Noted in ``gone`` for the working thread; nothing is left to keep alive.
                log.info("keepalive for %s stops: %s", self.task.media_id, reason)
                return
            except (ClientError, BotoCoreError) as error:
                log.warning("heartbeat for %s failed: %r", self.task.media_id, error)

    def beat(self) -> None:
        try:
            self.tasks.heartbeat(self.task.token)
        except ClientError as error:
            if error_code(error) not in TASK_GONE:
                raise
            self.gone = error_code(error)
        if self.gone:
            raise Abandoned(f"the task is gone ({self.gone})")
        if self.receipt_handle:
            self.queue.hide(self.receipt_handle, self.visibility_seconds)

    def check(self) -> None:
        if self.gone:
            raise Abandoned(f"the task is gone ({self.gone})")

    def stop(self) -> None:
        self._stopping.set()
