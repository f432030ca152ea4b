"""The small HTTP client the mobile-money adapters share: timeouts, and errors in the port's words.

A connection error, a timeout or a 5xx (and 429) is ``ProviderUnavailable`` (try again later: the
payment stays pending); any other 4xx is ``ProviderRejected``. Bodies are never logged: they can
carry tokens and phone numbers.
"""

from __future__ import annotations

from typing import Any

import requests

from functions.payments.providers.port import ProviderRejected, ProviderUnavailable

# (connect, read) seconds: well inside API Gateway's 29 s and the function's own timeout.
TIMEOUT = (3.05, 10.0)


class Http:
    def __init__(self, provider: str, session: requests.Session | None = None) -> None:
        self.provider = provider
        self.session = session or requests.Session()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        ok: tuple[int, ...] = (200, 201, 202),
    ) -> requests.Response:
        try:
            response = self.session.request(
                method, url, headers=headers, json=json_body, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise ProviderUnavailable(
                f"{self.provider}: {method} {_path(url)} failed: {type(exc).__name__}"
            ) from exc
        if response.status_code in ok:
            return response
        message = f"{self.provider}: {method} {_path(url)} answered {response.status_code}"
        if response.status_code >= 500 or response.status_code == 429:
            raise ProviderUnavailable(message)
        raise ProviderRejected(f"{message}: {_error_code(response)}")


def json_of(response: requests.Response, provider: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise ProviderUnavailable(f"{provider}: answered a body that is not JSON") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{provider}: answered JSON that is not an object")
    return data


def _path(url: str) -> str:
    """The URL without its query string (never log query parameters)."""
    return url.split("?", 1)[0]


def _error_code(response: requests.Response) -> str:
    """The provider's error code, if the body names one (never the whole body)."""
    try:
        data = response.json()
    except ValueError:
        return "no JSON body"
    if not isinstance(data, dict):
        return "unexpected body"
    status = data.get("status")
    for value in (
        data.get("code"),
        data.get("error"),
        status.get("response_code") if isinstance(status, dict) else None,
        status.get("message") if isinstance(status, dict) else None,
    ):
        if isinstance(value, str) and value:
            return value[:80]
    return "no error code"
