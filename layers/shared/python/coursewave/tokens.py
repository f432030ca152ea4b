"""The one verifier of Cognito bearer tokens, with the two policies that use it.

``API_GATEWAY`` is what API Gateway's HTTP API JWT authorizer checks, and nothing more (AWS,
"Control access to HTTP APIs with JWT authorizers"): the token (``Bearer`` prefix optional), an
RSA signature (RS256 here) by a key of the issuer's JWKS named by ``kid``, ``iss``, ``aud`` — or
``client_id`` when there is no ``aud`` — against the app client, ``exp`` after now, ``nbf`` and
``iat`` (when present) not after now, and the route's authorization scopes (the ``scope`` claim
must hold one of them). It does NOT check ``token_use``: an ID token's ``aud`` is the client id,
so only the scopes keep ID tokens out. The local gateway (``local/authorizer.py``) uses this
policy, so it is exactly as strict as AWS.

``LAMBDA`` is that plus ``token_use == "access"`` (and a ``sub``): what the functions apply
themselves — in full on a public route's optional bearer (``functions/enrollment/viewer.py``:
there API Gateway checks nothing) and, on protected routes, to the claims API Gateway passed
(``coursewave.api.authorize_user``: the signature was checked by the gateway).

Keys: the JWKS is fetched once and kept. An unknown ``kid`` refetches it at most once per
``REFETCH_SECONDS`` (a flood of made-up kids cannot turn into a flood of fetches); a failed fetch
raises ``KeysUnavailable`` (503 ``SERVICE_UNAVAILABLE`` with ``Retry-After``), never an anonymous
answer, and is not retried before ``RETRY_AFTER_SECONDS``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from coursewave.errors import ServiceUnavailable

JWKS_TIMEOUT_SECONDS = 5
REFETCH_SECONDS = 60
RETRY_AFTER_SECONDS = 5
ALGORITHMS = ("RS256",)  # what Cognito signs with; API Gateway accepts RSA algorithms only


class TokenRejected(Exception):
    """The token does not pass. ``reason`` is for logs only, never for the client."""

    def __init__(self, reason: str, *, insufficient_scope: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # A verified token without one of the route's scopes: API Gateway answers 403 for it,
        # every other refusal 401.
        self.insufficient_scope = insufficient_scope


class KeysUnavailable(ServiceUnavailable):
    """The pool's JWKS could not be fetched: a token can be neither accepted nor refused."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("Sign-in keys are unavailable; try again shortly.", retry_after_seconds)


@dataclass(frozen=True)
class Policy:
    """What a verifier requires beyond signature, issuer, audience/client, times and scopes."""

    name: str
    token_use: str | None  # None: not checked
    require_sub: bool

    def check_claims(self, claims: dict[str, Any]) -> None:
        """The claim checks of this policy that the signature does not cover (also applied to
        claims API Gateway already verified, which arrive as strings)."""
        if self.token_use is not None and claims.get("token_use") != self.token_use:
            raise TokenRejected(f"token_use is not {self.token_use}")
        if self.require_sub and not claims.get("sub"):
            raise TokenRejected("no sub")


API_GATEWAY = Policy("API Gateway JWT authorizer", token_use=None, require_sub=False)
LAMBDA = Policy("in the function", token_use="access", require_sub=True)  # noqa: S106 - a claim value


def token_scopes(claims: dict[str, Any]) -> list[str] | None:
    """The ``scope`` claim as a list (None without one): space-separated in Cognito tokens."""
    raw = claims.get("scope")
    if raw is None:
        return None
    if isinstance(raw, list):
        return [str(scope) for scope in raw]
    return str(raw).split()


def _fetch_jwks(url: str) -> dict[str, Any]:
    # requests (and PyJWT, cryptography below) cost cold-start time: loaded on the first token.
    import requests

    response = requests.get(url, timeout=JWKS_TIMEOUT_SECONDS)
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    return document


class TokenVerifier:
    """Verifies bearer tokens of one issuer (user pool) for one app client."""

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        client_id: str,
        *,
        fetch: Callable[[str], dict[str, Any]] = _fetch_jwks,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.client_id = client_id
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()
        self.fetches = 0  # JWKS requests made (tests read it)

    # -- keys --------------------------------------------------------------------------------

    def _refresh(self, now: float) -> None:
        from jwt.algorithms import RSAAlgorithm

        self.fetches += 1
        try:
            document = self._fetch(self.jwks_url)
            keys = {
                str(item["kid"]): RSAAlgorithm.from_jwk(item)
                for item in document["keys"]
                if isinstance(item, dict) and item.get("kty") == "RSA" and "kid" in item
            }
        except Exception as exc:  # any failure to get keys: neither accept nor refuse
            self._failed_at = now
            raise KeysUnavailable(RETRY_AFTER_SECONDS) from exc
        self._keys, self._fetched_at, self._failed_at = keys, now, None

    def _key(self, kid: str) -> Any:
        with self._lock:
            now = self._clock()
            if kid in self._keys:
                return self._keys[kid]
            if self._failed_at is not None and now - self._failed_at < RETRY_AFTER_SECONDS:
                raise KeysUnavailable(math.ceil(RETRY_AFTER_SECONDS - (now - self._failed_at)))
            if self._fetched_at is None or now - self._fetched_at >= REFETCH_SECONDS:
                self._refresh(now)
            if kid not in self._keys:
                raise TokenRejected("unknown kid")
            return self._keys[kid]

    # -- tokens ------------------------------------------------------------------------------

    def verify(
        self, authorization: str | None, policy: Policy, scopes: Collection[str] = ()
    ) -> dict[str, Any]:
        """The claims of a token that passes ``policy`` and carries one of ``scopes`` (none
        asked: any); ``TokenRejected`` or ``KeysUnavailable`` otherwise. ``authorization`` is
        the header value: the token alone or prefixed with ``Bearer``, as API Gateway takes it.
        """
        import jwt

        if not authorization or not authorization.strip():
            raise TokenRejected("no token")
        token = authorization.strip().removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenRejected("malformed token") from exc
        if header.get("alg") not in ALGORITHMS:
            raise TokenRejected("algorithm not allowed")
        key = self._key(str(header.get("kid")))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                options={
                    "verify_signature": True,
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"signature: {exc}") from exc
        self._check_claims(claims)
        policy.check_claims(claims)
        if scopes and not set(token_scopes(claims) or ()) & set(scopes):
            raise TokenRejected("no authorization scope of the route", insufficient_scope=True)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("iss") != self.issuer:
            raise TokenRejected("wrong issuer")
        if "aud" in claims:
            audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
            if self.client_id not in audience:
                raise TokenRejected("wrong audience")
        elif claims.get("client_id") != self.client_id:
            raise TokenRejected("wrong client")
        now = self._clock()
        exp = _number(claims.get("exp"))
        if exp is None or now >= exp:
            raise TokenRejected("expired or no exp")
        for name in ("nbf", "iat"):
            if name in claims:
                value = _number(claims[name])
                if value is None or value > now:
                    raise TokenRejected(f"{name} is in the future")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
