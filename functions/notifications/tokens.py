"""The HMAC key of unsubscribe links, from Secrets Manager (read once per container)."""

from __future__ import annotations

from functools import cache

from coursewave.config import settings


@cache
def _secret(secret_id: str) -> bytes:
    import boto3  # on first use (docs/performance.md)

    value = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    return str(value).encode()


def key() -> bytes:
    return _secret(settings().require("unsubscribe_token_secret"))
