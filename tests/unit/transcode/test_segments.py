"""The segment watcher: finished segments handed on while FFmpeg writes, nothing it may still
be writing, each exactly once, the rest after a clean exit only."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from workers.transcode.segments import SegmentWatcher, segment_index

FAST = 0.01


def _write(root: Path, relative: str, data: bytes = b"\x47" * 188) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the watcher did not get there in time"
        time.sleep(FAST)


def test_segment_index_reads_only_the_ladders_segment_names() -> None:
    assert segment_index("seg_00000.ts") == 0
    assert segment_index("seg_00012.ts") == 12
    assert segment_index("index.m3u8") is None
    assert segment_index("seg_00001.ts.tmp") is None
    assert segment_index("c000_00000.ts") is None


def test_a_segment_is_handed_on_once_a_later_one_exists_never_while_it_is_the_last(
    tmp_path: Path,
) -> None:
    handed: list[str] = []
    with SegmentWatcher(
        tmp_path, ["720p", "360p"], lambda _, rel: handed.append(rel), interval_seconds=FAST
    ) as watcher:
        _write(tmp_path, "720p/seg_00000.ts")
        _write(tmp_path, "720p/index.m3u8")
        time.sleep(20 * FAST)
        assert handed == []  # the only segment: FFmpeg may still be writing it

        _write(tmp_path, "720p/seg_00001.ts")
        _write(tmp_path, "360p/seg_00000.ts")
        _until(lambda: handed == ["720p/seg_00000.ts"])

        _write(tmp_path, "720p/seg_00002.ts")
        _write(tmp_path, "360p/seg_00001.ts")
        _until(lambda: len(handed) == 3)
        time.sleep(20 * FAST)
        watcher.finish()

    # Each exactly once; each variant's last segment is left to the caller, with the playlists.
    assert sorted(handed) == ["360p/seg_00000.ts", "720p/seg_00000.ts", "720p/seg_00001.ts"]
    assert watcher.handed == handed


def test_segments_are_handed_on_in_order_within_a_variant(tmp_path: Path) -> None:
    for index in (3, 0, 10, 1, 2, 11):
        _write(tmp_path, f"480p/seg_{index:05d}.ts")
    handed: list[str] = []
    with SegmentWatcher(
        tmp_path, ["480p"], lambda _, rel: handed.append(rel), interval_seconds=FAST
    ) as watcher:
        _until(lambda: len(handed) == 5)
        watcher.finish()
    assert handed == [f"480p/seg_{i:05d}.ts" for i in (0, 1, 2, 3, 10)]


def test_the_callback_gets_the_file_where_it_is(tmp_path: Path) -> None:
    _write(tmp_path, "360p/seg_00000.ts", b"first")
    _write(tmp_path, "360p/seg_00001.ts", b"second")
    read: dict[str, bytes] = {}
    with SegmentWatcher(
        tmp_path,
        ["360p"],
        lambda path, rel: read.setdefault(rel, path.read_bytes()),
        interval_seconds=FAST,
    ) as watcher:
        _until(lambda: read)
        watcher.finish()
    assert read == {"360p/seg_00000.ts": b"first"}


def test_stopping_after_a_failed_encode_hands_on_nothing_more(tmp_path: Path) -> None:
    handed: list[str] = []
    with SegmentWatcher(
        tmp_path, ["360p"], lambda _, rel: handed.append(rel), interval_seconds=FAST
    ):
        _write(tmp_path, "360p/seg_00000.ts")
        _write(tmp_path, "360p/seg_00001.ts")
        _until(lambda: handed == ["360p/seg_00000.ts"])
        # ...and FFmpeg fails here: no finish()
    _write(tmp_path, "360p/seg_00002.ts")
    time.sleep(10 * FAST)
    assert handed == ["360p/seg_00000.ts"]


def test_a_failing_callback_stops_the_watcher_and_finish_raises_it(tmp_path: Path) -> None:
    calls: list[str] = []

    def upload(_: Path, relative: str) -> None:
        calls.append(relative)
        raise ConnectionError("the bucket is unreachable")

    with SegmentWatcher(tmp_path, ["360p"], upload, interval_seconds=FAST) as watcher:
        for index in range(4):
            _write(tmp_path, f"360p/seg_{index:05d}.ts")
        _until(lambda: calls)
        time.sleep(10 * FAST)
        with pytest.raises(ConnectionError, match="unreachable"):
            watcher.finish()
    assert calls == ["360p/seg_00000.ts"]  # stopped at the first failure, nothing after it


def test_leaving_the_block_waits_for_a_callback_in_progress(tmp_path: Path) -> None:
    """The pipeline deletes its work directory right after: no upload may still read from it."""
    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def slow_upload(_: Path, relative: str) -> None:
        started.set()
        release.wait(5)
        finished.append(relative)

    watcher = SegmentWatcher(tmp_path, ["360p"], slow_upload, interval_seconds=FAST)
    with watcher:
        _write(tmp_path, "360p/seg_00000.ts")
        _write(tmp_path, "360p/seg_00001.ts")
        assert started.wait(10)
        threading.Timer(0.2, release.set).start()
    assert finished == ["360p/seg_00000.ts"]
