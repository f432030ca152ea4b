"""The payments secret (Secrets Manager JSON, ``resources.PAYMENTS_SECRET``): read once per
container when an adapter first needs it, never logged. Locally the runner generates it in moto
(``local/cloud.py``) and the fakes check the same values."""

from __future__ import annotations

import json
from functools import cache

from coursewave.config import settings
from coursewave.errors import ConfigurationError


@cache
def _load(secret_id: str) -> dict[str, str]:
    from botocore.session import get_session

    client = get_session().create_client("secretsmanager", region_name=settings().region)
    value = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    if not isinstance(value, dict):
        raise ConfigurationError("the payments secret is not a JSON object")
    return value


def value(name: str, *, required: bool = True) -> str | None:
    found = _load(settings().require("payments_secret_id")).get(name)
    if not found and required:
        raise ConfigurationError(f"the payments secret has no {name!r}")
    return found or None


def forget() -> None:
    """Forget cached values (tests provision a new secret each time; the runner at restart)."""
    _load.cache_clear()
