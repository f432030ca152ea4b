"""The worker's contract with the transcode workflow (statemachines/transcode.asl.json).

In: the ``Transcode`` state's queue message ``{task_token, media_id, attempt, source: {bucket,
key}}``. Out: the task's success output, which the workflow's ``ShapeRenditions`` and
``RecordVideo`` states write to the media item, or a failure ``Transcode.<kind>``.

A long source answers ``Transcode`` with a chunk plan instead (``chunked: true``, its ``parts``);
the workflow then sends one ``action: "part"`` task per part (``EncodeParts``, a ``Map``), one
``action: "assemble"`` task with every part's result, and on failure one ``action: "discard"``
task that deletes what the parts wrote under ``output_prefix``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from workers.transcode.master import MeasuredRendition
from workers.transcode.pipeline import TranscodeResult

#: ``error`` of a task failure: ``Transcode.<TranscodeError subclass>``, or this one for an upload
#: that is gone.
SOURCE_MISSING = "Transcode.SourceMissing"


TRANSCODE, PART, ASSEMBLE, DISCARD = "transcode", "part", "assemble", "discard"
ACTIONS = frozenset({TRANSCODE, PART, ASSEMBLE, DISCARD})


def output_prefix(media_id: str, run_id: str) -> str:
    return f"media/{media_id}/{run_id}/"


@dataclass(frozen=True)
class Task:
    token: str
    media_id: str
    attempt: str
    bucket: str
    key: str
    action: str = TRANSCODE
    #: Where a chunked run's parts are written (part, assemble and discard tasks).
    output_prefix: str | None = None
    #: The rest of the message (``part``; ``parts``, ``chunks``… for ``assemble``).
    details: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, body: str) -> Task | None:
        """The task in a queue message, or None for a message that is not one (or whose
        ``output_prefix`` is not a run prefix of its own media item)."""
        try:
            data = json.loads(body)
            source = data["source"]
            task = cls(
                token=str(data["task_token"]),
                media_id=str(data["media_id"]),
                attempt=str(data["attempt"]),
                bucket=str(source["bucket"]),
                key=str(source["key"]),
                action=str(data.get("action") or TRANSCODE),
                output_prefix=data.get("output_prefix"),
                details=data,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if task.action not in ACTIONS:
            return None
        if task.action != TRANSCODE and not _run_prefix(task.media_id, task.output_prefix):
            return None
        return task


def _run_prefix(media_id: str, prefix: object) -> bool:
    return isinstance(prefix, str) and bool(
        re.fullmatch(re.escape(f"media/{media_id}/") + r"[0-9a-f]{32}/", prefix)
    )


class Outcome(Enum):
    DONE = "done"  # answered (or nothing to answer): delete the message
    RETRY = "retry"  # transient failure: leave the message for another delivery


def failure_error(error: Exception) -> str:
    """The ``error`` a ``TranscodeError`` fails the task with."""
    return f"Transcode.{type(error).__name__}"


def success_output(result: TranscodeResult, prefix: str) -> dict[str, Any]:
    """What the workflow records for a transcode published under ``prefix``."""
    return ladder_output(
        prefix,
        renditions=result.renditions,
        duration_seconds=result.duration_seconds,
        master_playlist=result.master_playlist,
        thumbnail_key=prefix + result.thumbnail,
        audio_rendition=result.audio_rendition,
    )


def ladder_output(
    prefix: str,
    *,
    renditions: Iterable[MeasuredRendition],
    duration_seconds: float,
    master_playlist: str,
    thumbnail_key: str,
    audio_rendition: str | None,
) -> dict[str, Any]:
    """A published ladder as the workflow records it (``chunked: false``: nothing left to do)."""
    return {
        "chunked": False,
        "output_prefix": prefix,
        "master_playlist_key": prefix + master_playlist,
        "thumbnail_key": thumbnail_key,
        "duration_seconds": round(duration_seconds, 3),
        "audio_rendition": audio_rendition or "",
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
            for r in renditions
        ],
    }
