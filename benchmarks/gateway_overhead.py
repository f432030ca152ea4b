"""The local gateway's per-request overhead over calling the handler directly.

All three paths run the same handler against the same in-process moto: the direct call gets a
pre-built API Gateway event; "gateway" adds routing, event building and (for a protected route)
RS256 JWT verification; "HTTP" adds a real socket and the HTTP server. ``--tiny``: 5 requests.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable

from benchmarks import tiny
from functions import registry
from local.apigw import LambdaContext, http_api_event
from local.gateway import serve
from tests.support.cloud import in_process_platform

REQUESTS = 5 if tiny() else 200
WARM_UP = 1 if tiny() else 10
TITLE = f"Local gateway overhead per request (median of {REQUESTS} requests, in-process moto)"


def _median_ms(call: Callable[[], object]) -> float:
    for _ in range(WARM_UP):
        call()
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _protected_route() -> tuple[str, str] | None:
    for spec in registry.routes():
        if not spec.access.public and spec.method == "GET" and not spec.path_params:
            return spec.path, next(f for f, app in registry.apis().items() if spec in app.routes)
    return None


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    platform_iter = in_process_platform()
    platform = next(platform_iter)
    try:
        caller = platform.user("student")
        cases = [("/v1/health", "health", None)]
        protected = _protected_route()
        if protected:
            cases.append((protected[0], protected[1], caller))
        server = serve(platform.gateway, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
        for path, function, who in cases:
            handler = registry.handler_module(function).lambda_handler
            spec = next(s for s in registry.routes() if s.path == path and s.method == "GET")
            claims = None
            if who is not None:
                claims = platform.gateway.authorizer.verify(f"Bearer {who.token}")
            headers = who.auth if who else {}

            def direct(handler=handler, spec=spec, path=path, claims=claims) -> object:
                event = http_api_event("GET", path, route_key=spec.route_key, claims=claims)
                return handler(event, LambdaContext(function_name=spec.domain))

            def via_gateway(path=path, headers=headers) -> object:
                return platform.gateway.handle("GET", path, dict(headers), b"", "127.0.0.1")

            def via_http(path=path, headers=headers) -> object:
                connection.request("GET", path, headers=headers)
                return connection.getresponse().read()

            base = _median_ms(direct)
            for label, call in (
                ("direct handler call", direct),
                ("gateway", via_gateway),
                ("gateway over HTTP", via_http),
            ):
                ms = base if call is direct else _median_ms(call)
                rows.append(
                    {
                        "route": f"GET {path}" + (" (JWT)" if who else ""),
                        "path": label,
                        "median ms": f"{ms:.2f}",
                        "x direct": f"{ms / base:.2f}",
                        "overhead ms": f"{ms - base:.2f}",
                    }
                )
        server.shutdown()
    finally:
        platform_iter.close()
    return rows
