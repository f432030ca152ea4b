"""Long lecture: one FFmpeg process vs the chunked ladder, and what parallel workers make of it.

A generated 3-minute 1080p30 clip (H.264/AAC) is transcoded

* **one process**: ``pipeline.transcode``, the path of short sources;
* **chunked**: the parts the workflow fans out, each measured on its own on this machine: the
  split (probe, chunk plan, thumbnail), the audio rendition, every chunk's video ladder
  (``chunks.plan_chunks`` for 8 workers), and the assembly of the playlists.

The modeled wall time for N workers of this machine's size is split + the parts scheduled on N
workers (longest first, each to the worker free soonest: with 8 workers every chunk has its
own) + assembly; what the model leaves out is the queue and S3 hand-offs between tasks (tens of
milliseconds each locally). Goals: with 8 workers, upload-to-ready ≤ 0.25x the clip's duration;
the chunked parts' total CPU ≤ 1.15x the one-process ladder's. The machine is shared: the
figures are ratios from one run. ``COURSEWAVE_BENCH_TINY=1``: a 12 s 320x180 clip, two chunks.
"""

from __future__ import annotations

import heapq
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import Budget, cpu_seconds, verdict
from local.samples import make_test_clip
from workers.transcode.chunks import assemble, plan_chunks
from workers.transcode.ffmpeg import thumbnail
from workers.transcode.ladder import plan_ladder
from workers.transcode.pipeline import (
    THUMBNAIL_AT,
    encode_audio,
    encode_chunk,
    transcode,
    write_assembly,
)
from workers.transcode.probe import probe

TITLE = "Long lecture: 3-minute 1080p clip, one process vs chunked on N workers (one run)"
TINY = os.environ.get("COURSEWAVE_BENCH_TINY") == "1"
CLIP_SECONDS, WIDTH, HEIGHT = (12, 320, 180) if TINY else (180, 1920, 1080)
CHUNK_WORKERS = 2 if TINY else 8
MODELED_WORKERS = (1, 2) if TINY else (1, 4, 8)
WALL_GOAL, CPU_GOAL = 0.25, 1.15
T = TypeVar("T")


@dataclass(frozen=True)
class Cost:
    wall: float
    cpu: float  # user + system seconds of FFmpeg/ffprobe (children) and this process


def _measured(action: Callable[[], T]) -> tuple[T, Cost]:
    cpu, started = cpu_seconds(), time.perf_counter()
    result = action()
    return result, Cost(time.perf_counter() - started, cpu_seconds() - cpu)


def makespan(durations: list[float], workers: int) -> float:
    """Longest-first list scheduling of ``durations`` on ``workers`` identical workers."""
    free = [0.0] * max(1, workers)
    for duration in sorted(durations, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + duration)
    return max(free)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-lecture-") as tmp:
        root = Path(tmp)
        clip = make_test_clip(
            root / "lecture.mp4", seconds=CLIP_SECONDS, width=WIDTH, height=HEIGHT,
            timeout_seconds=1800,
        )  # fmt: skip
        _, single = _measured(lambda: transcode(clip, root / "one", timeout_seconds=7200))
        split, parts, assembly = _chunked(clip, root / "chunked")
    part_walls = [cost.wall for cost in parts]
    chunked_cpu = split.cpu + sum(cost.cpu for cost in parts) + assembly.cpu
    cpu_ratio = chunked_cpu / single.cpu
    rows: list[dict[str, Any]] = [
        {
            "path": "one process",
            "wall s": f"{single.wall:.1f}",
            "x clip": f"{single.wall / CLIP_SECONDS:.2f}",
            "cpu s": f"{single.cpu:.1f}",
            "x one-process cpu": "1.00",
            "budget": "",
            "met": "",
            "note": "measured",
        },
        {
            "path": f"chunked, serial ({len(parts) - 1} chunks + audio)",
            "wall s": f"{split.wall + sum(part_walls) + assembly.wall:.1f}",
            "x clip": f"{(split.wall + sum(part_walls) + assembly.wall) / CLIP_SECONDS:.2f}",
            "cpu s": f"{chunked_cpu:.1f}",
            "x one-process cpu": f"{cpu_ratio:.2f}",
            "budget": f"cpu ≤ {CPU_GOAL}x one process",
            "met": verdict(cpu_ratio <= CPU_GOAL),
            "note": "measured",
        },
    ]
    for workers in MODELED_WORKERS:
        wall = split.wall + makespan(part_walls, workers) + assembly.wall
        judged = workers == max(MODELED_WORKERS)
        rows.append(
            {
                "path": f"chunked, {workers} worker(s)",
                "wall s": f"{wall:.1f}",
                "x clip": f"{wall / CLIP_SECONDS:.2f}",
                "cpu s": "",
                "x one-process cpu": "",
                "budget": f"≤ {WALL_GOAL}x clip" if judged else "",
                "met": verdict(wall / CLIP_SECONDS <= WALL_GOAL) if judged else "",
                "note": (
                    f"modeled: split {split.wall:.1f} + parts {makespan(part_walls, workers):.1f}"
                    f" (slowest {max(part_walls):.1f}) + assembly {assembly.wall:.2f}"
                ),
            }
        )
    return rows


def budgets(rows: list[dict[str, Any]]) -> list[Budget]:
    """The chunked ladder's CPU against one process's, and the most workers' modeled wall."""
    cpu = next(row for row in rows if str(row["path"]).startswith("chunked, serial"))
    wall = rows[-1]  # the most workers
    return [
        {
            "budget": f"long lecture: chunked CPU ≤ {CPU_GOAL}x the one-process ladder",
            "figure": f"{cpu['x one-process cpu']}x ({cpu['cpu s']} s)",
            "met": cpu["met"] == verdict(True),
        },
        {
            "budget": f"long lecture: modeled upload-to-ready on {wall['path'].split(', ')[1]}"
            f" ≤ {WALL_GOAL}x the clip",
            "figure": f"{wall['x clip']}x ({wall['wall s']} s of a {CLIP_SECONDS} s clip)",
            "met": wall["met"] == verdict(True),
        },
    ]


def _chunked(clip: Path, out: Path) -> tuple[Cost, list[Cost], Cost]:
    """Each part as a worker runs it, one after the other: (split, parts, assembly) costs."""
    out.mkdir()

    def split() -> Any:
        source = probe(clip)
        thumbnail(clip, out / "thumbnail.jpg", at_seconds=source.duration_seconds * THUMBNAIL_AT)
        plan = plan_ladder(source)
        return plan, plan_chunks(plan, CHUNK_WORKERS)

    (plan, chunks), split_cost = _measured(split)
    results, costs = [], []
    audio, cost = _measured(lambda: encode_audio(clip, plan, out, timeout_seconds=3600))
    results.append(audio)
    costs.append(cost)
    for chunk in chunks:
        part, cost = _measured(
            lambda chunk=chunk: encode_chunk(clip, plan, chunk, out, timeout_seconds=3600)
        )
        results.append(part)
        costs.append(cost)
    _, assembly_cost = _measured(lambda: write_assembly(assemble(results, len(chunks)), out))
    return split_cost, costs, assembly_cost
