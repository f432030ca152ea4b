"""The authorization matrix of the platform's own routes."""

from __future__ import annotations

import pytest

from tests.support.cloud import Platform
from tests.support.matrix import run, same_for_everyone
from tests.support.personas import Personas


@pytest.mark.authz("GET /v1/health")
def test_health_answers_everyone(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/health", same_for_everyone(200))
