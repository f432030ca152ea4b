"""The OpenAPI document says both 401/403 bodies a protected route can answer: API Gateway's own
(``{"message": "Unauthorized"}`` / ``{"message": "Forbidden"}``) and our error envelope."""

from __future__ import annotations

from typing import Any

import jsonschema

from functions import registry
from tools import openapi

GATEWAY = {"$ref": "#/components/schemas/GatewayError"}
ENVELOPE = {"$ref": "#/components/schemas/Error"}


def _schema(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    response = document["paths"][path][method.lower()]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def _validates(document: dict[str, Any], schema: dict[str, Any], body: Any) -> bool:
    resolver = {**schema, "components": document["components"]}
    try:
        jsonschema.validate(body, resolver)
    except jsonschema.ValidationError:
        return False
    return True


def test_protected_routes_document_the_gateway_body_and_the_envelope() -> None:
    document = openapi.build_openapi()
    envelope = {
        "error": {"code": "UNAUTHENTICATED", "message": "m", "details": {}, "request_id": "r"}
    }
    for spec in registry.routes():
        if spec.access.public:
            continue
        for status, message in ((401, "Unauthorized"), (403, "Forbidden")):
            schema = _schema(document, spec.path, spec.method, status)
            assert schema == {"anyOf": [GATEWAY, ENVELOPE]}, spec.route_key
            assert _validates(document, schema, {"message": message}), spec.route_key
            assert _validates(document, schema, envelope), spec.route_key
            assert not _validates(document, schema, {"message": "Something else"})


def test_the_public_course_page_documents_its_own_401_and_503_with_the_envelope() -> None:
    document = openapi.build_openapi()
    for status in (401, 503):
        assert _schema(document, "/v1/courses/{id}", "GET", status) == ENVELOPE
