"""The local API Gateway: HTTP → payload v2.0 event → the handler the route runs in AWS."""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from coursewave.errors import envelope
from coursewave.resources import CORS
from functions import registry
from local import guards
from local.apigw import CompiledRoute, LambdaContext, http_api_event, match
from local.authorizer import JwtAuthorizer, Rejected

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit
# A local-only route: parameters → (status, content type, body) or with extra headers (e.g. a
# redirect's Location). GET passes the query string; POST the query string and a form body.
LocalRoute = Callable[[dict[str, str]], tuple[Any, ...]]


def compiled_routes() -> list[CompiledRoute]:
    compiled = [
        CompiledRoute.of(spec, function)
        for function, app in registry.apis().items()
        for spec in app.routes
    ]
    return sorted(compiled, key=lambda route: route.specificity)


class Gateway:
    def __init__(
        self,
        authorizer: JwtAuthorizer,
        local_routes: dict[str, LocalRoute] | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.routes = compiled_routes()
        self.authorizer = authorizer
        self.local_routes = local_routes or {}
        self.log = log
        guards.install()
        self._handlers = {
            decl.name: registry.handler_module(decl.name).lambda_handler
            for decl in registry.FUNCTIONS
            if decl.name in registry.apis()
        }

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(target)
        headers = {name.lower(): value for name, value in headers.items()}
        if url.path in self.local_routes and method in ("GET", "POST"):
            params = dict(parse_qsl(url.query))
            if method == "POST":
                params.update(parse_qsl(body.decode("utf-8", errors="replace")))
            status, content_type, payload, *extra = self.local_routes[url.path](params)
            return status, {"Content-Type": content_type, **(extra[0] if extra else {})}, payload
        if method == "OPTIONS" and "access-control-request-method" in headers:
            return HTTPStatus.NO_CONTENT, cors_preflight_headers(), b""
        found = match(self.routes, method, url.path)
        if found is None:
            return self._invoke(
                registry.DEFAULT_ROUTE_FUNCTION,
                "$default",
                method,
                url,
                {},
                headers,
                body,
                None,
                source_ip,
            )
        route, params = found
        claims = None
        if not route.spec.access.public:
            try:
                claims = self.authorizer.verify(headers.get("authorization"))
            except Rejected as reason:
                if self.log:
                    self.log(f"401 {method} {url.path}: {reason}")
                return unauthorized()
        return self._invoke(
            route.function,
            route.spec.route_key,
            method,
            url,
            params,
            headers,
            body,
            claims,
            source_ip,
        )

    def _invoke(
        self,
        function: str,
        route_key: str,
        method: str,
        url: Any,
        params: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        claims: dict[str, Any] | None,
        source_ip: str,
    ) -> tuple[int, dict[str, str], bytes]:
        event = http_api_event(
            method,
            url.path,
            route_key=route_key,
            path_parameters=params,
            query=url.query,
            headers=headers,
            body=body,
            claims=claims,
            source_ip=source_ip,
        )
        decl = registry.function(function)
        context = LambdaContext(
            function_name=f"coursewave-{function}",
            memory_limit_in_mb=decl.memory_mb,
            timeout_seconds=decl.timeout_seconds,
        )
        with guards.serving(route_key):
            result = self._handlers[function](event, context)
        out_headers = {**dict(result.get("headers") or {}), **cors_headers()}
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        return int(result.get("statusCode", 200)), out_headers, payload


def cors_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": ",".join(CORS.allow_origins),
        "Access-Control-Expose-Headers": ",".join(CORS.expose_headers),
    }


def cors_preflight_headers() -> dict[str, str]:
    return {
        **cors_headers(),
        "Access-Control-Allow-Methods": ",".join(CORS.allow_methods),
        "Access-Control-Allow-Headers": ",".join(CORS.allow_headers),
        "Access-Control-Max-Age": str(CORS.max_age_seconds),
    }


def unauthorized() -> tuple[int, dict[str, str], bytes]:
    body = envelope("UNAUTHENTICATED", "A valid bearer token is required.", "local")
    return (
        HTTPStatus.UNAUTHORIZED,
        {"Content-Type": "application/json", "WWW-Authenticate": "Bearer", **cors_headers()},
        json.dumps(body).encode(),
    )


def serve(
    gateway: Gateway, host: str, port: int, listener: socket.socket | None = None
) -> ThreadingHTTPServer:
    """The HTTP server (call ``serve_forever``): on ``listener`` if given, else bound to the port
    (raising ``OSError`` if it is taken)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "coursewave-local"
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every keep-alive response.
        disable_nagle_algorithm = True

        def _dispatch(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES:
                status, headers, body = (
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    {"Content-Type": "application/json"},
                    json.dumps(
                        envelope("PAYLOAD_TOO_LARGE", "Request too large.", "local")
                    ).encode(),
                )
                self.close_connection = True
            else:
                raw = self.rfile.read(length) if length else b""
                status, headers, body = gateway.handle(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    raw,
                    self.client_address[0],
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            if gateway.log:
                elapsed = (time.perf_counter() - started) * 1000
                gateway.log(f"{self.command} {self.path} → {status} ({elapsed:.0f} ms)")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

        def log_message(self, format: str, *args: Any) -> None:
            """Silenced: the gateway logs one line per request itself."""

    if listener is None:
        server = ThreadingHTTPServer((host, port), Handler)
    else:
        server = ThreadingHTTPServer(listener.getsockname(), Handler, bind_and_activate=False)
        server.socket.close()
        server.socket = listener
    server.daemon_threads = True
    return server
