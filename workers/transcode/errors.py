"""Typed transcode errors.

Every error carries two texts: ``str(error)`` is the technical detail for logs (paths, FFmpeg's
stderr), ``public_message`` is safe to show an instructor (no paths, no tool output).

``retryable`` tells the worker whether running the same job again may succeed. The policy is
deliberately conservative: everything is *not* retryable by default, because the same input on
the same machine fails the same way (a corrupt file, a video too long for the time budget, an
FFmpeg process killed by SIGKILL, which in a container is almost always the OOM killer and would
be killed again). The one exception is an FFmpeg process stopped from outside with
SIGTERM/SIGINT/SIGHUP (the container or instance being shut down): the input was never the
problem, so a retry elsewhere should work. Callers may override ``retryable`` per instance.
"""

from __future__ import annotations


class TranscodeError(Exception):
    """Base class of every error this package raises on purpose."""

    public_message: str = "We couldn't process this video. Please try again or contact support."
    retryable: bool = False

    def __init__(
        self,
        detail: str,
        *,
        public_message: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if public_message is not None:
            self.public_message = public_message
        if retryable is not None:
            self.retryable = retryable


class NotAVideo(TranscodeError):
    """The upload is not a video we accept (text, image, audio only, corrupt, absurd values)."""

    public_message = (
        "This file doesn't look like a video we can read. "
        "Please upload an MP4, MOV, MKV or WebM video file."
    )


class ProbeFailed(TranscodeError):
    """ffprobe could not be run or gave output we cannot use (an environment problem)."""

    public_message = "We couldn't inspect this video. Please try again later."


class TranscodeFailed(TranscodeError):
    """FFmpeg exited with an error, or its output is incomplete."""

    public_message = (
        "We couldn't convert this video for streaming. The file may be damaged: "
        "try exporting it again from your editing software and re-uploading it."
    )


class TranscodeTimeout(TranscodeError):
    """The job exceeded its time budget; the FFmpeg process was killed."""

    public_message = (
        "This video took too long to process. Try uploading a shorter or lower-resolution version."
    )
