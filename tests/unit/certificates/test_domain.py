"""The pure rules of certificates: when one is earned, the credential's shape and bounds, the
JWT signing input, the key's thumbprint."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from functions.certificates import domain
from functions.certificates.domain import Certificate, Issuer, Standing
from functions.certificates.signing import jwk_of

ISSUER = Issuer("https://api.coursewave.test", "https://learn.coursewave.test")


def _cert(**overrides: object) -> Certificate:
    fields: dict[str, object] = {
        "id": "crt_1",
        "user_id": "u1",
        "course_id": "crs_1",
        "learner_name": "Nguyễn Thị Minh Khai",
        "course_title": "Data Science",
        "instructor_name": "Ada Lovelace",
        "requested_at": "2026-12-01T10:00:00Z",
        "source": domain.AUTOMATIC,
    }
    return Certificate(**{**fields, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (Standing(True, True, True, ()), True),
        (Standing(True, True, True, ("exm_1",)), False),
        (Standing(True, True, False, ()), False),
        (Standing(True, False, True, ()), False),
        (Standing(False, True, True, ()), False),
    ],
)
def test_a_certificate_is_earned_only_with_every_lesson_and_every_required_exam(
    standing: Standing, expected: bool
) -> None:
    assert domain.earned(standing) is expected


def test_reasons_are_collapsed_and_never_blank_or_control_characters() -> None:
    assert domain.clean_reason("  issued \n in   error ") == "issued in error"
    for bad in ("   ", "bell\x07"):
        with pytest.raises(ValueError):
            domain.clean_reason(bad)


def test_the_credential_names_issuer_subject_and_achievement() -> None:
    vc = domain.credential(_cert(), ISSUER, "2026-12-01T10:05:00Z", "Learn  data\nscience.")
    assert vc["issuer"]["id"] == "https://api.coursewave.test/v1/issuer"
    assert vc["validFrom"] == "2026-12-01T10:05:00Z"
    subject = vc["credentialSubject"]
    assert subject["id"] == domain.learner_urn("u1") != "u1"
    assert subject["identifier"][0]["identityHash"] == "Nguyễn Thị Minh Khai"
    assert subject["achievement"]["description"] == "Learn data science."
    assert vc["id"] == domain.credential_urn("crt_1")


def test_long_course_texts_are_bounded_so_kms_can_sign_the_credential() -> None:
    cert = _cert(course_title="T" * 5000, learner_name="N" * 100)
    vc = domain.credential(cert, ISSUER, "2026-12-01T10:05:00Z", "D" * 20000)
    assert len(vc["credentialSubject"]["achievement"]["name"]) == domain.MAX_TITLE
    signing_input = domain.jwt_signing_input(vc, "kid", "RS256")
    assert len(signing_input) <= domain.MAX_SIGNING_INPUT
    oversized = {**vc, "name": "x" * domain.MAX_SIGNING_INPUT}
    with pytest.raises(ValueError, match="too large"):
        domain.jwt_signing_input(oversized, "kid", "RS256")


def test_the_signing_input_mirrors_the_jwt_claims_from_the_credential() -> None:
    vc = domain.credential(_cert(), ISSUER, "2026-12-01T10:05:00Z", "")
    header, payload = domain.jwt_signing_input(vc, "k1", "RS256").split(b".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4)))  # noqa: E731
    assert decode(header) == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    claims = decode(payload)
    assert claims["iss"] == vc["issuer"]["id"] and claims["jti"] == vc["id"]
    assert claims["sub"] == vc["credentialSubject"]["id"]
    moment = datetime(2026, 12, 1, 10, 5, tzinfo=UTC).timestamp()
    assert claims["nbf"] == claims["iat"] == moment


def test_the_key_id_is_the_rfc7638_thumbprint() -> None:
    # RFC 7638 §3.1's example key and thumbprint
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
        "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
        "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
        "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    numbers = rsa.RSAPublicNumbers(
        e=65537, n=int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)), "big")
    )
    der = numbers.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    key = jwk_of(der)
    assert key.kid == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert key.jwk == {
        "kty": "RSA",
        "e": "AQAB",
        "n": n,
        "kid": key.kid,
        "alg": "RS256",
        "use": "sig",
    }
