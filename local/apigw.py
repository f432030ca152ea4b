"""API Gateway HTTP API (payload v2.0) events and a Lambda context, built the way AWS builds them.

The local gateway uses these to call handlers; integration tests use them to call the same
handlers in-process.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from coursewave.api import RouteSpec


@dataclass(frozen=True)
class CompiledRoute:
    spec: RouteSpec
    function: str
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, spec: RouteSpec, function: str) -> CompiledRoute:
        regex = "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[a-z_]+\})", spec.path)
        )
        return cls(spec=spec, function=function, pattern=re.compile(f"^{regex}$"))

    @property
    def specificity(self) -> tuple[int, int]:
        """API Gateway prefers literal segments over parameters."""
        return (len(self.spec.path_params), -len(self.spec.path))


def match(
    routes: list[CompiledRoute], method: str, path: str
) -> tuple[CompiledRoute, dict[str, str]] | None:
    for route in routes:
        if route.spec.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route, found.groupdict()
    return None


def http_api_event(
    method: str,
    path: str,
    *,
    route_key: str,
    path_parameters: dict[str, str] | None = None,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    claims: dict[str, Any] | None = None,
    scopes: list[str] | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """``claims`` and ``scopes`` as the JWT authorizer passes them (``scopes``: the token's
    ``scope`` claim as a list, null without one)."""
    headers = {name.lower(): value for name, value in (headers or {}).items()}
    params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    encoded, is_base64 = _body(body)
    now = time.time()
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": headers.get("host", "127.0.0.1"),
        "domainPrefix": "local",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": uuid.uuid4().hex,
        "routeKey": route_key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": scopes}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": is_base64,
    }
    if params:
        event["queryStringParameters"] = params
    if path_parameters:
        event["pathParameters"] = path_parameters
    if encoded is not None:
        event["body"] = encoded
    return event


def _body(body: bytes | str | None) -> tuple[str | None, bool]:
    if body is None or body == b"" or body == "":
        return None, False
    if isinstance(body, str):
        return body, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), True


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that Powertools and our code read."""

    function_name: str
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 30
    aws_request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    function_version: str = "$LATEST"
    log_group_name: str = "local"
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        left = self.timeout_seconds - (time.monotonic() - self._started)
        return max(0, int(left * 1000))
