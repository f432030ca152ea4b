"""Locating and running the FFmpeg binaries for short, bounded calls."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from workers.transcode.errors import TranscodeError, TranscodeTimeout

#: Looked up on PATH: Debian's packages locally and in the worker image (workers/transcode).
FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"

#: Demuxers accepted for uploads. A whitelist rather than "whatever FFmpeg can open": an upload
#: named ``lesson.mp4`` may really be an HLS/concat playlist that makes FFmpeg read other local
#: files or URLs (the classic FFmpeg SSRF / file disclosure), or an image or text file.
INPUT_FORMAT_WHITELIST = "mov,matroska,avi,mpegts,flv,asf,mpeg,mxf,ogg"

#: Options placed before ``-i <upload>`` for every FFmpeg/ffprobe call reading an upload.
SAFE_INPUT_OPTIONS: tuple[str, ...] = (
    "-protocol_whitelist",
    "file",
    "-format_whitelist",
    INPUT_FORMAT_WHITELIST,
)


def run_tool(
    args: Sequence[str],
    *,
    timeout_seconds: float,
    missing_error: type[TranscodeError],
) -> subprocess.CompletedProcess[bytes]:
    """Run a short tool invocation, capturing output, without raising on a non-zero exit.

    Raises ``TranscodeTimeout`` when it does not finish in time (the child is killed by
    ``subprocess.run``) and ``missing_error`` when the binary is not installed.
    """
    if timeout_seconds <= 0:
        raise TranscodeTimeout(f"no time left to run {args[0]}")
    try:
        return subprocess.run(
            list(args),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise TranscodeTimeout(f"{args[0]} did not finish within {timeout_seconds:.2f}s") from exc
    except FileNotFoundError as exc:
        raise missing_error(f"{args[0]} is not installed or not on PATH") from exc


def stderr_tail(stderr: bytes | str, lines: int = 20) -> str:
    """The last ``lines`` lines of a tool's stderr, for error details."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    return "\n".join(text.strip().splitlines()[-lines:])
