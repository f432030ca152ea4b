"""probe -> ladder -> one FFmpeg run (+ thumbnail) -> master playlist, published atomically.

Long sources can instead be encoded in chunks (``chunks``): ``encode_chunk`` and
``encode_audio`` are the parts the worker runs as separate tasks, and ``transcode_chunked`` runs
the same parts side by side in one place (tests, the benchmark).

While the ladder encodes, each variant's finished segments are handed to ``on_segment`` (the
worker uploads them then, see ``segments``) and each variant's first segment is probed for the
master playlist, so neither waits for the end of the encode.

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

from workers.transcode.chunks import (
    AUDIO_RENDITION,
    Assembly,
    Chunk,
    PartResult,
    assemble,
    measure_audio_part,
    measure_video_part,
    plan_chunks,
)
from workers.transcode.errors import TranscodeFailed
from workers.transcode.ffmpeg import (
    ProgressCallback,
    ProgressThrottle,
    build_audio_command,
    build_chunk_command,
    build_ladder_command,
    run_encode,
    thumbnail,
)
from workers.transcode.ladder import LadderPlan, plan_ladder
from workers.transcode.master import (
    MASTER_PLAYLIST,
    MeasuredRendition,
    StreamFacts,
    audio_codec_of,
    probe_segment,
    write_master,
)
from workers.transcode.probe import SourceInfo, probe
from workers.transcode.segments import SegmentCallback, SegmentWatcher, segment_index

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
    audio_rendition: str | None = None  # the sound's own rendition (chunked ladders)
    streamed: tuple[str, ...] = ()  # of ``files``, those handed to ``on_segment`` already


def transcode(
    src_path: str | Path,
    out_dir: str | Path,
    on_progress: ProgressCallback | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    source: SourceInfo | None = None,
    on_segment: SegmentCallback | None = None,
) -> TranscodeResult:
    """Transcode ``src_path`` to an HLS ladder in ``out_dir`` (which must be absent or empty).

    ``timeout_seconds`` is the budget for the whole job (probe, encode, measuring, thumbnail).
    ``on_progress`` receives increasing percentages, ending with 100 once ``out_dir`` is in
    place. ``source``: the probe's answer when the caller already has it. ``on_segment`` is
    called while FFmpeg still runs, once per segment it has finished (its path, inside the work
    directory, and its path relative to ``out_dir``); each variant's last segment is not
    handed on (it is complete only at the end). ``TranscodeResult.streamed`` lists what was.
    An error ``on_segment`` raises fails the transcode. Raises
    ``TranscodeError`` subclasses (see ``errors``); ``FileExistsError`` when ``out_dir``
    already holds files.
    """
    src, out_dir = Path(src_path), Path(out_dir)
    _check_destination(out_dir)
    deadline = time.monotonic() + timeout_seconds
    progress = ProgressThrottle(on_progress)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        result = _transcode_into(src, work, deadline, progress, source, on_segment)
        _publish(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress.update(100)
    return result


def _transcode_into(
    src: Path,
    work: Path,
    deadline: float,
    progress: ProgressThrottle,
    source: SourceInfo | None,
    on_segment: SegmentCallback | None,
) -> TranscodeResult:
    def remaining() -> float:
        return deadline - time.monotonic()

    source = source or probe(src, timeout_seconds=remaining())
    plan = plan_ladder(source)
    names = [r.name for r in plan.renditions]
    first_segments: dict[Path, StreamFacts] = {}

    def finished(path: Path, relative: str) -> None:
        if on_segment is not None:
            on_segment(path, relative)
        if segment_index(path.name) == 0:  # what the master playlist reports of the variant
            first_segments[path] = probe_segment(path, timeout_seconds=remaining())

    # The thumbnail (a seek and one decoded frame) runs beside the encode instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool, SegmentWatcher(work, names, finished) as seen:
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
        seen.finish()
        thumb.result()
    renditions = write_master(
        work,
        names,
        prober=lambda segment: (
            first_segments.get(segment) or probe_segment(segment, timeout_seconds=remaining())
        ),
    )
    _check_complete(source, renditions)
    return TranscodeResult(
        duration_seconds=source.duration_seconds,
        renditions=tuple(renditions),
        files=_relative_files(work),
        master_playlist=MASTER_PLAYLIST,
        thumbnail=THUMBNAIL,
        source=source,
        streamed=tuple(seen.handed) if on_segment is not None else (),
    )


def encode_chunk(
    src: Path, plan: LadderPlan, chunk: Chunk, out_dir: Path, *, timeout_seconds: float
) -> PartResult:
    """Encode one chunk's video ladder into ``out_dir`` (created) and measure it."""
    deadline = time.monotonic() + timeout_seconds
    out_dir.mkdir(parents=True, exist_ok=True)
    run_encode(
        build_chunk_command(
            src, plan, start_frame=chunk.start_frame, frames=chunk.frames, name=chunk.name
        ),
        cwd=out_dir,
        duration_seconds=plan.duration_seconds,
        timeout_seconds=deadline - time.monotonic(),
    )
    return measure_video_part(
        out_dir,
        chunk,
        [r.name for r in plan.renditions],
        prober=lambda segment: probe_segment(segment, timeout_seconds=deadline - time.monotonic()),
    )


