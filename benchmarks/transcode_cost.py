"""Transcode cost per source minute: our worker's ladder on Fargate ARM vs AWS MediaConvert.

A generated ``CLIP_SECONDS`` clip at 720p and at 1080p (30 fps, H.264/AAC) goes through the
worker's own pipeline (``workers.transcode.pipeline.transcode``: probe, the one-process ladder,
thumbnail, the measured master playlist), on local files. Its CPU seconds (FFmpeg's and ffprobe's,
plus this process's) are scaled to one source minute and priced as Fargate ARM vCPU-hours with the
worker task's memory per vCPU (``benchmarks/cost_model.py``); MediaConvert's on-demand Basic tier
(single-pass AVC, <= 30 fps: all the ladder needs) is priced for the same outputs, one output
minute per rendition (the audio is muxed into each rendition, no audio-only output). Goal (issue
14): ours <= 1/10 of MediaConvert per source minute.

CPU seconds hardly move with other load on the machine, wall time does: the wall-time figure
(what one 2-vCPU task would be billed while it runs the job alone) is shown for reference.
``--tiny`` runs a 2 s clip of each.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks import Budget, cost_model, cpu_seconds, verdict
from local.samples import make_test_clip
from workers.transcode.pipeline import transcode

TITLE = "Transcode cost per source minute: worker ladder on Fargate ARM vs MediaConvert Basic"
TINY = os.environ.get("COURSEWAVE_BENCH_TINY") == "1"
CLIP_SECONDS = 2 if TINY else 24
SOURCES = (("720p", 1280, 720), ("1080p", 1920, 1080))
GOAL_RATIO = 0.10
TASK_VCPU = 2


def measure(clip: Path, out_dir: Path) -> tuple[float, float, cost_model.Renditions]:
    """(CPU seconds, wall seconds, outputs by resolution class) of the worker's whole pipeline."""
    cpu, started = cpu_seconds(), time.perf_counter()
    result = transcode(clip, out_dir)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    classes = [cost_model.resolution_class(min(r.width, r.height)) for r in result.renditions]
    if "uhd" in classes:
        raise AssertionError("a UHD rendition: the model prices SD and HD outputs only")
    return cpu, wall, cost_model.Renditions(sd=classes.count("sd"), hd=classes.count("hd"))


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-transcode-cost-") as scratch:
        for name, width, height in SOURCES:
            clip = make_test_clip(
                Path(scratch) / f"{name}.mp4", seconds=CLIP_SECONDS, width=width, height=height
            )
            cpu, wall, outputs = measure(clip, Path(scratch) / f"{name}-out")
            per_minute = 60 / CLIP_SECONDS
            cpu_minute, wall_minute = cpu * per_minute, wall * per_minute
            ours = cost_model.fargate_per_source_minute(cpu_minute)
            task = cost_model.fargate_per_source_minute(wall_minute * TASK_VCPU)
            theirs = cost_model.mediaconvert_per_source_minute(outputs)
            ratio = ours / theirs
            rows.append(
                {
                    "source": f"{name} ({CLIP_SECONDS} s clip, scaled to 1 min)",
                    "outputs": f"{outputs.hd} HD + {outputs.sd} SD",
                    "cpu s/min": f"{cpu_minute:.1f}",
                    "ours $/min": f"{ours:.5f}",
                    "MediaConvert $/min": f"{theirs:.4f}",
                    "ours / MC": f"{ratio:.3f} (1/{1 / ratio:.0f})",
                    "budget": f"≤ 1/{1 / GOAL_RATIO:.0f} of MediaConvert",
                    "met": verdict(ratio <= GOAL_RATIO),
                    "note": f"a 2-vCPU task for the wall time: ${task:.5f}/min "
                    f"({wall_minute:.0f} s/min here)",
                }
            )
    return rows


def budgets(rows: list[dict[str, object]]) -> list[Budget]:
    return [
        {
            "budget": f"transcode cost per source minute ≤ 1/{1 / GOAL_RATIO:.0f} of MediaConvert, "
            + str(row["source"]).split(" ", 1)[0],
            "figure": f"{row['ours / MC']}: ${row['ours $/min']} vs ${row['MediaConvert $/min']}",
            "met": row["met"] == verdict(True),
        }
        for row in rows
    ]
