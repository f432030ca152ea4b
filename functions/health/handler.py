"""GET /v1/health, and the catch-all that answers unknown routes with the error envelope."""

from __future__ import annotations

from typing import Literal

from coursewave.api import PUBLIC, Api, Reply
from coursewave.config import settings
from coursewave.models import Out
from functions.health import checks

app = Api("health")
lambda_handler = app.lambda_handler


class Health(Out):
    status: Literal["ok", "degraded"]
    version: str
    checks: dict[str, Literal["ok", "error"]]


@app.route(
    "GET",
    "/v1/health",
    access=PUBLIC,
    summary="Service health with a real DynamoDB read",
    response=Health,
    errors=(503,),
)
def health() -> Reply:
    results = {"dynamodb": "ok" if checks.dynamodb_reachable() else "error"}
    healthy = all(value == "ok" for value in results.values())
    body = Health(
        status="ok" if healthy else "degraded", version=settings().version, checks=results
    )
    return Reply(200 if healthy else 503, body)
