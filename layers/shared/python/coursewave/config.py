"""Validated configuration, read once from the environment, lazily.

Every resource name comes from the environment the CDK app (or the local runner) sets, using the
variable names declared in ``coursewave.resources`` (the aliases of the model,
``coursewave.settings_model.Settings``, are read from there; the few fields named there are not
resources: the region Lambda sets, the package version, and overridable GitHub endpoints).
Nothing has a silent default: a function that needs a setting it was not given fails with
``ConfigurationError`` naming the variable.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from coursewave.errors import ConfigurationError

if TYPE_CHECKING:
    from coursewave.settings_model import Settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    from coursewave.settings_model import Settings  # built on first use (docs/performance.md)

    env = {key: value for key, value in os.environ.items() if value != ""}
    if "AWS_REGION" not in env and "AWS_DEFAULT_REGION" in env:
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"]
    try:
        return Settings.model_validate(env)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


def reset_settings() -> None:
    """Forget the cached settings (tests and the local runner change the environment)."""
    settings.cache_clear()


def __getattr__(name: str) -> Any:
    """``Settings``, the model, lives in ``coursewave.settings_model`` (imported on first use)."""
    if name == "Settings":
        from coursewave.settings_model import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
