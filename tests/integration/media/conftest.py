"""The media world for integration tests: courses, uploads through the real presigned POST, the
transcode workflow on moto, and the worker driven in-process with real FFmpeg."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from functions.media.repository import Media
from local.pollers import SqsPoller, StateMachineTarget
from local.samples import make_test_clip
from tests.support.cloud import Caller, Platform, Response
from tests.support.contracts import validate_detail
from workers.transcode.local_adapter import lambda_handler
from workers.transcode.settings import WorkerSettings
from workers.transcode.worker import Worker

NEW_COURSE = {
    "title": "Field recording basics",
    "description": "Microphones, levels and editing, from the first take to the final mix.",
    "category": "photography-and-video",
    "level": "beginner",
    "price": {"amount": 0, "currency": "USD"},
}


@pytest.fixture(scope="session", autouse=True)
def require_ffmpeg() -> None:
    """The workflow tests run the real binaries: fail loudly (never skip) when they are missing."""
    missing = [tool for tool in ("ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found on PATH", pytrace=False)


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 3 s 640x360 H.264/AAC clip: one rendition, two segments, quick to transcode."""
    path = tmp_path_factory.mktemp("media") / "lesson.mp4"
    return make_test_clip(path, seconds=3, width=640, height=360).read_bytes()


def _quiet(_: str) -> None:
    return None


@dataclass
class MediaWorld:
    platform: Platform
    worker: Worker
    bridge: StateMachineTarget
    work_queue: SqsPoller
    tap_queue_url: str
    seen_events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return self.platform.provisioned.env

    @property
    def state_machine_arn(self) -> str:
        return self.platform.provisioned.state_machines["transcode"]

    # -- courses and lessons (through the courses API) --------------------------------------

    def course(self, owner: Caller, *, publish: bool = False) -> str:
        created = self.platform.call("POST", "/v1/courses", caller=owner, json_body=NEW_COURSE)
        assert created.status == 201, created.body
        course_id = created.json()["id"]
        if publish:
            self.lesson(owner, course_id, {"type": "text", "content": "Welcome!"})
            published = self.platform.call("POST", f"/v1/courses/{course_id}/publish", caller=owner)
            assert published.status == 200, published.body
        return course_id

    def lesson(self, owner: Caller, course_id: str, fields: dict[str, Any]) -> str:
        section = self.platform.call(
            "POST", f"/v1/courses/{course_id}/sections", caller=owner, json_body={"title": "One"}
        )
        assert section.status == 201, section.body
        body = {"section_id": section.json()["id"], "title": "A lesson", **fields}
        lesson = self.platform.call(
            "POST", f"/v1/courses/{course_id}/lessons", caller=owner, json_body=body
        )
        assert lesson.status == 201, lesson.body
        return str(lesson.json()["id"])

    # -- uploads ----------------------------------------------------------------------------

    def request_upload(
        self,
        caller: Caller | None,
        course_id: str,
        filename: str = "lesson.mp4",
        content_type: str = "video/mp4",
        size_bytes: int = 1000,
    ) -> Response:
        return self.platform.call(
            "POST",
            "/v1/media/uploads",
            caller=caller,
            json_body={
                "course_id": course_id,
                "filename": filename,
                "content_type": content_type,
                "size_bytes": size_bytes,
            },
        )

    def upload(
        self,
        caller: Caller,
        course_id: str,
        data: bytes,
        filename: str = "lesson.mp4",
        content_type: str = "video/mp4",
    ) -> tuple[str, dict[str, Any]]:
        """(media id, upload ticket) of a file sent through the presigned POST."""
        ticket = self.request_upload(caller, course_id, filename, content_type, len(data))
        assert ticket.status == 201, ticket.body
        self.post_file(ticket.json()["upload"], data, content_type)
        return ticket.json()["media_id"], ticket.json()["upload"]

    @staticmethod
    def post_file(upload: dict[str, Any], data: bytes, content_type: str) -> None:
        sent = requests.post(
            upload["url"],
            data=upload["fields"],
            files={"file": ("upload", data, content_type)},
            timeout=30,
        )
        assert sent.status_code in (200, 201, 204), sent.text

    # -- the workflow -----------------------------------------------------------------------

    def run_workflow(self, timeout: float = 120.0) -> None:
        """Start executions for pending upload events and feed the worker until all are done,
        then run the event plumbing (courses learns its media's outcome from the events)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = self.bridge.poll_once()
            worked = self.work_queue.poll_once()
            if not (started or worked or self.running()):
                self.platform.drain()
                return
            if not worked:
                time.sleep(0.05)
        raise AssertionError(f"the transcode workflow did not settle within {timeout} s")

    def running(self) -> list[dict[str, Any]]:
        return self.executions("RUNNING")

    def executions(self, status: str | None = None) -> list[dict[str, Any]]:
        sfn = boto3.client("stepfunctions")
        kwargs: dict[str, Any] = {"stateMachineArn": self.state_machine_arn}
        if status:
            kwargs["statusFilter"] = status
        return list(sfn.list_executions(**kwargs)["executions"])

    def bus_events(self, detail_type: str) -> list[dict[str, Any]]:
        """Events the workflow put on the coursewave bus, each checked against its contract."""
        sqs = boto3.client("sqs")
        while True:
            messages = sqs.receive_message(QueueUrl=self.tap_queue_url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not messages:
                break
            for message in messages:
                event = json.loads(message["Body"])
                validate_detail(event["detail-type"], event["detail"])
                self.seen_events.append(event)
                receipt = message["ReceiptHandle"]
                sqs.delete_message(QueueUrl=self.tap_queue_url, ReceiptHandle=receipt)
        return [e for e in self.seen_events if e["detail-type"] == detail_type]

    # -- what was stored --------------------------------------------------------------------

    def media(self, media_id: str) -> Media:
        media = Media.find(media_id)
        assert media is not None
        return media

    def published_keys(self, media_id: str) -> list[str]:
        listing = boto3.client("s3").list_objects_v2(
            Bucket=self.env["MEDIA_BUCKET"], Prefix=f"media/{media_id}/"
        )
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def world(platform: Platform, tmp_path: Path) -> Iterator[MediaWorld]:
    out = platform.provisioned
    sqs = boto3.client("sqs")
    events = boto3.client("events")
    tap = sqs.create_queue(QueueName="media-events-tap")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    bus = out.env["EVENT_BUS_NAME"]
    events.put_rule(
        Name="media-events-tap",
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["coursewave.media"]}),
    )
    events.put_targets(
        Rule="media-events-tap", EventBusName=bus, Targets=[{"Id": "tap", "Arn": tap_arn}]
    )
    worker = Worker(WorkerSettings.from_env())
    yield MediaWorld(
        platform=platform,
        worker=worker,
        bridge=StateMachineTarget(
            "sfn-transcode",
            out.state_machine_queues["transcode"],
            out.state_machines["transcode"],
            _quiet,
        ),
        work_queue=SqsPoller(
            "transcode-worker",
            out.consumer_queues["transcode"],
            partial(lambda_handler, worker=worker),
            _quiet,
            batch_size=1,
        ),
        tap_queue_url=tap,
    )