def encode_audio(
    src: Path, plan: LadderPlan, out_dir: Path, *, timeout_seconds: float
) -> PartResult:
    """Encode the whole source's audio once, as the ``audio/`` rendition in ``out_dir``."""
    deadline = time.monotonic() + timeout_seconds
    (out_dir / AUDIO_RENDITION).mkdir(parents=True, exist_ok=True)
    kbps = max(r.audio_bitrate_kbps for r in plan.renditions)
    run_encode(
        build_audio_command(src, plan, kbps, AUDIO_RENDITION),
        cwd=out_dir,
        duration_seconds=plan.duration_seconds,
        timeout_seconds=deadline - time.monotonic(),
    )
    return measure_audio_part(
        out_dir,
        lambda segment: audio_codec_of(segment, timeout_seconds=deadline - time.monotonic()),
    )


def write_assembly(assembly: Assembly, out_dir: Path) -> tuple[str, ...]:
    """Write the assembled playlists into ``out_dir``; their relative paths."""
    for relative, text in assembly.playlists.items():
        (out_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / relative).write_text(text)
    return tuple(assembly.playlists)


def check_assembly(source_seconds: float, assembly: Assembly) -> None:
    """Fail an assembled ladder clearly shorter than its source (see ``_check_complete``)."""
    _check_complete_seconds(source_seconds, assembly.duration_seconds)


def transcode_chunked(
    src_path: str | Path,
    out_dir: str | Path,
    *,
    chunk_workers: int,
    parallel: int = 1,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> TranscodeResult:
    """The chunked ladder in one place: probe, split into about ``chunk_workers`` chunks, encode
    them and the audio ``parallel`` at a time, assemble, publish atomically (like ``transcode``).

    In production the worker runs the same parts as separate tasks of the workflow's ``Map``.
    """
    src, out_dir = Path(src_path), Path(out_dir)
    _check_destination(out_dir)
    deadline = time.monotonic() + timeout_seconds

    def remaining() -> float:
        return deadline - time.monotonic()

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        source = probe(src, timeout_seconds=remaining())
        plan = plan_ladder(source)
        chunks = plan_chunks(plan, chunk_workers)
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            thumb = pool.submit(
                thumbnail,
                src,
                work / THUMBNAIL,
                at_seconds=source.duration_seconds * THUMBNAIL_AT,
                timeout_seconds=remaining(),
            )
            audio = (
                [pool.submit(encode_audio, src, plan, work, timeout_seconds=remaining())]
                if plan.has_audio
                else []
            )
            video = [
                pool.submit(encode_chunk, src, plan, chunk, work, timeout_seconds=remaining())
                for chunk in chunks
            ]
            parts = [future.result() for future in [*audio, *video]]
            thumb.result()
        for chunk_playlist in work.glob("*/c*.m3u8"):
            chunk_playlist.unlink()  # the assembled playlists replace them
        assembly = assemble(parts, len(chunks))
        write_assembly(assembly, work)
        check_assembly(source.duration_seconds, assembly)
        result = TranscodeResult(
            duration_seconds=source.duration_seconds,
            renditions=assembly.renditions,
            files=_relative_files(work),
            master_playlist=MASTER_PLAYLIST,
            thumbnail=THUMBNAIL,
            source=source,
            audio_rendition=AUDIO_RENDITION if assembly.audio else None,
        )
        _publish(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result


def _check_destination(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} already exists and is not an empty directory")


def _check_complete(source: SourceInfo, renditions: list[MeasuredRendition]) -> None:
    """Fail if the output is clearly shorter than the source.

    FFmpeg skips undecodable data and may still exit 0, e.g. on a file cut short after a
    front-loaded ``moov``: publishing a lesson that silently stops halfway would be worse than
    asking for a re-upload.
    """
    _check_complete_seconds(source.duration_seconds, max(r.duration_seconds for r in renditions))


def _check_complete_seconds(source_seconds: float, produced: float) -> None:
    missing = source_seconds - produced
    if missing > max(1.0, 0.05 * source_seconds):
        raise TranscodeFailed(
            f"output covers {produced:.2f}s of a {source_seconds:.2f}s source "
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
