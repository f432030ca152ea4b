"""Build and run the FFmpeg commands.

The ladder is encoded by ONE FFmpeg process: the source is decoded once, the frames are
``split`` and scaled per rendition inside ``-filter_complex``, and the HLS muxer writes every
variant (``-var_stream_map``). Decoding is a large share of the work for a 1080p/4K source, so
this beats one process per rendition (``per_rendition_commands``, kept for the benchmark).

Commands are argument lists (never shell strings) whose output paths are *relative*: run them
with ``cwd=<output dir>``. That keeps ``%`` characters in the output directory from being read
as the HLS muxer's ``%v`` / ``%05d`` patterns.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import IO

from workers.transcode.errors import TranscodeFailed, TranscodeTimeout
from workers.transcode.ladder import GOP_SECONDS, SEGMENT_SECONDS, LadderPlan, Rendition
from workers.transcode.tools import FFMPEG, SAFE_INPUT_OPTIONS, run_tool, stderr_tail

ProgressCallback = Callable[[int], None]

SEGMENT_PATTERN = "seg_%05d.ts"
VARIANT_PLAYLIST = "index.m3u8"
AUDIO_SAMPLE_RATE = 48000
AUDIO_CHANNELS = 2
THUMBNAIL_WIDTH = 640
PROGRESS_STEP = 5

# A stop from outside (container/instance shutdown), not caused by the input: worth a retry.
_EXTERNAL_STOP = frozenset({signal.SIGTERM, signal.SIGINT, signal.SIGHUP})


# --------------------------------------------------------------------------- command building


def build_ladder_command(src: str | Path, plan: LadderPlan) -> list[str]:
    """One FFmpeg command writing every rendition of ``plan`` as HLS (run with cwd=out_dir).

    Writes ``{name}/index.m3u8`` and ``{name}/seg_%05d.ts`` per rendition; the master playlist
    is written separately (``master.write_master``) because FFmpeg 5.1's lacks
    AVERAGE-BANDWIDTH and FRAME-RATE.
    """
    count = len(plan.renditions)
    labels = [f"v{i}" for i in range(count)]
    split = "".join(f"[s{i}]" for i in range(count))
    graph = [f"[0:v]{_prefilters(plan)},split={count}{split}"]
    graph += [
        f"[s{i}]{_scale(r)}[{label}]"
        for i, (r, label) in enumerate(zip(plan.renditions, labels, strict=True))
    ]

    args = [
        *_global_args(),
        *SAFE_INPUT_OPTIONS,
        "-i",
        _input_path(src),
        "-filter_complex",
        ";".join(graph),
    ]
    for label in labels:
        args += ["-map", f"[{label}]"]
    if plan.has_audio:
        for _ in plan.renditions:
            args += ["-map", "0:a:0"]
    args += _output_args() + _video_codec_args(plan)
    for i, rendition in enumerate(plan.renditions):
        args += _video_rate_args(rendition, i)
    if plan.has_audio:
        args += _audio_codec_args()
        for i, rendition in enumerate(plan.renditions):
            args += [f"-b:a:{i}", f"{rendition.audio_bitrate_kbps}k"]
    args += ["-var_stream_map", var_stream_map(plan)]
    args += _hls_args("%v")
    return args


def var_stream_map(plan: LadderPlan, audio: bool | None = None) -> str:
    """``v:0,a:0,name:720p v:1,a:1,name:480p`` (no ``a:`` entries without audio)."""
    with_audio = plan.has_audio if audio is None else audio
    entries = []
    for i, rendition in enumerate(plan.renditions):
        entry = f"a:{i}," if with_audio else ""
        entries.append(f"v:{i},{entry}name:{rendition.name}")
    return " ".join(entries)


def build_chunk_command(
    src: str | Path, plan: LadderPlan, *, start_frame: int, frames: int | None, name: str
) -> list[str]:
    """The video ladder of one chunk of the source: frames ``[start_frame, start_frame+frames)``
    (to the end when ``frames`` is None), no audio (``build_audio_command`` encodes it once).

    Writes ``{rendition}/{name}.m3u8`` and ``{rendition}/{name}_%05d.ts`` (run with cwd=out_dir).
    Timestamps continue the whole source's timeline: the chunk's first picture is shown at
    ``start_frame / fps`` plus the one-frame B-frame delay every output has, so the segments of
    consecutive chunks join without a gap, an overlap or a discontinuity.
    """
    fps = plan.fps_fraction
    start = Fraction(start_frame) / fps
    count = len(plan.renditions)
    labels = [f"v{i}" for i in range(count)]
    split = "".join(f"[s{i}]" for i in range(count))
    trim = f",trim=end_frame={frames}" if frames is not None else ""
    graph = [f"[0:v]fps={fps}{trim},format=yuv420p,split={count}{split}"]
    graph += [
        f"[s{i}]{_scale(r)}[{label}]"
        for i, (r, label) in enumerate(zip(plan.renditions, labels, strict=True))
    ]
    args = [*_global_args(), *SAFE_INPUT_OPTIONS]
    if start_frame:
        args += ["-ss", _seconds(start)]
    args += ["-i", _input_path(src), "-filter_complex", ";".join(graph)]
    for label in labels:
        args += ["-map", f"[{label}]"]
    args += _output_args() + _video_codec_args(plan)
    for i, rendition in enumerate(plan.renditions):
        args += _video_rate_args(rendition, i)
    args += ["-output_ts_offset", _seconds(start + 1 / fps)]
    args += ["-var_stream_map", var_stream_map(plan, audio=False)]
    args += _hls_args("%v", segments=f"{name}_%05d.ts", playlist=f"{name}.m3u8")
    return args


def build_audio_command(src: str | Path, plan: LadderPlan, kbps: int, directory: str) -> list[str]:
    """The source's audio once, as an HLS audio rendition in ``directory`` (cwd=out_dir).

    Shifted by the video's one-frame B-frame delay, so sound and picture keep the source's sync.
    """
    args = [*_global_args(), *SAFE_INPUT_OPTIONS, "-i", _input_path(src), "-map", "0:a:0"]
    args += _output_args() + _audio_codec_args() + ["-b:a", f"{kbps}k"]
    args += ["-output_ts_offset", _seconds(1 / plan.fps_fraction)]
    args += _hls_args(directory)
    return args


def _seconds(value: Fraction) -> str:
    return f"{float(value):.6f}"


def per_rendition_commands(src: str | Path, plan: LadderPlan) -> list[list[str]]:
    """The alternative: one FFmpeg process per rendition, each decoding the whole source.

    Same outputs and encoder settings as ``build_ladder_command``; only used by the benchmark
    comparing the two approaches. Run each with cwd=out_dir.
    """
    commands = []
    for rendition in plan.renditions:
        args = [*_global_args(), *SAFE_INPUT_OPTIONS, "-i", _input_path(src)]
        args += ["-vf", f"{_prefilters(plan)},{_scale(rendition)}", "-map", "0:v:0"]
        if plan.has_audio:
            args += ["-map", "0:a:0"]
        args += _output_args() + _video_codec_args(plan) + _video_rate_args(rendition, 0)
        if plan.has_audio:
            args += [*_audio_codec_args(), "-b:a:0", f"{rendition.audio_bitrate_kbps}k"]
        # A one-entry var_stream_map makes the HLS muxer create the {name}/ directory.
        single = LadderPlan((rendition,), plan.fps, plan.has_audio, plan.duration_seconds)
        args += ["-var_stream_map", var_stream_map(single), *_hls_args("%v")]
        commands.append(args)
    return commands


def _input_path(src: str | Path) -> str:
    """Absolute, because the command runs in the output directory (and never starts with "-")."""
    return str(Path(src).absolute())


def _global_args() -> list[str]:
    return [
        FFMPEG,
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-nostats",
        "-progress",
        "pipe:1",
    ]


def _prefilters(plan: LadderPlan) -> str:
    """Constant output frame rate and 8-bit 4:2:0 once, before the split (cheaper than per rung).

    Rotation needs no filter: FFmpeg's autorotate (on by default) uprights the decoded frames.
    """
    return f"fps={plan.fps_fraction},format=yuv420p"


def _scale(rendition: Rendition) -> str:
    return f"scale={rendition.width}:{rendition.height},setsar=1"


def _video_codec_args(plan: LadderPlan) -> list[str]:
    """x264 with a fixed 2 s GOP and no scene-cut keyframes, so every rendition has keyframes at
    the same instants and segments of all renditions start together (required for switching)."""
    gop = str(plan.keyframe_interval)
    return [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-g",
        gop,
        "-keyint_min",
        gop,
        "-sc_threshold",
        "0",
        "-force_key_frames",
        f"expr:gte(t,n_forced*{GOP_SECONDS})",
        # B-frames without a pyramid delay decoding by one frame instead of two, so the first
        # picture is shown at one frame past 0 (see ``_output_args``).
        "-x264-params",
        "b-pyramid=none",
    ]


def _output_args() -> list[str]:
    """No source metadata in the output (phone videos carry GPS tags), room to buffer packets
    while the many encoders of one process warm up at different speeds, and timestamps from 0.

    The MPEG-TS muxer delays everything by 1.4 s by default (``-muxdelay``/``-muxpreload``); a
    player then sees a hole before the first picture (hls.js: ``bufferSeekOverHole``).
    """
    return [
        *("-map_metadata", "-1", "-map_chapters", "-1", "-max_muxing_queue_size", "4096"),
        *("-muxdelay", "0", "-muxpreload", "0"),
    ]


def _video_rate_args(rendition: Rendition, index: int) -> list[str]:
    return [
        f"-profile:v:{index}",
        rendition.profile,
        f"-b:v:{index}",
        f"{rendition.video_bitrate_kbps}k",
        f"-maxrate:v:{index}",
        f"{rendition.maxrate_kbps}k",
        f"-bufsize:v:{index}",
        f"{rendition.bufsize_kbps}k",
    ]


def _audio_codec_args() -> list[str]:
    return ["-c:a", "aac", "-ar", str(AUDIO_SAMPLE_RATE), "-ac", str(AUDIO_CHANNELS)]


def _hls_args(
    variant_dir: str, *, segments: str = SEGMENT_PATTERN, playlist: str = VARIANT_PLAYLIST
) -> list[str]:
    return [
        "-f",
        "hls",
        "-hls_time",
        str(SEGMENT_SECONDS),
        "-hls_playlist_type",
        "vod",
        "-hls_list_size",
        "0",
        "-hls_flags",
        "independent_segments",
        "-hls_segment_type",
        "mpegts",
        "-hls_segment_filename",
        f"{variant_dir}/{segments}",
        f"{variant_dir}/{playlist}",
    ]


# --------------------------------------------------------------------------- progress


class ProgressThrottle:
    """Forward percentages to a callback only when they rose by >= 5 points, or reached 100.

    Values are clamped to 0..100 and never go backwards, so callers (a DynamoDB status write,
    a WebSocket push) see a short, increasing sequence ending at 100.
    """

    def __init__(self, callback: ProgressCallback | None, step: int = PROGRESS_STEP) -> None:
        self._callback = callback
        self._step = step
        self.last = 0

    def update(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if percent <= self.last:
            return
        if percent - self.last >= self._step or percent == 100:
            self.last = percent
            if self._callback is not None:
                self._callback(percent)


def parse_progress_time(line: str) -> int | None:
    """Encoded position in microseconds from one ``-progress`` line, else None.

    FFmpeg prints both ``out_time_us`` and ``out_time_ms``; despite its name the latter is also
    in microseconds (a long-standing FFmpeg quirk), so both are read the same way.
    """
    key, _, value = line.strip().partition("=")
    if key not in ("out_time_us", "out_time_ms"):
        return None
    try:
        return int(value)
    except ValueError:
        return None  # "N/A" before the first frame


def progress_percent(position_us: int, duration_seconds: float) -> int:
    """Percent done while running, capped at 99 (100 is reported only on a clean exit)."""
    if duration_seconds <= 0:
        return 0
    return max(0, min(99, int(position_us / (duration_seconds * 1_000_000) * 100)))


# --------------------------------------------------------------------------- running


def run_encode(
    args: Sequence[str],
    *,
    cwd: str | Path,
    duration_seconds: float,
    timeout_seconds: float,
    on_progress: ProgressCallback | None = None,
) -> None:
    """Run an FFmpeg command built above, reporting progress and enforcing a timeout.

    ``on_progress`` is called on the calling thread (pipes are drained by helper threads), with
    throttled, increasing percentages ending at 100 on success. On timeout the process is
    killed and ``TranscodeTimeout`` raised; a non-zero exit raises ``TranscodeFailed`` with the
    end of FFmpeg's stderr.
    """
    throttle = ProgressThrottle(on_progress)
    deadline = time.monotonic() + timeout_seconds
    proc = _start(args, cwd)
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_lines: deque[str] = deque(maxlen=40)
    readers = [
        threading.Thread(
            target=_pump, args=(proc.stdout, lines.put, lambda: lines.put(None)), daemon=True
        ),
        threading.Thread(target=_pump, args=(proc.stderr, stderr_lines.append), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        _follow_progress(lines, deadline, duration_seconds, throttle)
        _wait(proc, deadline)
    except BaseException:
        _kill(proc)
        raise
    finally:
        for reader in readers:
            reader.join(timeout=5)
    if proc.returncode != 0:
        raise _failure(proc.returncode, "\n".join(stderr_lines))
    throttle.update(100)


def _start(args: Sequence[str], cwd: str | Path) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            list(args),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise TranscodeFailed(f"{args[0]} is not installed or not on PATH") from exc


def _pump(
    stream: IO[bytes] | None,
    sink: Callable[[str], None],
    on_eof: Callable[[], None] | None = None,
) -> None:
    """Copy a pipe line by line into ``sink``, then call ``on_eof`` (whatever happened)."""
    try:
        if stream is not None:
            with stream:
                for raw in iter(stream.readline, b""):
                    sink(raw.decode("utf-8", "replace").rstrip("\n"))
    finally:
        if on_eof is not None:
            on_eof()


def _follow_progress(
    lines: queue.Queue[str | None],
    deadline: float,
    duration_seconds: float,
    throttle: ProgressThrottle,
) -> None:
    """Consume ``-progress`` lines until stdout closes (FFmpeg exiting) or the deadline."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TranscodeTimeout("ffmpeg did not finish within its time budget; killed it")
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        if line is None:
            return
        position = parse_progress_time(line)
        if position is not None:
            throttle.update(progress_percent(position, duration_seconds))


