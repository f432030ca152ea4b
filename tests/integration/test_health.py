from __future__ import annotations

import boto3
import pytest

from tests.support.cloud import Platform
from tests.support.personas import Personas


@pytest.mark.authz("GET /v1/health")
def test_health_is_public_and_checks_dynamodb(platform: Platform, personas: Personas) -> None:
    for caller in (None, personas.student, personas.admin):
        response = platform.call("GET", "/v1/health", caller=caller)
        assert response.status == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["checks"] == {"dynamodb": "ok"}
        assert body["version"]


def test_health_reports_a_missing_table_as_503(platform: Platform) -> None:
    boto3.client("dynamodb").delete_table(TableName=platform.provisioned.env["TABLE_NAME"])

    response = platform.call("GET", "/v1/health")

    assert response.status == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["dynamodb"] == "error"
