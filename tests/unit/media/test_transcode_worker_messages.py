"""The worker's inputs: task messages and settings (its AWS side is tested against moto)."""

from __future__ import annotations

import json
import signal

import pytest

from workers.transcode import aws
from workers.transcode.messages import Task
from workers.transcode.settings import ConfigurationError, WorkerSettings
from workers.transcode.shutdown import Interrupted, Shutdown


def test_a_task_message_is_read_from_the_workflow_message_body() -> None:
    body = json.dumps(
        {
            "task_token": "tok",
            "media_id": "med_1",
            "attempt": "exec-1",
            "source": {"bucket": "uploads", "key": "uploads/c/med_1/source.mp4"},
        }
    )
    expected = Task("tok", "med_1", "exec-1", "uploads", "uploads/c/med_1/source.mp4")
    assert Task.parse(body) == expected


@pytest.mark.parametrize(
    "body",
    ["", "not json", "[]", json.dumps({"task_token": "t"}), json.dumps({"source": None})],
)
def test_anything_else_is_not_a_task(body: str) -> None:
    assert Task.parse(body) is None


def test_settings_come_from_the_environment_and_name_what_is_missing() -> None:
    settings = WorkerSettings.from_env(
        {"TABLE_NAME": "t", "MEDIA_BUCKET": "m", "TRANSCODE_TIMEOUT_SECONDS": "120"}
    )
    assert (settings.table_name, settings.media_bucket, settings.queue_url) == ("t", "m", None)
    assert settings.timeout_seconds == 120

    with pytest.raises(ConfigurationError, match="MEDIA_BUCKET"):
        WorkerSettings.from_env({"TABLE_NAME": "t"})


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("master.m3u8", "application/vnd.apple.mpegurl"),
        ("720p/index.m3u8", "application/vnd.apple.mpegurl"),
        ("720p/seg_00000.ts", "video/mp2t"),
        ("thumbnail.jpg", "image/jpeg"),
    ],
)
def test_published_files_get_the_content_type_players_expect(name: str, content_type: str) -> None:
    assert aws.content_type(name) == content_type


def test_sigterm_interrupts_only_the_download_and_the_encode() -> None:
    shutdown = Shutdown()

    # Outside the interruptible window (uploading, answering) a stop is only noted...
    shutdown._on_signal(signal.SIGTERM, None)
    assert shutdown.requested

    # ...and no new download or encode starts once it is
    with pytest.raises(Interrupted), shutdown.interruptible():
        pytest.fail("the window must not open after a stop request")

    # Inside the window, a stop interrupts the work at once
    running = Shutdown()
    with pytest.raises(Interrupted), running.interruptible():
        running._on_signal(signal.SIGTERM, None)
    assert running.requested
