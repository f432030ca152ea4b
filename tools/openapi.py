"""Generate the OpenAPI 3.1 document from the route declarations.

``python -m tools.openapi`` writes ``docs/openapi.json``; ``--check`` exits 1 when the committed
file differs from what the code declares (the test suite runs the same comparison).
"""

from __future__ import annotations

import argparse
import json
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from coursewave import __version__
from coursewave.api import RouteSpec
from coursewave.resources import USER_POOL
from functions import registry

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"

ERROR_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    402: "PAYMENT_REQUIRED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL",
    503: "SERVICE_UNAVAILABLE",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
                "request_id": {"type": "string"},
            },
        }
    },
}


# What API Gateway's JWT authorizer answers by itself on a protected route, before any function
# runs (HTTP APIs cannot change it; API.md): 401 ``{"message": "Unauthorized"}`` for a missing or
# invalid token, 403 ``{"message": "Forbidden"}`` for a valid token without the route's scope (an
# ID token). The functions' own 401s and 403s (a session signed out since, a banned account, a
# role) carry the error envelope, so those statuses document both bodies.
GATEWAY_ERROR_SCHEMA = {
    "type": "object",
    "description": "API Gateway's own answer (JWT authorizer): no error envelope.",
    "required": ["message"],
    "properties": {"message": {"type": "string", "enum": ["Unauthorized", "Forbidden"]}},
    "additionalProperties": False,
}
GATEWAY_STATUSES = {401: "Unauthorized", 403: "Forbidden"}


def _models(specs: list[RouteSpec]) -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for spec in specs:
        for model in (spec.body, spec.response, spec.form):
            if model is not None:
                seen.setdefault(f"{model.__module__}.{model.__qualname__}", model)
    return [seen[name] for name in sorted(seen)]


def _error_statuses(spec: RouteSpec) -> list[int]:
    statuses = set(spec.errors) | {500}
    if not spec.access.public:
        statuses |= {401, 403}
    if spec.path_params:
        statuses.add(404)
    if spec.body is not None:
        statuses |= {400, 413, 415, 422}
    if spec.query is not None:
        statuses |= {400, 422}
    return sorted(statuses)


def _operation(spec: RouteSpec, refs: dict[Any, Any]) -> dict[str, Any]:
    def ref(model: type[BaseModel], mode: str) -> dict[str, Any]:
        return refs[(model, mode)]

    operation: dict[str, Any] = {
        "operationId": f"{spec.domain}_{spec.handler}",
        "summary": spec.summary,
        "description": f"Who may call: {spec.access.describe()}.",
        "tags": [spec.domain],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in spec.path_params
        ],
        "responses": {},
    }
    for query in (spec.query, spec.raw_query):
        if query is None:
            continue
        schema = query.model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            operation["parameters"].append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in schema.get("required", []),
                    "schema": prop,
                }
            )
    if spec.body is not None:
        # Required when the model requires a field: a missing body is then a 422; one whose
        # fields are all optional (a PATCH) reads an absent body as {} and changes nothing.
        body_schema = spec.body.model_json_schema(mode="validation")
        operation["requestBody"] = {
            "required": bool(body_schema.get("required")),
            "content": {"application/json": {"schema": ref(spec.body, "validation")}},
        }
    if spec.form is not None:
        form_schema = spec.form.model_json_schema(mode="validation")
        operation["requestBody"] = {
            "required": bool(form_schema.get("required")),
            "content": {
                "application/x-www-form-urlencoded": {"schema": ref(spec.form, "validation")}
            },
        }
    success: dict[str, Any] = {"description": HTTPStatus(spec.status).phrase}
    if spec.response is not None and spec.status != HTTPStatus.NO_CONTENT:
        success["content"] = {"application/json": {"schema": ref(spec.response, "serialization")}}
    operation["responses"][str(spec.status)] = success
    for status in _error_statuses(spec):
        schema: dict[str, Any] = {"$ref": "#/components/schemas/Error"}
        description = f"{HTTPStatus(status).phrase} ({ERROR_CODES[status]})"
        if status in GATEWAY_STATUSES and not spec.access.public:
            schema = {"anyOf": [{"$ref": "#/components/schemas/GatewayError"}, schema]}
            description += f'; from API Gateway itself: {{"message": "{GATEWAY_STATUSES[status]}"}}'
        operation["responses"][str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    if spec.access.public:
        operation["security"] = []
    return operation


def build_openapi() -> dict[str, Any]:
    specs = registry.routes()
    models = _models(specs)
    keyed = [(model, mode) for model in models for mode in ("validation", "serialization")]
    refs, defs = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
    schemas = dict(sorted(defs.get("$defs", {}).items()))
    schemas["Error"] = ERROR_SCHEMA
    schemas["GatewayError"] = GATEWAY_ERROR_SCHEMA
    paths: dict[str, Any] = {}
    for spec in sorted(specs, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Coursewave API",
            "version": __version__,
            "description": "Generated from the route declarations (python -m tools.openapi).",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "local runner"}],
        "security": [{"cognito": []}],
        "components": {
            "securitySchemes": {
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Cognito access token (its scope must include "
                    + " or ".join(USER_POOL.api_scopes)
                    + "; ID tokens are refused).",
                }
            },
            "schemas": schemas,
        },
        "paths": paths,
    }


def render() -> str:
    return json.dumps(build_openapi(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/openapi.json is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print("docs/openapi.json is stale: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(OUTPUT.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
