"""The worker's settings, read from its environment (the container's task definition, or the
local runner's environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: How many workers a long source is split for: the worker service's maximum capacity in AWS
#: (``infra_cdk``), the local runner's worker pool locally.
CHUNK_WORKERS_ENV = "TRANSCODE_CHUNK_WORKERS"
CHUNK_THRESHOLD_ENV = "TRANSCODE_CHUNK_THRESHOLD_SECONDS"
HEARTBEAT_ENV = "TRANSCODE_HEARTBEAT_SECONDS"
TIMEOUT_ENV = "TRANSCODE_TIMEOUT_SECONDS"
#: What only the worker reads (``WorkerSettings``), besides the platform's settings it shares.
WORKER_ENV = frozenset({CHUNK_WORKERS_ENV, CHUNK_THRESHOLD_ENV, HEARTBEAT_ENV, TIMEOUT_ENV})


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
    # Sources longer than this are encoded in chunks, in parallel, on ``chunk_workers`` workers.
    chunk_threshold_seconds: float = 240.0
    chunk_workers: int = 4
    # A chunk's task fails (and is retried) when its worker has not heartbeaten for this long.
    heartbeat_seconds: int = 900

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
            timeout_seconds=float(env.get(TIMEOUT_ENV) or cls.timeout_seconds),
            chunk_threshold_seconds=_number(env, CHUNK_THRESHOLD_ENV, cls.chunk_threshold_seconds),
            chunk_workers=int(_number(env, CHUNK_WORKERS_ENV, cls.chunk_workers)),
            heartbeat_seconds=int(_number(env, HEARTBEAT_ENV, cls.heartbeat_seconds)),
        )


def _number(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from exc
    if value <= 0:
        raise ConfigurationError(f"{name}={raw!r} must be positive")
    return value
