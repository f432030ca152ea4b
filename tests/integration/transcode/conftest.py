"""Real-FFmpeg fixtures: small synthetic clips, generated once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from local.samples import make_test_clip


@pytest.fixture(scope="session", autouse=True)
def require_ffmpeg() -> None:
    """These tests exercise the real binaries: fail loudly (never skip) when they are missing."""
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found on PATH: the transcode integration tests need "
            "FFmpeg (apt-get install ffmpeg; the repository setup installs it).",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def landscape_clip(clips: Path) -> Path:
    """720p with audio, 8 s: one full 6 s segment plus a 2 s one."""
    return make_test_clip(clips / "lesson.mp4", seconds=8, width=1280, height=720)
