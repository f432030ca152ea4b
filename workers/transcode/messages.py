"""The worker's contract with the transcode workflow (statemachines/transcode.asl.json).

In: the ``Transcode`` state's queue message ``{task_token, media_id, attempt, source: {bucket,
key}}``. Out: the task's success output, which the workflow's ``ShapeRenditions`` and
``RecordVideo`` states write to the media item, or a failure ``Transcode.<kind>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from workers.transcode.pipeline import TranscodeResult

#: ``error`` of a task failure: ``Transcode.<TranscodeError subclass>``, or this one for an upload
#: that is gone.
SOURCE_MISSING = "Transcode.SourceMissing"


@dataclass(frozen=True)
class Task:
    token: str
    media_id: str
    attempt: str
    bucket: str
    key: str

    @classmethod
    def parse(cls, body: str) -> Task | None:
        """The task in a queue message, or None for a message that is not one."""
        try:
            data = json.loads(body)
            source = data["source"]
            return cls(
                token=str(data["task_token"]),
                media_id=str(data["media_id"]),
                attempt=str(data["attempt"]),
                bucket=str(source["bucket"]),
                key=str(source["key"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


class Outcome(Enum):
    DONE = "done"  # answered (or nothing to answer): delete the message
    RETRY = "retry"  # transient failure: leave the message for another delivery


def failure_error(error: Exception) -> str:
    """The ``error`` a ``TranscodeError`` fails the task with."""
    return f"Transcode.{type(error).__name__}"


def success_output(result: TranscodeResult, prefix: str) -> dict[str, Any]:
    """What the workflow records for a transcode published under ``prefix``."""
    return {
        "output_prefix": prefix,
        "master_playlist_key": prefix + result.master_playlist,
        "thumbnail_key": prefix + result.thumbnail,
        "duration_seconds": round(result.duration_seconds, 3),
        "renditions": [
            {
                "name": r.name,
                "width": r.width,
                "height": r.height,
                "bandwidth": r.bandwidth,
                "average_bandwidth": r.average_bandwidth,
                "codecs": r.codecs,
                "frame_rate": round(r.frame_rate, 3),
            }
            for r in result.renditions
        ],
    }
