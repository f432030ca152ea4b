"""Video transcode core: an uploaded video in, an HLS ladder (+ thumbnail) out.

Pure Python around FFmpeg/ffprobe subprocesses; no AWS code. The worker that downloads the
upload, calls ``transcode`` and uploads the result lives in ``functions.transcode.worker``.
"""

from functions.transcode.errors import (
    NotAVideo,
    ProbeFailed,
    TranscodeError,
    TranscodeFailed,
    TranscodeTimeout,
)
from functions.transcode.ladder import LadderPlan, Rendition, plan_ladder
from functions.transcode.master import MeasuredRendition
from functions.transcode.pipeline import TranscodeResult, transcode
from functions.transcode.probe import SourceInfo, probe

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
