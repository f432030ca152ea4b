"""The transcode workflow on moto (Step Functions executing the real ASL), the worker in-process
with real FFmpeg: uploads become published HLS, failures become clear errors."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3

from functions.courses.public import lesson_media
from tests.integration.media.conftest import MediaWorld
from tests.support.personas import Personas
from workers.transcode.local_adapter import lambda_handler
from workers.transcode.messages import Task
from workers.transcode.settings import WorkerSettings


def _status(world: MediaWorld, media_id: str, caller: Any) -> dict[str, Any]:
    response = world.platform.call("GET", f"/v1/media/{media_id}", caller=caller)
    assert response.status == 200, response.body
    return response.json()


def _progress_history(world: MediaWorld, media_id: str) -> list[int]:
    """Every progress_percent the media item held, in order (from the table's stream)."""
    streams = boto3.client("dynamodbstreams")
    arn = world.platform.provisioned.table_stream_arn
    seen = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]:
            image = record["dynamodb"].get("NewImage", {})
            if image.get("PK", {}).get("S") == f"MEDIA#{media_id}":
                seen.append(int(image["progress_percent"]["N"]))
    return seen


def test_an_uploaded_video_is_transcoded_published_and_announced(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    # Given a video uploaded through its presigned POST
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, clip)
    assert _status(world, media_id, personas.instructor)["status"] == "awaiting_upload"

    # When the upload's "Object Created" event runs the workflow
    world.run_workflow()

    # Then the media is ready, with its measured rendition, duration and thumbnail
    media = _status(world, media_id, personas.instructor)
    assert media["status"] == "ready"
    assert media["progress_percent"] == 100
    assert 2.9 <= media["duration_seconds"] <= 3.1
    assert media["error"] is None
    [rendition] = media["renditions"]
    assert (rendition["name"], rendition["width"], rendition["height"]) == ("360p", 640, 360)
    assert rendition["bandwidth"] > 0
    assert "X-Amz-Signature=" in media["thumbnail_url"]

    # ...published under one fresh prefix, with the content types players need
    keys = world.published_keys(media_id)
    [prefix] = {key.rsplit("/", 1)[0] for key in keys if key.endswith("master.m3u8")}
    assert {key.removeprefix(prefix + "/") for key in keys} >= {
        "master.m3u8",
        "thumbnail.jpg",
        "360p/index.m3u8",
        "360p/seg_00000.ts",
    }
    s3 = boto3.client("s3")
    bucket = world.env["MEDIA_BUCKET"]
    assert s3.head_object(Bucket=bucket, Key=f"{prefix}/master.m3u8")["ContentType"] == (
        "application/vnd.apple.mpegurl"
    )
    assert s3.head_object(Bucket=bucket, Key=f"{prefix}/360p/seg_00000.ts")["ContentType"] == (
        "video/mp2t"
    )
    assert world.media(media_id).published_key == f"{prefix}/master.m3u8"

    # ...the progress went up while it ran
    history = _progress_history(world, media_id)
    assert history[-1] == 100
    assert any(0 < percent < 100 for percent in history)
    assert history == sorted(history)

    # ...MediaReady went to the bus, in the versioned envelope, correlated with the upload
    [ready] = world.bus_events("MediaReady")
    assert ready["source"] == "coursewave.media"
    assert ready["detail"]["data"] == {
        "media_id": media_id,
        "course_id": course_id,
        "owner_id": personas.instructor.user_id,
        "kind": "video",
        "duration_seconds": media["duration_seconds"],
        "renditions": ["360p"],
    }
    assert ready["detail"]["metadata"]["correlation_id"] == world.media(media_id).correlation_id
    assert world.bus_events("MediaFailed") == []
    assert [e["status"] for e in world.executions()] == ["SUCCEEDED"]

    # ...and the courses domain sees a ready video with its duration (its consumer ran)
    known = lesson_media(course_id, media_id)
    assert known is not None and known.ready
    assert known.duration_seconds == media["duration_seconds"]