def _wait(proc: subprocess.Popen[bytes], deadline: float) -> None:
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as exc:
        raise TranscodeTimeout("ffmpeg did not exit within its time budget; killed it") from exc


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _failure(returncode: int, stderr: str) -> TranscodeFailed:
    tail = stderr_tail(stderr)
    if returncode < 0:
        try:
            sig_name, retryable = signal.Signals(-returncode).name, -returncode in _EXTERNAL_STOP
        except ValueError:
            sig_name, retryable = f"signal {-returncode}", False
        return TranscodeFailed(f"ffmpeg was killed by {sig_name}\n{tail}", retryable=retryable)
    return TranscodeFailed(f"ffmpeg exited with status {returncode}\n{tail}")


# --------------------------------------------------------------------------- thumbnail


def thumbnail(
    src: str | Path,
    dest_jpg: str | Path,
    at_seconds: float,
    *,
    timeout_seconds: float = 60.0,
) -> Path:
    """Write one upright JPEG frame taken at ``at_seconds``, 640 px wide (never upscaled).

    Falls back to the first frame when there is no picture at ``at_seconds`` (a video track
    shorter than the audio track, a wrong container duration).
    """
    dest = Path(dest_jpg)
    deadline = time.monotonic() + timeout_seconds
    for seconds in dict.fromkeys((max(0.0, at_seconds), 0.0)):
        _grab_frame(Path(src), dest, seconds, deadline - time.monotonic())
        # Seeking past the last frame makes FFmpeg exit 0 without writing anything.
        if dest.is_file() and dest.stat().st_size > 0:
            return dest
    raise TranscodeFailed(f"thumbnail at {at_seconds:.3f}s and at 0s produced no image")


def _grab_frame(src: Path, dest: Path, at_seconds: float, timeout_seconds: float) -> None:
    result = run_tool(
        [
            FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            *SAFE_INPUT_OPTIONS,
            "-ss",
            f"{at_seconds:.3f}",
            "-i",
            _input_path(src),
            "-frames:v",
            "1",
            "-vf",
            f"scale='min({THUMBNAIL_WIDTH},iw)':-2",
            "-c:v",
            "mjpeg",
            "-q:v",
            "3",
            "-map_metadata",
            "-1",
            "-f",
            "image2",
            "-update",
            "1",  # a plain file name, not a %d pattern
            str(dest.absolute()),
        ],
        timeout_seconds=timeout_seconds,
        missing_error=TranscodeFailed,
    )
    if result.returncode != 0:
        raise TranscodeFailed(f"thumbnail failed\n{stderr_tail(result.stderr)}")
