"""The worker's AWS adapters: the media item (DynamoDB), the workflow's task token (Step
Functions), the buckets (S3) and the work queue (SQS). boto3 and the standard library only.

The media item's attribute names come from ``coursewave.media_record``, shared with the media API
and the workflow definition (the image copies that one file).
"""

from __future__ import annotations

import json
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from botocore.exceptions import ClientError

from coursewave import media_record as record

UPLOAD_THREADS = 8
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".jpg": "image/jpeg",
}
# Everything under a run's prefix is written once and never changes.
CACHE_CONTROL = "max-age=31536000, immutable"
# The task token no longer exists: the workflow moved on (timeout, another delivery answered).
TASK_GONE = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})
CONDITION_FAILED = "ConditionalCheckFailedException"


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def missing_source(error: Exception) -> bool:
    """Whether a download failed because the uploaded object is gone."""
    return isinstance(error, ClientError) and error_code(error) in ("404", "NoSuchKey")


def content_type(relative: str) -> str:
    suffix = PurePosixPath(relative).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(relative)[0] or "binary/octet-stream"


class MediaItems:
    """The media item, as the worker reads it and writes it: every write is conditional on the
    item still processing this attempt (``ConditionalCheckFailedException`` otherwise)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def still_processing(self, media_id: str, attempt: str) -> bool:
        item = self.client.get_item(
            TableName=self.table_name,
            Key=_key(media_id),
            ConsistentRead=True,
            ProjectionExpression=f"#status, {record.ATTEMPT}",
            ExpressionAttributeNames={"#status": record.STATUS},
        ).get("Item")
        return (
            item is not None
            and item.get(record.STATUS, {}).get("S") == record.PROCESSING
            and item.get(record.ATTEMPT, {}).get("S") == attempt
        )

    def set_progress(self, media_id: str, attempt: str, percent: int) -> None:
        self._update(
            media_id,
            attempt,
            f"SET {record.PROGRESS_PERCENT} = :p",
            {":p": {"N": str(percent)}},
        )

    def add_progress(self, media_id: str, attempt: str, points: int) -> None:
        """Add ``points`` (parts finishing on several workers at once: an atomic ``ADD``)."""
        self._update(
            media_id,
            attempt,
            f"ADD {record.PROGRESS_PERCENT} :p",
            {":p": {"N": str(points)}},
        )

    def record_failure(self, media_id: str, attempt: str, code: str, message: str) -> None:
        """The instructor-facing message and error code (the workflow keeps them when it fails
        the item)."""
        self._update(
            media_id,
            attempt,
            f"SET #error = :message, {record.ERROR_CODE} = :code",
            {":message": {"S": message}, ":code": {"S": code}},
            names={"#error": record.ERROR},
        )

    def _update(
        self,
        media_id: str,
        attempt: str,
        expression: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
    ) -> None:
        self.client.update_item(
            TableName=self.table_name,
            Key=_key(media_id),
            UpdateExpression=expression,
            ConditionExpression=f"#status = :processing AND {record.ATTEMPT} = :attempt",
            ExpressionAttributeNames={"#status": record.STATUS, **(names or {})},
            ExpressionAttributeValues={
                ":processing": {"S": record.PROCESSING},
                ":attempt": {"S": attempt},
                **values,
            },
        )


class TaskTokens:
    """Answers to the workflow's ``.waitForTaskToken`` task."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def heartbeat(self, token: str) -> None:
        self.client.send_task_heartbeat(taskToken=token)

    def succeed(self, token: str, output: dict[str, Any]) -> None:
        self.client.send_task_success(taskToken=token, output=json.dumps(output))

    def fail(self, token: str, error: str, cause: str) -> None:
        self.client.send_task_failure(taskToken=token, error=error, cause=cause)


class Buckets:
    """Downloads from the uploads bucket; publishing to (and cleaning) the media bucket."""

    def __init__(self, client: Any, media_bucket: str) -> None:
        self.client = client
        self.media_bucket = media_bucket

    def download(self, bucket: str, key: str, path: Path) -> None:
        self.client.download_file(bucket, key, str(path))

    def publish(
        self, root: Path, prefix: str, files: tuple[str, ...], published: list[str]
    ) -> None:
        """Upload ``files`` (relative to ``root``) under ``prefix``, the playlists last (once
        what they reference is there); every key is appended to ``published`` before its upload
        starts, so a failed run can delete what it wrote."""
        playlists = tuple(f for f in files if PurePosixPath(f).suffix == ".m3u8")
        media = tuple(f for f in files if f not in playlists)
        with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
            for batch in (media, playlists):
                list(pool.map(lambda f: self.put(root / f, prefix + f, published), batch))

    def put(self, path: Path, key: str, published: list[str]) -> None:
        """Upload one file of a run to the media bucket (``key`` noted in ``published`` first)."""
        published.append(key)
        self.client.upload_file(
            str(path),
            self.media_bucket,
            key,
            ExtraArgs={"ContentType": content_type(key), "CacheControl": CACHE_CONTROL},
        )

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix`` of the media bucket; how many there were."""
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.media_bucket, Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
        self.delete(keys)
        return len(keys)

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            self.client.delete_objects(
                Bucket=self.media_bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )


class WorkQueue:
    """The work queue's messages: received, kept hidden while worked on, released, deleted."""

    def __init__(self, client: Any, queue_url: str | None) -> None:
        self.client = client
        self.queue_url = queue_url

    def receive(self, visibility_seconds: int) -> list[dict[str, Any]]:
        return list(
            self.client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=1,
                WaitTimeSeconds=20,
                VisibilityTimeout=visibility_seconds,
            ).get("Messages", [])
        )

    def hide(self, receipt_handle: str, seconds: int) -> None:
        """Keep (``seconds`` > 0) or release (0) a received message."""
        if self.queue_url:
            self.client.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )

    def delete(self, receipt_handle: str) -> None:
        self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt_handle)


def _key(media_id: str) -> dict[str, Any]:
    return {"PK": {"S": record.pk(media_id)}, "SK": {"S": record.SK}}
