"""The one token verifier (``coursewave.tokens``) and its two policies, against a fake JWKS.

``API_GATEWAY`` must be exactly what API Gateway's JWT authorizer checks (the local gateway uses
it, so it may be neither stricter nor looser); ``LAMBDA`` is that plus ``token_use``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from coursewave import tokens
from coursewave.tokens import (
    API_GATEWAY,
    LAMBDA,
    KeysUnavailable,
    Policy,
    TokenRejected,
    TokenVerifier,
)

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
CLIENT = "client-1"
SCOPE = "aws.cognito.signin.user.admin"
SCOPES = (SCOPE,)
POLICIES = [API_GATEWAY, LAMBDA]


@pytest.fixture(scope="module")
def key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def foreign() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Jwks:
    """A JWKS endpoint that counts its requests and can be made to fail."""

    def __init__(self, key: Any) -> None:
        self.keys = [{**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1"}]
        self.requests = 0
        self.failing = False

    def __call__(self, url: str) -> dict[str, Any]:
        self.requests += 1
        if self.failing:
            raise ConnectionError("JWKS endpoint unreachable")
        return {"keys": list(self.keys)}


class Clock:
    """The verifier's clock, frozen a little after the tokens' ``iat`` (their issue time is
    read from the wall clock, which may cross a second while a test runs)."""

    def __init__(self) -> None:
        self.now = time.time() + 30

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def jwks(key: Any) -> Jwks:
    return Jwks(key)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(jwks: Jwks, clock: Clock) -> TokenVerifier:
    return TokenVerifier("https://jwks.example/keys", ISSUER, CLIENT, fetch=jwks, clock=clock)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "user-1",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": SCOPE,
        "iat": now,
        "exp": now + 300,
        "cognito:groups": ["admins"],
        **overrides,
    }
    return {name: value for name, value in claims.items() if value is not None}


def _token(key: Any, kid: str = "k1", **overrides: Any) -> str:
    return jwt.encode(_claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


def _id_token(key: Any, **overrides: Any) -> str:
    """A Cognito ID token: ``aud`` is the client id, no ``client_id``, no ``scope``."""
    claims: dict[str, Any] = {"token_use": "id", "aud": CLIENT, "client_id": None, "scope": None}
    return _token(key, **{**claims, **overrides})


def _hs256_with_the_public_key(key: Any) -> str:
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'k1'})}.{_b64(_claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _attacks(key: Any, foreign: Any) -> dict[str, str]:
    """Tokens no policy may accept on a route that asks for the API scopes."""
    now = int(time.time())
    header, _, signature = _token(key).split(".")
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
        "HS256 with the public key": _hs256_with_the_public_key(key),
        "unknown kid": _token(foreign, kid="not-in-jwks"),
        "another key, known kid": _token(foreign),
        "wrong issuer": _token(key, iss="https://cognito-idp.us-east-1.amazonaws.com/other"),
        "wrong client": _token(key, client_id="someone-elses-client"),
        "wrong audience": _token(key, aud="someone-elses-client"),
        "expired": _token(key, iat=now - 7200, exp=now - 60),
        "no exp": _token(key, exp=None),
        "not yet valid (nbf)": _token(key, nbf=now + 3600),
        "issued in the future": _token(key, iat=now + 3600, exp=now + 7200),
        "ID token": _id_token(key),
        "access token without the API scope": _token(key, scope="openid email"),
        "tampered payload": f"{header}.{_b64(_claims(sub='someone-else'))}.{signature}",
        "garbage": "not.a.jwt",
        "empty": "",
    }


def test_a_valid_access_token_passes_both_policies(verifier: TokenVerifier, key: Any) -> None:
    for policy in POLICIES:
        claims = verifier.verify(f"Bearer {_token(key)}", policy, SCOPES)
        assert claims["sub"] == "user-1", policy.name


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_the_attack_matrix_is_refused_under_both_policies(
    verifier: TokenVerifier, key: Any, foreign: Any, policy: Policy
) -> None:
    for attack, token in _attacks(key, foreign).items():
        with pytest.raises(TokenRejected):
            verifier.verify(f"Bearer {token}", policy, SCOPES)
            pytest.fail(f"{attack} passed {policy.name}")


def test_an_id_token_fails_the_gateway_on_its_scope_and_the_function_on_token_use(
    verifier: TokenVerifier, key: Any
) -> None:
    with pytest.raises(TokenRejected) as at_gateway:
        verifier.verify(_id_token(key), API_GATEWAY, SCOPES)
    assert at_gateway.value.insufficient_scope  # API Gateway: 403, not 401

    # Without route scopes API Gateway would let it through (its aud is the client id) ...
    assert verifier.verify(_id_token(key), API_GATEWAY)["token_use"] == "id"
    # ... and the function refuses it whatever scopes it carries.
    with pytest.raises(TokenRejected) as in_function:
        verifier.verify(_id_token(key, scope=SCOPE), LAMBDA, SCOPES)
    assert not in_function.value.insufficient_scope


def test_the_gateway_policy_is_no_stricter_than_api_gateway(
    verifier: TokenVerifier, key: Any
) -> None:
    # API Gateway does not look at token_use or sub, takes the token with or without "Bearer",
    # and reads aud before client_id.
    odd = _token(key, token_use=None, sub=None, aud=CLIENT, client_id="ignored-when-aud-is-set")
    assert verifier.verify(odd, API_GATEWAY, SCOPES)["aud"] == CLIENT
    assert verifier.verify(_token(key), API_GATEWAY, SCOPES)["sub"] == "user-1"
    # one scope of the route is enough
    both = verifier.verify(_token(key, scope=f"openid {SCOPE}"), API_GATEWAY, ("x", SCOPE))
    assert both["sub"] == "user-1"
    with pytest.raises(TokenRejected):
        verifier.verify(odd, LAMBDA, SCOPES)


def test_a_jwks_failure_is_503_with_retry_after_and_is_not_hammered(
    verifier: TokenVerifier, jwks: Jwks, key: Any, clock: Clock
) -> None:
    jwks.failing = True
    for policy in POLICIES:
        with pytest.raises(KeysUnavailable) as caught:
            verifier.verify(_token(key), policy, SCOPES)
        assert caught.value.status == 503
        assert caught.value.code == "SERVICE_UNAVAILABLE"
        assert 1 <= int(caught.value.headers["Retry-After"]) <= tokens.RETRY_AFTER_SECONDS
    assert jwks.requests == 1  # the second request did not fetch again

    jwks.failing = False
    clock.now += tokens.RETRY_AFTER_SECONDS
    assert verifier.verify(_token(key), LAMBDA, SCOPES)["sub"] == "user-1"
    assert jwks.requests == 2


def test_unknown_kid_refetches_are_rate_limited(
    verifier: TokenVerifier, jwks: Jwks, key: Any, foreign: Any, clock: Clock
) -> None:
    verifier.verify(_token(key), API_GATEWAY, SCOPES)
    assert jwks.requests == 1
    for n in range(20):
        with pytest.raises(TokenRejected):
            verifier.verify(_token(foreign, kid=f"made-up-{n}"), API_GATEWAY, SCOPES)
    assert jwks.requests == 1  # known keys are recent: no refetch for made-up kids

    # A key the pool rotated in is found by the next refetch, once the interval has passed.
    jwks.keys.append({**RSAAlgorithm.to_jwk(foreign.public_key(), as_dict=True), "kid": "k2"})
    with pytest.raises(TokenRejected):
        verifier.verify(_token(foreign, kid="k2"), API_GATEWAY, SCOPES)
    clock.now += tokens.REFETCH_SECONDS
    assert verifier.verify(_token(foreign, kid="k2"), API_GATEWAY, SCOPES)["sub"] == "user-1"
    assert jwks.requests == 2


def test_known_kids_never_refetch(verifier: TokenVerifier, jwks: Jwks, key: Any) -> None:
    for _ in range(5):
        verifier.verify(_token(key), LAMBDA, SCOPES)
    assert jwks.requests == 1


def test_claims_checked_by_the_function_from_api_gateway_strings() -> None:
    LAMBDA.check_claims({"sub": "u", "token_use": "access"})
    for claims in ({"sub": "u", "token_use": "id"}, {"sub": "u"}, {"token_use": "access"}):
        with pytest.raises(TokenRejected):
            LAMBDA.check_claims(claims)
    API_GATEWAY.check_claims({"token_use": "id"})  # not API Gateway's business
