"""Helpers for inspecting transcode output with ffprobe."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any


def ffprobe(*args: str | Path) -> dict[str, Any]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", *map(str, args)],
        capture_output=True,
        check=True,
    )
    return json.loads(result.stdout)


def leftovers(parent: Path) -> list[str]:
    """Work directories the pipeline may have left next to its output."""
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".partial"))


def psnr(output: Path, source: Path, width: int, height: int) -> float:
    """Average PSNR (dB) of ``output`` against ``source`` as FFmpeg displays it (autorotated)
    scaled to ``width`` x ``height``: ~40 for a faithful encode, ~10 for a sideways one."""
    graph = (
        "[0:v]setpts=PTS-STARTPTS,settb=AVTB[out];"
        f"[1:v]scale={width}:{height},setpts=PTS-STARTPTS,settb=AVTB[ref];"
        "[out][ref]psnr=shortest=1"
    )
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(output), "-i", str(source),
         "-lavfi", graph, "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    match = re.search(r"PSNR .* average:([0-9.]+|inf)", result.stderr)
    assert match, result.stderr
    return float(match.group(1))
