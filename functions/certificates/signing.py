"""Signing credentials with the stack's asymmetric KMS key (RS256), and its public JWK.

The private key never leaves KMS: ``sign`` sends the JWT's signing input (``MessageType=RAW``,
at most 4096 bytes: ``domain.jwt_signing_input`` checks) and gets a PKCS#1 v1.5 signature back.
The same code runs against moto locally (GOTCHAS: moto's KMS signs for real). A key's ``kid`` is
its RFC 7638 thumbprint, so anyone can recompute it from the published JWK.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from coursewave import resources
from coursewave.config import settings
from functions.certificates.domain import b64url

ALGORITHM = "RS256"
KMS_ALGORITHM = resources.CERTIFICATE_SIGNING_KEY.signing_algorithm


@dataclass(frozen=True)
class PublicKey:
    kid: str
    jwk: dict[str, Any]


def jwk_of(der: bytes) -> PublicKey:
    """The JWK (RFC 7517) of a DER SubjectPublicKeyInfo RSA key, with its thumbprint as kid."""
    from cryptography.hazmat.primitives.asymmetric import rsa  # on first use
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    key = load_der_public_key(der)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the certificate signing key must be RSA")
    numbers = key.public_numbers()

    def unsigned(value: int) -> str:
        return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

    members = {"e": unsigned(numbers.e), "kty": "RSA", "n": unsigned(numbers.n)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    kid = b64url(hashlib.sha256(canonical).digest())
    return PublicKey(kid, {**members, "kid": kid, "alg": ALGORITHM, "use": "sig"})


@cache
def _kms() -> Any:
    import boto3  # on first use (docs/performance.md)

    return boto3.client("kms")


def _key_id() -> str:
    return settings().require("certificate_signing_key_id")


@cache
def _public_key(key_id: str) -> PublicKey:
    return jwk_of(_kms().get_public_key(KeyId=key_id)["PublicKey"])


def current_key() -> PublicKey:
    """The signing key's public half (one KMS call per key per process)."""
    return _public_key(_key_id())


def sign(signing_input: bytes) -> str:
    """The base64url signature of ``signing_input`` by the current key."""
    result = _kms().sign(
        KeyId=_key_id(),
        Message=signing_input,
        MessageType="RAW",
        SigningAlgorithm=KMS_ALGORITHM,
    )
    return b64url(result["Signature"])
