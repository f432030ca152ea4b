"""Outbound HTTPS to the identity providers (Cognito's OAuth endpoints, GitHub).

Plain urllib with short timeouts: every base URL comes from configuration, so tests and the
local runner point them at local fakes and nothing reaches the internet.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from coursewave.errors import ServiceUnavailable
from coursewave.observability import logger

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1024 * 1024
RETRY_AFTER_SECONDS = 30


class UpstreamError(ServiceUnavailable):
    """The provider could not be reached or answered something unusable: 503
    ``SERVICE_UNAVAILABLE`` with ``Retry-After`` for the caller (never a 500). ``reason`` names
    the URL and the failure, for the log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "The sign-in provider is unavailable; try again shortly.", RETRY_AFTER_SECONDS
        )
        self.reason = reason
        logger.warning("identity provider unavailable", extra={"reason": reason})


def call(
    method: str,
    url: str,
    *,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """(status, parsed JSON body) of one request; 4xx answers are returned, not raised."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise UpstreamError(f"refusing a non-HTTP URL: {url!r}")
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    all_headers = {"Accept": "application/json", "User-Agent": "coursewave", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)  # noqa: S310
    try:
        # bandit B310: the scheme was checked above (http and https only, never file: or custom).
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            status, raw = response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(MAX_RESPONSE_BYTES)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise UpstreamError(f"{method} {url} failed: {exc}") from exc
    try:
        return status, json.loads(raw) if raw else None
    except ValueError as exc:
        raise UpstreamError(f"{method} {url} answered {status} with a non-JSON body") from exc
