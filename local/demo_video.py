"""The local runner's demo video: a clip generated with FFmpeg, uploaded and processed through
the real path (presigned POST to the local S3 → workflow → worker), then added to the demo
course as a preview video lesson.

It runs in a background thread, so the platform is usable at once; the runner prints progress.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import requests

from local.demo_course import DEMO_INSTRUCTOR
from local.samples import make_test_clip

LESSON_TITLE = "Your first look at the editor (video)"
READY_TIMEOUT_SECONDS = 180
HTTP_TIMEOUT_SECONDS = 30
COURSE_CATCH_UP_SECONDS = 30
# Long enough for two 6 s HLS segments, so a player is seen following the playlist past the first.
CLIP_SECONDS = 8


class ApiError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def seed_demo_video(platform: Any) -> None:
    """A seeder for ``local.seed.SEEDERS`` (after the demo course exists)."""
    threading.Thread(
        target=_seed_in_background, args=(platform,), name="demo-video", daemon=True
    ).start()


def _seed_in_background(platform: Any) -> None:
    try:
        lesson_id = _seed(platform)
    except Exception as exc:  # a demo that fails must not take the runner down
        platform.log(f"demo video: not added ({exc!r})")
        return
    platform.log(
        f"demo video: ready, lesson {lesson_id} of the demo course; play it with "
        f"GET /v1/courses/{platform.demo_course_id}/lessons/{lesson_id}/playback"
    )


def _seed(platform: Any) -> str:
    api = _DemoApi(platform.url, _token(platform))
    with tempfile.TemporaryDirectory(prefix="coursewave-demo-") as scratch:
        clip = make_test_clip(
            Path(scratch) / "demo.mp4", seconds=CLIP_SECONDS, width=640, height=360
        )
        ticket = api.call(
            "POST",
            "/v1/media/uploads",
            {
                "course_id": platform.demo_course_id,
                "filename": "first-look.mp4",
                "content_type": "video/mp4",
                "size_bytes": clip.stat().st_size,
            },
        )
        media_id = ticket["media_id"]
        platform.log(f"demo video: uploading {clip.stat().st_size} bytes as {media_id}")
        sent = requests.post(
            ticket["upload"]["url"],
            data=ticket["upload"]["fields"],
            files={"file": ("first-look.mp4", clip.read_bytes(), "video/mp4")},
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        sent.raise_for_status()
    _wait_until_ready(api, media_id, platform.log)
    course = api.call("GET", f"/v1/courses/{platform.demo_course_id}")
    body = {
        "section_id": course["sections"][0]["id"],
        "title": LESSON_TITLE,
        "type": "video",
        "video": {"source": "upload", "media_id": media_id},
        "preview": True,
        "position": 2,
    }
    # The course learns that the video is ready from the MediaReady event, a moment after the
    # media item says so: until then it answers 409.
    deadline = time.monotonic() + COURSE_CATCH_UP_SECONDS
    while True:
        try:
            lesson = api.call("POST", f"/v1/courses/{platform.demo_course_id}/lessons", body)
        except ApiError as error:
            if error.status != 409 or time.monotonic() > deadline:
                raise
            time.sleep(0.25)
            continue
        return str(lesson["id"])


def _wait_until_ready(api: _DemoApi, media_id: str, log: Any) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    shown = None
    while time.monotonic() < deadline:
        media = api.call("GET", f"/v1/media/{media_id}")
        state = (media["status"], media["progress_percent"])
        if state != shown:
            log(f"demo video: {media['status']} {media['progress_percent']}%")
            shown = state
        if media["status"] == "ready":
            return
        if media["status"] == "failed":
            raise RuntimeError(f"processing failed: {media['error']}")
        time.sleep(0.25)
    raise TimeoutError(f"not ready after {READY_TIMEOUT_SECONDS} s")


def _token(platform: Any) -> str:
    """The demo instructor's access token (the local pool allows USER_PASSWORD_AUTH)."""
    result = boto3.client("cognito-idp").initiate_auth(
        ClientId=platform.provisioned.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": DEMO_INSTRUCTOR, "PASSWORD": platform.demo_password},
    )
    return str(result["AuthenticationResult"]["AccessToken"])


class _DemoApi:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.request(
            method,
            self.base_url + path,
            json=body,
            headers=self.headers,
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        if response.status_code >= 400:
            raise ApiError(
                response.status_code,
                f"{method} {path} answered {response.status_code}: {response.text}",
            )
        return response.json()
