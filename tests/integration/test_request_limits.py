"""Request limits on every declared route (API.md): bodies over 1 MB → 413, ``limit`` over 100 →
422, path ids with odd characters → 404, and JSON nested deeper than the parser may go → 400
before it is parsed (never the parser's ``RecursionError`` as a 500), in the handlers and through
the local gateway's HTTP server."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator

import pytest

from coursewave.api import MAX_BODY_BYTES, MAX_JSON_DEPTH, RouteSpec
from functions import registry
from local import seed
from local.gateway import serve
from tests.support.cloud import PASSWORD, Caller, Platform

ROUTES = sorted(registry.routes(), key=lambda spec: spec.route_key)
BODY_ROUTES = [spec for spec in ROUTES if spec.body is not None]
PAGED_ROUTES = [
    spec for spec in ROUTES if spec.query is not None and "limit" in spec.query.model_fields
]
PARAM_ROUTES = [spec for spec in ROUTES if spec.path_params]
DEEP = 5000
ODD_IDS = ["a'b", "a b", "ünïcode", "a" * 129, "a%00b", "%3Cscript%3E", "a;b", "a%2Fb"]


@pytest.fixture
def superuser(platform: Platform) -> Caller:
    """One caller every role check lets through, so each route reaches its body parsing."""
    roles = ("student", "instructor", "admin")
    email = "limits-superuser@example.test"
    user_id = seed.create_user(platform.provisioned.user_pool_id, email, "Su", roles, PASSWORD)
    return Caller(user_id, email, platform.token_for(email), roles)


def _path(spec: RouteSpec, value: str = "x1") -> str:
    return re.sub(r"\{[a-z_]+\}", value, spec.path)


def _ids(specs: list[RouteSpec]) -> list[str]:
    return [spec.route_key for spec in specs]


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# -- deeply nested JSON ----------------------------------------------------------------------


def test_a_deeply_nested_body_on_login_is_a_400(platform: Platform) -> None:
    response = platform.call("POST", "/v1/auth/login", body=_nested(DEEP))

    assert response.status == 400 and response.error_code == "BAD_REQUEST", response.body


def test_a_deeply_nested_body_is_a_400_on_every_route_with_a_body(
    platform: Platform, superuser: Caller
) -> None:
    nested_object = b'{"a":' * DEEP + b"1" + b"}" * DEEP
    answers = {
        (spec.route_key, kind): platform.call(spec.method, _path(spec), caller=superuser, body=body)
        for spec in BODY_ROUTES
        for kind, body in (("array", _nested(DEEP)), ("object", nested_object))
    }

    wrong = {
        key: (response.status, response.error_code)
        for key, response in answers.items()
        if (response.status, response.error_code) != (400, "BAD_REQUEST")
    }
    assert not wrong, "\n".join(map(str, wrong.items()))


def test_a_deeply_nested_body_turns_no_answer_into_a_5xx(
    platform: Platform, superuser: Caller
) -> None:
    # Every route, with and without a token; the session-ending routes last. Compared with the
    # same request and an empty body: the nesting, not the route's own setup, is under test.
    last = {"DELETE /v1/me", "POST /v1/auth/logout"}
    routes = sorted(ROUTES, key=lambda spec: spec.route_key in last)
    failing = {}
    for spec in routes:
        for caller in (None, superuser):
            deep = platform.call(spec.method, _path(spec), caller=caller, body=_nested(DEEP))
            if deep.status >= 500:
                empty = platform.call(spec.method, _path(spec), caller=caller, body=b"")
                if empty.status < 500:
                    failing[spec.route_key, caller is not None] = deep.status

    assert not failing, "\n".join(map(str, failing.items()))


def test_nesting_up_to_the_limit_is_parsed_and_brackets_inside_strings_do_not_count(
    platform: Platform,
) -> None:
    # Both get past the depth check to the login's own validation (a list is not an object).
    at_limit = platform.call("POST", "/v1/auth/login", body=_nested(MAX_JSON_DEPTH))
    just_over = platform.call("POST", "/v1/auth/login", body=_nested(MAX_JSON_DEPTH + 1))
    in_strings = json.dumps(
        {"email": "[" * DEEP + '\\"{' * DEEP, "password": "{" * DEEP + "\\"}
    ).encode()
    text = platform.call("POST", "/v1/auth/login", body=in_strings)

    assert at_limit.status == 422 and at_limit.error_code == "VALIDATION_ERROR", at_limit.body
    assert just_over.status == 400 and just_over.error_code == "BAD_REQUEST", just_over.body
    assert text.status == 422 and text.error_code == "VALIDATION_ERROR", text.body


def test_a_deeply_nested_cursor_is_a_400(platform: Platform) -> None:
    import base64

    cursor = base64.urlsafe_b64encode(b"[" * 1536).decode().rstrip("=")

    response = platform.call("GET", f"/v1/courses?cursor={cursor}")

    assert response.status == 400 and response.error_code == "BAD_REQUEST", response.body


@pytest.fixture
def http_gateway(platform: Platform) -> Iterator[tuple[str, int]]:
    server = serve(platform.gateway, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[:2]  # type: ignore[misc]
    finally:
        server.shutdown()
        server.server_close()


def test_the_local_gateways_http_server_answers_a_deeply_nested_body(
    http_gateway: tuple[str, int],
) -> None:
    host, port = http_gateway
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        for _ in range(2):  # and is still serving afterwards
            connection.request(
                "POST",
                "/v1/auth/login",
                body=_nested(DEEP),
                headers={"Content-Type": "application/json"},
            )
            response = connection.getresponse()
            body = json.loads(response.read())

            assert response.status == 400 and body["error"]["code"] == "BAD_REQUEST", body
    finally:
        connection.close()


# -- body size, list limits, path ids --------------------------------------------------------


def test_a_body_over_one_megabyte_is_a_413_on_every_route_with_a_body(
    platform: Platform, superuser: Caller
) -> None:
    body = json.dumps({"x": "a" * MAX_BODY_BYTES}).encode()
    answers = {
        spec.route_key: platform.call(spec.method, _path(spec), caller=superuser, body=body)
        for spec in BODY_ROUTES
    }

    wrong = {
        key: (response.status, response.error_code)
        for key, response in answers.items()
        if (response.status, response.error_code) != (413, "PAYLOAD_TOO_LARGE")
    }
    assert not wrong, "\n".join(map(str, wrong.items()))


def test_the_body_limit_is_one_megabyte() -> None:
    assert MAX_BODY_BYTES == 1024 * 1024


def test_a_limit_over_100_is_a_422_on_every_list(platform: Platform, superuser: Caller) -> None:
    answers = {
        (spec.route_key, limit): platform.call(
            "GET", f"{_path(spec)}?limit={limit}", caller=superuser
        )
        for spec in PAGED_ROUTES
        for limit in ("101", "0", "-1", "1e9")
    }

    wrong = {
        key: (response.status, response.body[:200])
        for key, response in answers.items()
        if response.status != 422
        or response.error_code != "VALIDATION_ERROR"
        or response.json()["error"]["details"]["fields"][0]["field"] != "limit"
    }
    assert not wrong, "\n".join(map(str, wrong.items()))
    at_most = platform.call("GET", "/v1/courses?limit=100")
    assert at_most.status == 200, at_most.body


def test_there_are_lists_to_check() -> None:
    assert "GET /v1/courses" in _ids(PAGED_ROUTES)
    assert "POST /v1/auth/login" in _ids(BODY_ROUTES)


def test_path_ids_with_odd_characters_are_a_404_on_every_route(
    platform: Platform, superuser: Caller
) -> None:
    answers = {
        (spec.route_key, odd): platform.call(
            spec.method, _path(spec, odd), caller=superuser, json_body={}
        )
        for spec in PARAM_ROUTES
        for odd in ODD_IDS
    }

    wrong = {
        key: (response.status, response.error_code)
        for key, response in answers.items()
        if (response.status, response.error_code) != (404, "NOT_FOUND")
    }
    assert not wrong, "\n".join(map(str, wrong.items()))
