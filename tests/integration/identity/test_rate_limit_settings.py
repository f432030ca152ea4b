"""The per-address rate limits can be relaxed through configuration (a local runner whose
traffic all comes from one address, such as the fuzzer's), never through code: the per-email
limits stay as they are."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from coursewave.config import reset_settings, settings
from coursewave.errors import ConfigurationError
from functions.auth.domain import RATE_RULES
from tests.integration.identity.conftest import Identity

FACTOR_ENV = "AUTH_RATE_LIMIT_IP_FACTOR"


@pytest.fixture
def doubled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(FACTOR_ENV, "2")
    reset_settings()
    yield
    monkeypatch.delenv(FACTOR_ENV)
    reset_settings()


def _clear_of_window_rollover(action: str, margin_seconds: float = 30.0) -> None:
    length = RATE_RULES[action].window_seconds
    left = length - time.time() % length
    if left < margin_seconds:
        time.sleep(left + 0.5)


def test_the_per_address_limit_is_multiplied_by_the_configured_factor(
    identity: Identity, doubled: None
) -> None:
    # Forgot-password allows 20 requests per address an hour; a factor of 2 makes that 40
    _clear_of_window_rollover("forgot")
    limit = RATE_RULES["forgot"].per_ip * 2
    answers = [
        identity.post("/v1/auth/password/forgot", {"email": identity.email()}).status
        for _ in range(limit + 1)
    ]

    assert answers[:limit] == [202] * limit
    assert answers[limit] == 429


def test_the_factor_leaves_the_per_email_limit_alone(identity: Identity, doubled: None) -> None:
    _clear_of_window_rollover("forgot")
    email = identity.email("limited")
    per_email = RATE_RULES["forgot"].per_email
    answers = [
        identity.post("/v1/auth/password/forgot", {"email": email}).status
        for _ in range(per_email + 1)
    ]

    assert answers == [202] * per_email + [429]


def test_production_keeps_the_declared_limits_and_a_bad_factor_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FACTOR_ENV, raising=False)
    reset_settings()
    assert settings().auth_rate_limit_ip_factor == 1

    for bad in ("0", "-3", "lots"):
        monkeypatch.setenv(FACTOR_ENV, bad)
        reset_settings()
        with pytest.raises(ConfigurationError):
            settings()
    monkeypatch.delenv(FACTOR_ENV)
    reset_settings()
