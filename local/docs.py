"""The OpenAPI document and a Swagger UI page, served by the local runner."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path

from tools.openapi import build_openapi

REPO_ROOT = Path(__file__).resolve().parent.parent
SWAGGER_DIST = REPO_ROOT / "node_modules" / "swagger-ui-dist"
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Coursewave API</title>
<link rel="stylesheet" href="/_local/swagger/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/_local/swagger/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/_local/openapi.json", dom_id: "#ui"});</script>
</body></html>"""

FALLBACK_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Coursewave API</title>
</head><body><p>Swagger UI is not installed (run <code>make setup</code>). The OpenAPI document
is at <a href="/_local/openapi.json">/_local/openapi.json</a>.</p></body></html>"""

Route = Callable[[dict[str, str]], tuple[int, str, bytes]]


def docs_routes(base_url: str) -> dict[str, Route]:
    """The document lists ``base_url`` (the URL this runner really listens on, whatever
    ``COURSEWAVE_PORT`` is) as its server, so Swagger UI's "Try it out" reaches it."""
    openapi = build_openapi()
    openapi["servers"] = [{"url": base_url, "description": "this local runner"}]
    document = json.dumps(openapi, indent=2).encode()
    page = PAGE if (SWAGGER_DIST / SWAGGER_FILES[1]).exists() else FALLBACK_PAGE
    routes: dict[str, Route] = {
        "/_local/openapi.json": lambda _: (200, "application/json", document),
        "/_local/docs": lambda _: (200, "text/html; charset=utf-8", page.encode()),
    }
    for name in SWAGGER_FILES:
        routes[f"/_local/swagger/{name}"] = _static(SWAGGER_DIST / name)
    return routes


def _static(path: Path) -> Route:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"

    def serve(_: dict[str, str]) -> tuple[int, str, bytes]:
        if not path.exists():
            return 404, "text/plain", b"not installed"
        return 200, content_type, path.read_bytes()

    return serve
