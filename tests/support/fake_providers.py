"""The payment-provider fakes (local/fakes) for in-process tests: the same code the local runner
serves, with webhooks and callbacks delivered straight into the in-process gateway."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from local import payments
from local.cloud import Provisioned, apply_environment
from local.fakes import FakeProviders

if TYPE_CHECKING:
    from tests.support.cloud import Response

# The API's base URL the fakes call back to (only its path matters in-process).
API_BASE_URL = "https://api.coursewave.test"
WEB_APP_URL = "https://app.coursewave.test"

Call = Callable[..., "Response"]


def start(out: Provisioned, call: Callable[[], Call]) -> FakeProviders:
    """Start the fakes for a provisioned platform; ``call()`` returns the platform's ``call``
    (looked up at delivery time: the platform exists only after its gateway)."""

    def deliver(method: str, url: str, headers: dict[str, str], body: bytes) -> int:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return call()(method, target, body=body, headers=headers).status

    fakes = payments.start_fakes(out.env, API_BASE_URL, deliver, asynchronous=False)
    apply_environment(out.env)
    return fakes


def stop(fakes: FakeProviders) -> None:
    """Stop the fakes without waiting: their server notices within its 0.5 s poll, and the next
    platform's fakes listen on another port."""
    threading.Thread(target=fakes.stop, name="fake-providers-stop", daemon=True).start()