def test_a_file_that_is_not_a_video_fails_clearly_and_publishes_nothing(
    world: MediaWorld, personas: Personas
) -> None:
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(
        personas.instructor, course_id, b"These are my lecture notes, not a video.\n" * 50
    )

    world.run_workflow()

    media = _status(world, media_id, personas.instructor)
    assert media["status"] == "failed"
    assert media["error"].startswith("This file doesn't look like a video")
    assert media["progress_percent"] == 0 and media["renditions"] == []
    assert world.published_keys(media_id) == []
    [failed] = world.bus_events("MediaFailed")
    assert failed["detail"]["data"]["error_code"] == "Transcode.NotAVideo"
    assert failed["detail"]["data"]["error"] == media["error"]
    assert world.bus_events("MediaReady") == []
    assert [e["status"] for e in world.executions()] == ["FAILED"]


def test_a_truncated_video_fails_and_publishes_nothing(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, clip[: len(clip) // 2])

    world.run_workflow()

    media = _status(world, media_id, personas.instructor)
    assert media["status"] == "failed"
    assert "video" in media["error"]
    assert world.published_keys(media_id) == []
    [failed] = world.bus_events("MediaFailed")
    assert failed["detail"]["data"]["error_code"].startswith("Transcode.")


def test_a_transcode_over_its_time_budget_fails_with_a_timeout(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    world.worker.settings = WorkerSettings(
        table_name=world.env["TABLE_NAME"],
        media_bucket=world.env["MEDIA_BUCKET"],
        queue_url=world.env["TRANSCODE_QUEUE_URL"],
        timeout_seconds=0.001,
    )
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, clip)

    world.run_workflow()

    media = _status(world, media_id, personas.instructor)
    assert media["status"] == "failed"
    assert "took too long" in media["error"]
    assert world.published_keys(media_id) == []
    [failed] = world.bus_events("MediaFailed")
    assert failed["detail"]["data"]["error_code"] == "Transcode.TranscodeTimeout"


def test_after_a_failure_the_instructor_can_upload_again(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    # Given an upload that failed
    course_id = world.course(personas.instructor)
    media_id, upload = world.upload(personas.instructor, course_id, b"not a video at all")
    world.run_workflow()
    assert world.media(media_id).status == "failed"

    # When the right file is posted again with the same (still valid) form
    world.post_file(upload, clip, "video/mp4")
    world.run_workflow()

    # Then the same media item is processed again and ready, its old error gone
    media = _status(world, media_id, personas.instructor)
    assert (media["status"], media["error"]) == ("ready", None)
    assert world.media(media_id).error_code is None
    assert len(world.bus_events("MediaFailed")) == 1
    assert len(world.bus_events("MediaReady")) == 1

    # ...and a new upload is a new media item
    other_id, _ = world.upload(personas.instructor, course_id, clip)
    world.run_workflow()
    assert other_id != media_id
    assert world.media(other_id).status == "ready"


def test_a_duplicate_object_created_event_transcodes_once(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    # Given one upload whose "Object Created" event EventBridge delivers twice (AWS gives each
    # delivery its own execution, so the duplicate gets another name)
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, clip)
    sqs = boto3.client("sqs")
    bridge = world.platform.provisioned.state_machine_queues["transcode"]
    [message] = sqs.receive_message(QueueUrl=bridge).get("Messages", [])
    event = json.loads(message["Body"])
    sqs.delete_message(QueueUrl=bridge, ReceiptHandle=message["ReceiptHandle"])
    for delivery in ("first", "second"):
        sqs.send_message(QueueUrl=bridge, MessageBody=json.dumps({**event, "id": delivery}))

    # When both run
    world.run_workflow()

    # Then both executions end well, but only one transcoded and published
    assert sorted(e["status"] for e in world.executions()) == ["SUCCEEDED", "SUCCEEDED"]
    prefixes = {key.split("/")[2] for key in world.published_keys(media_id)}
    assert len(prefixes) == 1
    assert len(world.bus_events("MediaReady")) == 1
    assert world.media(media_id).status == "ready"


def test_a_redelivered_task_message_is_dropped_once_answered(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    # Given a finished transcode whose task message comes back (e.g. its delete was lost)
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, clip)
    delivered: list[str] = []
    world.work_queue.handler = lambda event, context: (
        delivered.extend(r["body"] for r in event["Records"])
        or lambda_handler(event, context, worker=world.worker)
    )
    world.run_workflow()
    published = world.published_keys(media_id)
    assert len(delivered) == 1 and Task.parse(delivered[0]) is not None

    # When the worker gets it again
    result = lambda_handler(
        {"Records": [{"messageId": "again", "body": delivered[0]}]}, None, worker=world.worker
    )

    # Then it is acknowledged and nothing changes
    assert result == {"batchItemFailures": []}
    assert world.published_keys(media_id) == published
    assert world.media(media_id).status == "ready"
    assert len(world.bus_events("MediaReady")) == 1


def test_images_and_documents_are_published_as_uploaded(
    world: MediaWorld, personas: Personas
) -> None:
    course_id = world.course(personas.instructor)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    image_id, _ = world.upload(personas.instructor, course_id, png, "slide.png", "image/png")
    pdf_id, _ = world.upload(
        personas.instructor, course_id, b"%PDF-1.7\n%%EOF\n", "notes.pdf", "application/pdf"
    )

    world.run_workflow()

    image = _status(world, image_id, personas.instructor)
    assert (image["status"], image["kind"], image["renditions"]) == ("ready", "image", [])
    assert "X-Amz-Signature=" in image["thumbnail_url"]
    [image_key] = world.published_keys(image_id)
    assert image_key.endswith("/source.png")
    body = boto3.client("s3").get_object(Bucket=world.env["MEDIA_BUCKET"], Key=image_key)
    assert body["Body"].read() == png
    assert body["ContentType"] == "image/png"
    document = _status(world, pdf_id, personas.instructor)
    assert (document["status"], document["thumbnail_url"]) == ("ready", None)
    kinds = sorted(e["detail"]["data"]["kind"] for e in world.bus_events("MediaReady"))
    assert kinds == ["document", "image"]


def _first_task(world: MediaWorld) -> dict[str, Any]:
    """Start the pending executions and take the first task message off the work queue."""
    world.bridge.poll_once()
    sqs = boto3.client("sqs")
    queue = world.env["TRANSCODE_QUEUE_URL"]
    for _ in range(200):
        messages = sqs.receive_message(QueueUrl=queue).get("Messages", [])
        if messages:
            return messages[0]
        time.sleep(0.05)
    raise AssertionError("no task message")


def test_a_task_whose_execution_was_stopped_is_dropped_without_publishing(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, clip)
    message = _first_task(world)
    [execution] = world.running()
    boto3.client("stepfunctions").stop_execution(executionArn=execution["executionArn"])

    result = lambda_handler(
        {"Records": [{"messageId": "m", "body": message["Body"]}]}, None, worker=world.worker
    )

    assert result == {"batchItemFailures": []}
    assert world.published_keys(media_id) == []
    assert world.bus_events("MediaReady") == []


def test_an_upload_that_vanished_fails_the_media(
    world: MediaWorld, personas: Personas, clip: bytes
) -> None:
    course_id = world.course(personas.instructor)
    media_id, upload = world.upload(personas.instructor, course_id, clip)
    message = _first_task(world)
    boto3.client("s3").delete_object(
        Bucket=world.env["UPLOADS_BUCKET"], Key=upload["fields"]["key"]
    )

    lambda_handler(
        {"Records": [{"messageId": "m", "body": message["Body"]}]}, None, worker=world.worker
    )
    world.run_workflow()

    media = world.media(media_id)
    assert (media.status, media.error_code) == ("failed", "Transcode.SourceMissing")
    assert "could not be found" in (media.error or "")
