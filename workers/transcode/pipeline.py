"""probe -> ladder -> one FFmpeg run (+ thumbnail) -> master playlist, published atomically.

All work happens in a hidden ``.{name}.*.partial`` directory next to ``out_dir`` (same
filesystem), renamed to ``out_dir`` only when everything succeeded. On any failure, timeout or
interruption the partial directory is deleted, so a caller never finds half a ladder to publish.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from workers.transcode.errors import TranscodeFailed
from workers.transcode.ffmpeg import (
    ProgressCallback,
    ProgressThrottle,
    build_ladder_command,
    run_encode,
    thumbnail,
)
from workers.transcode.ladder import plan_ladder
from workers.transcode.master import (
    MASTER_PLAYLIST,
    MeasuredRendition,
    probe_segment,
    write_master,
)
from workers.transcode.probe import SourceInfo, probe

THUMBNAIL = "thumbnail.jpg"
THUMBNAIL_AT = 0.10  # fraction of the duration: past fade-ins and title cards
DEFAULT_TIMEOUT_SECONDS = 3600.0
#: Share of the progress bar given to the encode; the rest covers measuring and the thumbnail.
ENCODE_SHARE = 95


@dataclass(frozen=True)
class TranscodeResult:
    """A published ladder. Paths are relative to ``out_dir``, POSIX style (S3 key suffixes)."""

    duration_seconds: float
    renditions: tuple[MeasuredRendition, ...]
    files: tuple[str, ...]
    master_playlist: str
    thumbnail: str
    source: SourceInfo


def transcode(
    src_path: str | Path,
    out_dir: str | Path,
    on_progress: ProgressCallback | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> TranscodeResult:
    """Transcode ``src_path`` to an HLS ladder in ``out_dir`` (which must be absent or empty).

    ``timeout_seconds`` is the budget for the whole job (probe, encode, measuring, thumbnail).
    ``on_progress`` receives increasing percentages, ending with 100 once ``out_dir`` is in
    place. Raises ``TranscodeError`` subclasses (see ``errors``); ``FileExistsError`` when
    ``out_dir`` already holds files.
    """
    src, out_dir = Path(src_path), Path(out_dir)
    _check_destination(out_dir)
    deadline = time.monotonic() + timeout_seconds
    progress = ProgressThrottle(on_progress)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        result = _transcode_into(src, work, deadline, progress)
        _publish(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress.update(100)
    return result


def _transcode_into(
    src: Path, work: Path, deadline: float, progress: ProgressThrottle
) -> TranscodeResult:
    def remaining() -> float:
        return deadline - time.monotonic()

    source = probe(src, timeout_seconds=remaining())
    plan = plan_ladder(source)
    # The thumbnail (a seek and one decoded frame) runs beside the encode instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        thumb = pool.submit(
            thumbnail,
            src,
            work / THUMBNAIL,
            at_seconds=source.duration_seconds * THUMBNAIL_AT,
            timeout_seconds=remaining(),
        )
        run_encode(
            build_ladder_command(src, plan),
            cwd=work,
            duration_seconds=source.duration_seconds,
            timeout_seconds=remaining(),
            on_progress=lambda percent: progress.update(percent * ENCODE_SHARE // 100),
        )
        thumb.result()
    renditions = write_master(
        work,
        [r.name for r in plan.renditions],
        prober=lambda segment: probe_segment(segment, timeout_seconds=remaining()),
    )
    _check_complete(source, renditions)
    return TranscodeResult(
        duration_seconds=source.duration_seconds,
        renditions=tuple(renditions),
        files=_relative_files(work),
        master_playlist=MASTER_PLAYLIST,
        thumbnail=THUMBNAIL,
        source=source,
    )


def _check_destination(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} already exists and is not an empty directory")


def _check_complete(source: SourceInfo, renditions: list[MeasuredRendition]) -> None:
    """Fail if the output is clearly shorter than the source.

    FFmpeg skips undecodable data and may still exit 0, e.g. on a file cut short after a
    front-loaded ``moov``: publishing a lesson that silently stops halfway would be worse than
    asking for a re-upload.
    """
    produced = max(r.duration_seconds for r in renditions)
    missing = source.duration_seconds - produced
    if missing > max(1.0, 0.05 * source.duration_seconds):
        raise TranscodeFailed(
            f"output covers {produced:.2f}s of a {source.duration_seconds:.2f}s source "
            "(truncated or corrupt input)"
        )


def _publish(work: Path, out_dir: Path) -> None:
    """Move the finished ladder into place with a single rename (same filesystem)."""
    work.chmod(0o755)  # mkdtemp creates it 0700
    if out_dir.exists():
        out_dir.rmdir()  # checked empty up front
    os.replace(work, out_dir)


def _relative_files(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))
