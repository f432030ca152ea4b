"""Segments FFmpeg has finished, handed on while it still writes the rest of the ladder.

FFmpeg's HLS muxer writes each variant's segments one after the other and closes segment *n*
before it opens *n + 1*, so a segment is complete once a later one exists, and every segment is
complete once FFmpeg has exited. A ``SegmentWatcher`` looks at the variant directories every
``interval_seconds`` while the encode runs and calls ``on_segment(path, relative)`` once per
completed segment, in order within a variant: the worker uploads it then (instead of all at the
end) and the pipeline probes each variant's first segment for the master playlist meanwhile.
Each variant's last segment is left to the caller, with the playlists: it is complete only when
FFmpeg exits, and uploading those few files side by side then beats handing them on one by one.

Nothing handed on is published by itself: the playlists that reference the segments are written
after the encode, and the media item points at them only once the workflow records success.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

#: The one-process ladder's segment names, ``ffmpeg.SEGMENT_PATTERN`` (``seg_%05d.ts``).
_SEGMENT = re.compile(r"^seg_(\d+)\.ts$")
DEFAULT_INTERVAL_SECONDS = 0.5

#: Called on the watcher's thread with the segment's path and its path relative to the root
#: (POSIX style). It may raise: the watcher then stops and ``finish`` raises that error.
SegmentCallback = Callable[[Path, str], None]


def segment_index(name: str) -> int | None:
    """The sequence number in a segment's file name, None for any other file."""
    match = _SEGMENT.match(name)
    return int(match.group(1)) if match else None


class SegmentWatcher:
    """Hands on each variant's completed segments while an encode writes into ``root``.

    Use as a context manager around the encode and call ``finish()`` once it exited cleanly
    (it raises the callback's error, if any). ``handed`` lists what was handed on; the rest of
    the output (each variant's last segment among it) is the caller's to publish.
    """

    def __init__(
        self,
        root: Path,
        variants: Sequence[str],
        on_segment: SegmentCallback,
        *,
        interval_seconds: float | None = None,
    ) -> None:
        self.root = root
        self.variants = tuple(variants)
        self.on_segment = on_segment
        self.interval_seconds = interval_seconds or DEFAULT_INTERVAL_SECONDS
        self.handed: list[str] = []  # relative paths, in the order they were handed on
        self._seen: set[str] = set()
        self._stopping = threading.Event()
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._watch, name="segment-watcher", daemon=True)

    def __enter__(self) -> SegmentWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop()

    def finish(self) -> None:
        """The encode is over: stop watching; raise the callback's error if it failed."""
        self._stop()
        if self._error is not None:
            raise self._error

    def _stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stopping.wait(self.interval_seconds):
            try:
                self._scan()
            except Exception as error:  # raised again by finish(), on the encode's thread
                self._error = error
                return

    def _scan(self) -> None:
        for variant in self.variants:
            for path in self._completed(self.root / variant):
                relative = f"{variant}/{path.name}"
                if relative in self._seen:
                    continue
                if self._stopping.is_set():
                    return
                self.on_segment(path, relative)
                self._seen.add(relative)
                self.handed.append(relative)

    @staticmethod
    def _completed(directory: Path) -> list[Path]:
        """The directory's segments in order, less the one FFmpeg may still be writing."""
        try:
            names = [(segment_index(p.name), p) for p in directory.iterdir()]
        except FileNotFoundError:
            return []  # FFmpeg has not created the variant's directory yet
        segments = [path for _, path in sorted((i, p) for i, p in names if i is not None)]
        return segments[:-1]
