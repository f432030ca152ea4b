"""The worker's settings, read from its environment (the container's task definition, or the
local runner's environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigurationError(RuntimeError):
    """The worker was started without a setting it needs."""


@dataclass(frozen=True)
class WorkerSettings:
    table_name: str
    media_bucket: str
    queue_url: str | None
    timeout_seconds: float = 9000.0  # the workflow's Transcode state allows 3 h in all
    keepalive_seconds: float = 60.0  # heartbeats; the workflow's HeartbeatSeconds is 900
    visibility_seconds: int = 900  # the message stays hidden this long past each keepalive

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> WorkerSettings:
        env = dict(os.environ if environ is None else environ)
        missing = [name for name in ("TABLE_NAME", "MEDIA_BUCKET") if not env.get(name)]
        if missing:
            raise ConfigurationError(f"missing setting {', '.join(missing)}")
        return cls(
            table_name=env["TABLE_NAME"],
            media_bucket=env["MEDIA_BUCKET"],
            queue_url=env.get("TRANSCODE_QUEUE_URL") or None,
            timeout_seconds=float(env.get("TRANSCODE_TIMEOUT_SECONDS") or cls.timeout_seconds),
        )
