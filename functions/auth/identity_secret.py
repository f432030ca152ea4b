"""The identity secret (Secrets Manager JSON): read once per container, never logged.

Keys: ``code_pepper`` (HMAC key of one-time codes), ``oidc_signing_key`` (PEM; the GitHub OIDC
adapter signs id tokens with it), ``github_client_secret``. Locally the runner generates the
secret in moto at start; in AWS the stack creates it (docs/identity.md says how to fill it).
"""

from __future__ import annotations

import json
from functools import cache

from botocore.session import get_session

from coursewave.config import settings


@cache
def _load(secret_id: str) -> dict[str, str]:
    client = get_session().create_client("secretsmanager")
    return json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])


def value(name: str) -> str:
    found = _load(settings().require("identity_secret_id")).get(name)
    if not found:
        raise KeyError(f"the identity secret has no {name!r}")
    return found


def code_pepper() -> str:
    return value("code_pepper")
