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

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1024 * 1024


class UpstreamError(Exception):
    """The provider could not be reached or answered something unusable."""


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
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status, raw = response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(MAX_RESPONSE_BYTES)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise UpstreamError(f"{method} {url} failed: {exc}") from exc
    try:
        return status, json.loads(raw) if raw else None
    except ValueError as exc:
        raise UpstreamError(f"{method} {url} answered {status} with a non-JSON body") from exc
