"""``python -m benchmarks --tiny``: the load and transcode-cost benchmarks run end to end through
the entry point (each in its own interpreter), so they cannot silently break. Their figures are
not judged here: a tiny run on a shared machine measures nothing worth a threshold."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.conftest import REPO_ROOT


def test_the_load_and_cost_benchmarks_run_in_tiny_mode() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "load", "transcode_cost"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    out = done.stdout
    assert "FAILED" not in out
    # The load profile ran every route of the mix and checked the table afterwards.
    assert "0 errors, no lost writes" in out
    for route in (
        "GET /v1/courses ",
        "GET /v1/courses/{id} ",
        "POST /v1/courses/{id}/enroll ",
        "GET /v1/courses/{id}/lessons/{lesson_id}/playback ",
        "POST /v1/courses/{id}/lessons/{lesson_id}/complete ",
        "PUT /v1/courses/{id}/lessons/{lesson_id}/position ",
        "GET /v1/courses/{id}/progress ",
    ):
        assert route in out  # every learner walks the whole mix once first
    assert "$ per 1M mixed: Lambda duration + DynamoDB" in out
    # The cost per source minute priced both sources against MediaConvert.
    assert "720p (2 s clip" in out and "1080p (2 s clip" in out
    assert "MediaConvert $/min" in out
