"""A tiny helper for authorization-matrix tests: who calls, what status (and code) comes back."""

from __future__ import annotations

from typing import Any

from tests.support.cloud import Caller, Platform


def check(
    platform: Platform,
    method: str,
    path: str,
    cases: list[tuple[str, Caller | None, int]],
    json_body: Any = None,
) -> None:
    """Each case is ``(label, caller, expected status)``; a banned caller must get
    ``ACCOUNT_DISABLED`` and anonymous callers of protected routes ``UNAUTHENTICATED``."""
    for label, caller, status in cases:
        response = platform.call(method, path, caller=caller, json_body=json_body)
        assert response.status == status, (label, response.status, response.json())
        if label == "banned":
            assert response.error_code == "ACCOUNT_DISABLED", label
        if status == 401:
            assert response.error_code == "UNAUTHENTICATED", label
        if status >= 400:
            assert response.json()["error"]["request_id"], label
