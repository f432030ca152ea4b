"""The Open Badges 3.0 credential: a VC-JWT that anyone verifies offline with a generic JOSE
library against the published JWKS, that matches 1EdTech's JSON schema, and that fails to
verify after any change."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.certificates.conftest import API_BASE_URL, WEB_APP_URL, School
from tests.integration.courses.builders import ok

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT.parent / "shared" / "standards" / "ob_v3p0_achievementcredential_schema.json"
JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "iat")


def _segments(token: str) -> list[bytes]:
    return [base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in token.split(".")]


def _verify(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """What a verifier does: the key the header names from the JWKS, then RS256 only."""
    header = jwt.get_unverified_header(token)
    found = [key for key in jwks["keys"] if key["kid"] == header.get("kid")]
    if len(found) != 1:
        raise jwt.InvalidKeyError("no published key has this kid")
    key = jwt.PyJWK(found[0]).key
    return jwt.decode(token, key, algorithms=["RS256"], options={"require": list(JWT_CLAIMS)})


@pytest.fixture
def issued(school: School) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the holder's certificate, the verification answer)."""
    school.complete(school.personas.student)
    school.platform.drain()
    cert = school.only(school.personas.student)
    return cert, ok(school.verify(cert["id"]))


def test_the_credential_verifies_against_the_published_keys(
    school: School, issued: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    cert, verified = issued
    jwks = school.jwks()
    assert verified["credential"] == cert["credential"]
    header = jwt.get_unverified_header(cert["credential"])
    assert header == {"alg": "RS256", "kid": verified["key_id"], "typ": "JWT"}

    claims = _verify(cert["credential"], jwks)

    assert claims["iss"] == f"{API_BASE_URL}/v1/issuer" == claims["issuer"]["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["jti"] == claims["id"]
    subject = claims["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == verified["learner_name"]
    assert subject["achievement"]["name"] == "Data Science with Python"
    assert claims["evidence"][0]["id"] == f"{WEB_APP_URL}/verify/{cert['id']}"
    # a verifier needs nothing but the JWKS: the key is RSA ≥ 2048 bits, its kid its thumbprint
    (jwk,) = jwks["keys"]
    public = jwt.PyJWK(jwk).key
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size >= 2048
    assert jwk["kid"] == jwt.PyJWK(jwk).key_id == header["kid"]
    assert {"d", "p", "q"}.isdisjoint(jwk)


def test_the_credential_matches_the_open_badges_schema(
    issued: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    cert, _ = issued
    payload = json.loads(_segments(cert["credential"])[1])
    credential = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    errors = [error.message for error in validator.iter_errors(credential)]
    assert errors == []
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # the schema really checks: a credential without its subject's achievement fails
    broken = {**credential, "credentialSubject": {"type": ["AchievementSubject"]}}
    assert list(validator.iter_errors(broken))


def test_changing_any_byte_of_the_credential_breaks_its_signature(
    school: School, issued: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    cert, _ = issued
    token, jwks = cert["credential"], school.jwks()
    original = _segments(token)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    checked = 0
    for index, char in enumerate(token):
        if char == ".":
            continue
        forged = token[:index] + alphabet[(alphabet.index(char) + 1) % 64] + token[index + 1 :]
        try:
            same = _segments(forged) == original
        except ValueError:
            same = False
        if same:
            continue  # the last character's unused bits: the same bytes, the same credential
        with pytest.raises(jwt.PyJWTError):
            _verify(forged, jwks)
        checked += 1
    assert checked > len(token) * 0.9
    # and a credential signed by another key, under our kid, is refused
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    payload = json.loads(_segments(token)[1])
    impostor = jwt.encode(
        payload, other, algorithm="RS256", headers={"kid": jwt.get_unverified_header(token)["kid"]}
    )
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(impostor, jwks)


def test_the_issuer_profile_is_the_credentials_issuer(
    school: School, issued: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    _, verified = issued
    profile = ok(school.platform.call("GET", "/v1/issuer"))
    assert profile["id"] == verified["issuer"]["id"] == f"{API_BASE_URL}/v1/issuer"
    assert profile["type"] == ["Profile"]
    assert profile["url"] == WEB_APP_URL  # the issuer's home page: the web app
    assert profile["@context"][1].startswith("https://purl.imsglobal.org/spec/ob/v3p0/context")
    assert verified["jwks_url"] == f"{API_BASE_URL}/v1/.well-known/jwks.json"
