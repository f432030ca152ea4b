"""Transcode: what the whole upload-to-ready path costs over FFmpeg itself.

One 60 s 720p clip (H.264/AAC, generated), three ways, in one run:

* **ours**: the local platform end to end: presigned POST to the local S3 → "Object Created" →
  the workflow (moto Step Functions) → the worker (download, the one-process ladder, thumbnail,
  measured master playlist, upload) → the item is ``ready`` (timed from the POST to the first
  ``GET /v1/media/{id}`` that says so; polled every 50 ms over the encode's last 5 %, before
  that at half the time the progress so far says is left until then, at most every 5 s);
* **by hand**: the same ladder command (``build_ladder_command``) run directly;
* **per rendition**: one FFmpeg process per rendition with the same settings
  (``per_rendition_commands``), one after the other, and all at once.

Each path runs ``ROUNDS`` times, interleaved, and the fastest run counts. Targets (DESIGN.md
§4, issue 14): ours ≤ 1.10x by hand; ours ≥ 1.2x faster than one process per rendition.
``--tiny``: a 2 s 360p clip, one round, a 1 s idle sample.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

from benchmarks import Budget, cpu_seconds, tiny, verdict
from local.samples import make_test_clip
from workers.transcode.ffmpeg import build_ladder_command, per_rendition_commands
from workers.transcode.ladder import plan_ladder
from workers.transcode.probe import probe

CLIP_SECONDS = 2 if tiny() else 60
WIDTH, HEIGHT = (640, 360) if tiny() else (1280, 720)
ROUNDS = 1 if tiny() else 2
IDLE_SAMPLE_SECONDS = 1.0 if tiny() else 5.0
TITLE = (
    f"Transcode: upload-to-ready of a {CLIP_SECONDS} s {HEIGHT}p clip vs FFmpeg by hand "
    "(ratios, one run)"
)
READY_BUDGET = 1.10  # ours, wall time, x the ladder by hand
FASTER_BUDGET = 1.2  # ours faster than one process per rendition, in sequence
OURS, SEQUENCE = "ours: upload to ready", "one process per rendition, in sequence"
SLOW_POLL_SECONDS, FAST_POLL_SECONDS, MAX_POLL_SECONDS = 1.0, 0.05, 5.0
#: The progress shown once FFmpeg is 95 % through (95 x 95 % x 90 %, the pipeline's and the
#: worker's shares): the last seconds before ready, which a 1 s poll would overshoot.
FAST_POLL_FROM_PERCENT = 80
NEW_COURSE = {
    "title": "Benchmark course",
    "description": "A course that holds the benchmark's upload.",
    "category": "photography-and-video",
    "level": "beginner",
    "price": {"amount": 0, "currency": "USD"},
}


@dataclass(frozen=True)
class Cost:
    wall: float  # seconds
    cpu: float  # user + system seconds of the work (FFmpeg's and, for ours, the platform's)


def _measured(action: Callable[[], Any]) -> Cost:
    cpu, started = cpu_seconds(include_self=False), time.perf_counter()
    action()
    return Cost(time.perf_counter() - started, cpu_seconds(include_self=False) - cpu)


def _run_in_empty_dir(command: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ffmpeg-") as out:
        subprocess.run(command, cwd=out, check=True, capture_output=True)


def _ladder_by_hand(clip: Path) -> Cost:
    command = build_ladder_command(clip, plan_ladder(probe(clip)))
    return _measured(lambda: _run_in_empty_dir(command))


def _per_rendition(clip: Path, parallel: bool) -> Cost:
    commands = per_rendition_commands(clip, plan_ladder(probe(clip)))

    def run_all() -> None:
        if parallel:
            with ThreadPoolExecutor(max_workers=len(commands)) as pool:
                list(pool.map(_run_in_empty_dir, commands))
        else:
            for command in commands:
                _run_in_empty_dir(command)

    return _measured(run_all)


class _LocalPlatform:
    """The local runner in this process (moto server, gateway, pollers, worker), one instructor
    and one course to upload into."""

    def __enter__(self) -> _LocalPlatform:
        from local import seed
        from local.runner import LocalPlatform

        self.platform = LocalPlatform(port=0, seed_demo=False, log=lambda _: None)
        self.platform.start()
        provisioned = self.platform.provisioned
        assert provisioned is not None
        email, password = "bench-instructor@example.test", seed.generate_password()
        seed.create_user(
            provisioned.user_pool_id, email, "Bench", ("student", "instructor"), password
        )
        token = boto3.client("cognito-idp").initiate_auth(
            ClientId=provisioned.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )["AuthenticationResult"]["AccessToken"]
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {token}"
        self.course_id = self._call("POST", "/v1/courses", NEW_COURSE)["id"]
        return self

    def __exit__(self, *_: object) -> None:
        self.platform.stop()

    def idle_cpu_rate(self, seconds: float = IDLE_SAMPLE_SECONDS) -> float:
        """CPU seconds per second the runner burns doing nothing (its pollers, moto)."""
        cpu, started = cpu_seconds(include_self=True), time.perf_counter()
        time.sleep(seconds)
        return (cpu_seconds(include_self=True) - cpu) / (time.perf_counter() - started)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.api.request(method, self.platform.url + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def upload_to_ready(self, clip: Path) -> Cost:
        """From the POST to S3 to ready; CPU of this whole process (moto, gateway, worker,
        client) and of the FFmpeg/ffprobe processes the worker ran."""
        data = clip.read_bytes()
        ticket = self._call(
            "POST",
            "/v1/media/uploads",
            {
                "course_id": self.course_id,
                "filename": "bench.mp4",
                "content_type": "video/mp4",
                "size_bytes": len(data),
            },
        )
        cpu, started = cpu_seconds(include_self=True), time.perf_counter()
        requests.post(
            ticket["upload"]["url"],
            data=ticket["upload"]["fields"],
            files={"file": ("bench.mp4", data, "video/mp4")},
            timeout=120,
        ).raise_for_status()
        while True:
            media = self._call("GET", f"/v1/media/{ticket['media_id']}")
            if media["status"] == "ready":
                return Cost(time.perf_counter() - started, cpu_seconds(include_self=True) - cpu)
            if media["status"] == "failed":
                raise RuntimeError(f"the benchmark upload failed: {media['error']}")
            time.sleep(poll_pause(media["progress_percent"], time.perf_counter() - started))


def poll_pause(percent: int, elapsed: float) -> float:
    """Seconds until the next ``GET``. Each poll is a request through the gateway, whose CPU
    FFmpeg would miss on this shared machine: until the encode is nearly done, wait half the
    time the progress so far says is left until then (1 s while nothing is known)."""
    if percent >= FAST_POLL_FROM_PERCENT:
        return FAST_POLL_SECONDS
    if percent <= 0:
        return SLOW_POLL_SECONDS
    left = elapsed * (FAST_POLL_FROM_PERCENT - percent) / percent
    return min(MAX_POLL_SECONDS, max(FAST_POLL_SECONDS, left / 2))


def run() -> list[dict[str, object]]:
    """Each path ``ROUNDS`` times, interleaved; the best run of each counts (on a shared machine
    the minimum is the least disturbed measurement). CPU seconds are reported beside wall time:
    they hardly move with other load on the machine, wall time does. The local runner's pollers
    and moto burn CPU even when idle (``idle_cpu_rate``): the pipeline's own cost is estimated
    without it, since the worker runs alone in its container in AWS."""
    costs: dict[str, list[Cost]] = {"ours": [], "hand": [], "sequence": [], "parallel": []}
    with (
        tempfile.TemporaryDirectory(prefix="bench-transcode-") as scratch,
        _LocalPlatform() as local,
    ):
        clip = make_test_clip(
            Path(scratch) / "clip.mp4", seconds=CLIP_SECONDS, width=WIDTH, height=HEIGHT, fps=30
        )
        renditions = ", ".join(r.name for r in plan_ladder(probe(clip)).renditions)
        idle_rate = local.idle_cpu_rate()
        for _ in range(ROUNDS):
            costs["hand"].append(_ladder_by_hand(clip))
            costs["ours"].append(local.upload_to_ready(clip))
            costs["sequence"].append(_per_rendition(clip, parallel=False))
            costs["parallel"].append(_per_rendition(clip, parallel=True))
    wall = {path: min(c.wall for c in runs) for path, runs in costs.items()}
    cpu = {path: min(c.cpu for c in runs) for path, runs in costs.items()}
    leanest = min(costs["ours"], key=lambda c: c.cpu)
    pipeline_cpu = leanest.cpu - idle_rate * leanest.wall

    def row(path: str, key: str, budget: str = "-", met: bool | None = None) -> dict[str, object]:
        return {
            "path": path,
            "wall s": f"{wall[key]:.1f}",
            "wall vs by hand": f"{wall[key] / wall['hand']:.2f}x",
            "ours faster by": f"{wall[key] / wall['ours']:.2f}x" if key != "ours" else "-",
            "cpu s": f"{cpu[key]:.1f}",
            "cpu vs by hand": f"{cpu[key] / cpu['hand']:.2f}x",
            "budget": budget,
            "met": "-" if met is None else verdict(met),
        }

    ready = wall["ours"] / wall["hand"]
    faster = wall["sequence"] / wall["ours"]
    return [
        row(
            f"{OURS} ({renditions})",
            "ours",
            f"wall ≤ {READY_BUDGET:.2f}x by hand",
            ready <= READY_BUDGET,
        ),
        {
            "path": "ours, less the idle local runner (pollers, moto)",
            "wall s": "-",
            "wall vs by hand": "-",
            "ours faster by": "-",
            "cpu s": f"{pipeline_cpu:.1f}",
            "cpu vs by hand": f"{pipeline_cpu / cpu['hand']:.2f}x",
            "budget": f"(idle: {idle_rate:.2f} cpu s/s)",
            "met": "-",
        },
        row("by hand: the same one-process ladder command (baseline)", "hand"),
        row(SEQUENCE, "sequence", f"ours ≥ {FASTER_BUDGET}x faster", faster >= FASTER_BUDGET),
        row("one process per rendition, all at once (for reference)", "parallel"),
    ]


def budgets(rows: list[dict[str, object]]) -> list[Budget]:
    ours = next(row for row in rows if str(row["path"]).startswith(OURS))
    sequence = next(row for row in rows if row["path"] == SEQUENCE)
    return [
        {
            "budget": f"upload-to-ready ≤ {READY_BUDGET:.2f}x the FFmpeg ladder by hand "
            f"({CLIP_SECONDS} s {HEIGHT}p)",
            "figure": f"{ours['wall vs by hand']} ({ours['wall s']} s)",
            "met": ours["met"] == verdict(True),
        },
        {
            "budget": f"the pipeline ≥ {FASTER_BUDGET}x faster than one process per rendition",
            "figure": f"{sequence['ours faster by']}",
            "met": sequence["met"] == verdict(True),
        },
    ]
