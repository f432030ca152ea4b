"""The route declarations: access tests exist for each, OpenAPI is current, unknown routes 404."""

from __future__ import annotations

import pytest

from functions import registry
from tests.support.authz import covered_routes
from tests.support.cloud import Platform
from tools import openapi


def test_every_declared_route_has_an_access_policy_test(request: pytest.FixtureRequest) -> None:
    declared = {spec.route_key for spec in registry.routes()}
    missing = sorted(declared - covered_routes(request.config))
    assert not missing, f"routes without an @pytest.mark.authz test: {missing}"


def test_route_keys_are_unique_across_functions() -> None:
    keys = [spec.route_key for spec in registry.routes()]
    assert len(keys) == len(set(keys))


def test_committed_openapi_document_is_current() -> None:
    assert openapi.OUTPUT.exists(), "docs/openapi.json missing: run `make openapi`"
    assert openapi.OUTPUT.read_text() == openapi.render(), "docs/openapi.json is stale"


def test_openapi_marks_exactly_the_public_routes_as_unauthenticated() -> None:
    document = openapi.build_openapi()
    for spec in registry.routes():
        operation = document["paths"][spec.path][spec.method.lower()]
        assert (operation.get("security") == []) is spec.access.public, spec.route_key


def test_unknown_route_answers_the_error_envelope(platform: Platform) -> None:
    response = platform.call("GET", "/v1/no-such-thing")
    assert response.status == 404
    error = response.json()["error"]
    assert error["code"] == "NOT_FOUND"
    assert error["request_id"]
