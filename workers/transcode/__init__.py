"""Video transcode core: an uploaded video in, an HLS ladder (+ thumbnail) out.

Pure Python around FFmpeg/ffprobe subprocesses; no AWS code. The worker that downloads the
upload, calls ``transcode`` and uploads the result lives in ``workers.transcode.worker`` (its
entry points in ``workers.transcode.entry``; its container image in ``Dockerfile`` here).
"""

from workers.transcode.errors import (
    NotAVideo,
    ProbeFailed,
    TranscodeError,
    TranscodeFailed,
    TranscodeTimeout,
)
from workers.transcode.ladder import LadderPlan, Rendition, plan_ladder
from workers.transcode.master import MeasuredRendition
from workers.transcode.pipeline import TranscodeResult, transcode
from workers.transcode.probe import SourceInfo, probe

__all__ = [
    "LadderPlan",
    "MeasuredRendition",
    "NotAVideo",
    "ProbeFailed",
    "Rendition",
    "SourceInfo",
    "TranscodeError",
    "TranscodeFailed",
    "TranscodeResult",
    "TranscodeTimeout",
    "plan_ladder",
    "probe",
    "transcode",
]
