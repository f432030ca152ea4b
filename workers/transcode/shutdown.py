"""Stopping the container (SIGTERM/SIGINT) without half-publishing or half-answering a task."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("coursewave.transcode")


class Interrupted(Exception):
    """The container is stopping: stop, publish nothing, let another worker take the task."""


class Shutdown:
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


#: The process's one shutdown switch (installed by the container loop only).
SHUTDOWN = Shutdown()
