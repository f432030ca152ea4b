"""The moto server finds the backend of a request once per host, not at every request.

moto's server (5.2.5) picks a request's backend under one lock shared by every request: it lists
moto's package folder (``os.listdir`` and an ``isdir`` for each of ~150 entries) and then tries
hundreds of URL patterns on the host — at every request, though the answer depends on the host
alone. On the local runner, where every SDK call of every function goes through that lock, it was
about a tenth of the runner's busy time. The folder is listed once and each host's backend is
kept; what a request is routed to does not change. Only moto is patched: nothing in AWS.
"""

from __future__ import annotations

import functools
from typing import Any

from moto import backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication


def install() -> None:
    """Idempotent."""
    original = DomainDispatcherApplication.get_backend_for_host
    if getattr(original, "cached", False):
        return
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]
    found: dict[str | None, Any] = {}

    @functools.wraps(original)
    def get_backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
        if host not in found:
            found[host] = original(self, host)
        return found[host]

    get_backend_for_host.cached = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]
