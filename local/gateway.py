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
from coursewave.tokens import token_scopes
from functions import registry
from local import guards, moto_dynamodb
from local.apigw import CompiledRoute, LambdaContext, http_api_event, match
from local.authorizer import JwtAuthorizer, KeysUnavailable, Rejected
from local.capacity import HandlerStats

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit
# A local-only route: parameters → (status, content type, body) or with extra headers (e.g. a
# redirect's Location). GET passes the query string; POST the query string and a form body.
LocalRoute = Callable[[dict[str, str]], tuple[Any, ...]]
# A local-only handler of a whole path family (e.g. /_local/payments/{id}/complete): (method,
# path, raw body) → (status, content type, body), or None when the path is not its own.
LocalHandler = Callable[[str, str, bytes], tuple[int, str, bytes] | None]
# The web app's static site: path → (status, headers, body) for GET/HEAD outside /v1/ and /_local/.
Site = Callable[[str], tuple[int, dict[str, str], bytes]]
API_PREFIX = "/v1/"
STATS_PATH = "/_local/stats"


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
        local_handlers: list[LocalHandler] | None = None,
        site: Site | None = None,
    ) -> None:
        self.routes = compiled_routes()
        self.site = site
        self.authorizer = authorizer
        # What each route's handler cost (local/capacity.py), at GET /_local/stats.
        self.stats = HandlerStats(moto_dynamodb.stored_item)
        self.local_routes = {STATS_PATH: self.stats.route, **(local_routes or {})}
        self.local_handlers = local_handlers or []
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
        if url.path.startswith("/_local/"):
            for local_handler in self.local_handlers:
                answered = local_handler(method, url.path, body)
                if answered is not None:
                    status, content_type, payload = answered
                    return status, {"Content-Type": content_type, **cors_headers()}, payload
        if (
            self.site is not None
            and method in ("GET", "HEAD")
            and not url.path.startswith((API_PREFIX, "/_local/"))
        ):
            return self.site(url.path)
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
                claims = self.authorizer.verify(
                    headers.get("authorization"), route.spec.access.scopes
                )
            except Rejected as rejected:
                if self.log:
                    self.log(f"refused {method} {url.path}: {rejected.reason}")
                return forbidden() if rejected.insufficient_scope else unauthorized(rejected)
            except KeysUnavailable as unavailable:
                if self.log:
                    self.log(f"503 {method} {url.path}: the pool's JWKS is unavailable")
                return keys_unavailable(unavailable)
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
            scopes=token_scopes(claims) if claims is not None else None,
            source_ip=source_ip,
        )
        decl = registry.function(function)
        context = LambdaContext(
            function_name=f"coursewave-{function}",
            memory_limit_in_mb=decl.memory_mb,
            timeout_seconds=decl.timeout_seconds,
        )
        cpu, started = time.thread_time(), time.perf_counter()
        with guards.serving(route_key) as stats:
            result = self._handlers[function](event, context)
        cpu, wall = time.thread_time() - cpu + sum(stats.thread_cpu), time.perf_counter() - started
        self.stats.record(route_key, function, cpu, wall, stats.dynamodb)
        if stats.violations:
            return refused_by_guard(stats)
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


def refused_by_guard(stats: guards.RequestStats) -> tuple[int, dict[str, str], bytes]:
    """The request's handler tried what no request path may do (``local/guards.py``): a 500 of
    its own code, whatever the handler answered, so a test can tell it from any other 500."""
    body = envelope(guards.ERROR_CODE, "; ".join(stats.violations), "local")
    return (
        HTTPStatus.INTERNAL_SERVER_ERROR,
        {"Content-Type": "application/json", **cors_headers()},
        json.dumps(body).encode(),
    )


# What API Gateway's JWT authorizer answers itself (HTTP APIs cannot change these bodies). The
# 401 for a token that fails a check carries ``www-authenticate: Bearer scope="" error=
# "invalid_token" ...`` (AWS, "Troubleshooting issues with HTTP API JWT authorizers"; the only
# description AWS publishes is the audience one, so no other is made up). A missing token gets the
# bare RFC 6750 challenge. A verified token without one of the route's scopes is refused with 403
# ``{"message":"Forbidden"}`` (observed behaviour, RFC 6750 ``insufficient_scope``).
GATEWAY_UNAUTHORIZED = {"message": "Unauthorized"}
GATEWAY_FORBIDDEN = {"message": "Forbidden"}
INVALID_AUDIENCE = "the token does not have a valid audience"


def unauthorized(rejected: Rejected | None = None) -> tuple[int, dict[str, str], bytes]:
    challenge = "Bearer"
    if rejected is not None and rejected.reason != "no token":
        challenge = 'Bearer scope="" error="invalid_token"'
        if rejected.reason in ("wrong audience", "wrong client"):
            challenge += f' error_description="{INVALID_AUDIENCE}"'
    return (
        HTTPStatus.UNAUTHORIZED,
        {"Content-Type": "application/json", "www-authenticate": challenge, **cors_headers()},
        json.dumps(GATEWAY_UNAUTHORIZED).encode(),
    )


def forbidden() -> tuple[int, dict[str, str], bytes]:
    return (
        HTTPStatus.FORBIDDEN,
        {
            "Content-Type": "application/json",
            "www-authenticate": 'Bearer error="insufficient_scope"',
            **cors_headers(),
        },
        json.dumps(GATEWAY_FORBIDDEN).encode(),
    )


def keys_unavailable(exc: KeysUnavailable) -> tuple[int, dict[str, str], bytes]:
    """The pool's JWKS could not be fetched: neither an anonymous pass nor a 500."""
    body = envelope(exc.code, exc.message, "local", exc.details)
    return (
        HTTPStatus.SERVICE_UNAVAILABLE,
        {"Content-Type": "application/json", **exc.headers, **cors_headers()},
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
                # The path only, as API Gateway's access log has it: query strings carry
                # credentials (playback tokens).
                path = urlsplit(self.path).path
                gateway.log(f"{self.command} {path} → {status} ({elapsed:.0f} ms)")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

        def __getattr__(self, name: str) -> Any:
            """Every other method too (TRACE, QUERY, …): API Gateway routes any method, and one
            no route has goes to $default (404), not http.server's HTML 501."""
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

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
