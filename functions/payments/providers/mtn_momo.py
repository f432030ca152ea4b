"""MTN MoMo Collections: a thin client of MTN's Open API (no maintained SDK exists, GOTCHAS.md).

``POST /collection/token/`` (Basic API user:key + the subscription key) gives an access token,
kept until shortly before it expires; ``POST /collection/v1_0/requesttopay`` with a new
``X-Reference-Id`` (our provider_ref) answers 202 with no body, and the payer approves on the
phone; ``GET /collection/v1_0/requesttopay/{id}`` is the truth (PENDING | SUCCESSFUL | FAILED,
failures answer 200 too). Callbacks carry no signature: ``parse_notification`` only says which
payment a callback is about, and the use case re-reads the status before acting.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from functions.payments.providers.http import Http, json_of
from functions.payments.providers.money import from_major, to_major
from functions.payments.providers.port import (
    CheckoutRequest,
    InvalidNotification,
    Notification,
    Observed,
    ProviderName,
    ProviderRejected,
    ProviderStatus,
    Refunded,
    Started,
)

if TYPE_CHECKING:
    import requests

# X-Target-Environment → the currency MTN collects there (the sandbox takes EUR only).
CURRENCY_BY_ENVIRONMENT = {
    "sandbox": "EUR",
    "mtnuganda": "UGX",
    "mtnrwanda": "RWF",
    "mtncameroon": "XAF",
    "mtncongo": "XAF",
    "mtnghana": "GHS",
    "mtnivorycoast": "XOF",
    "mtnbenin": "XOF",
    "mtnzambia": "ZMW",
    "mtnswaziland": "SZL",
    "mtnguineaconakry": "GNF",
    "mtnliberia": "LRD",
    "mtnsouthafrica": "ZAR",
}
TOKEN_MARGIN_SECONDS = 60
# FAILED's reason, in our words: the payer said no (cancelled) or never answered (expired).
CANCELLED_REASONS = frozenset({"APPROVAL_REJECTED"})
EXPIRED_REASONS = frozenset({"EXPIRED"})


def reference_id(idempotency_key: str) -> str:
    """The X-Reference-Id for one checkout: a UUID (version 4 form, as MTN asks) derived from the
    idempotency key, so a retried start names the same request and MTN answers 409, not a second
    prompt on the payer's phone."""
    digest = hashlib.sha256(f"momo:{idempotency_key}".encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


class MomoProvider:
    name: ProviderName = "mtn_momo"

    def __init__(
        self,
        base_url: str,
        target_environment: str,
        api_user: str,
        api_key: str,
        subscription_key: str,
        *,
        session: requests.Session | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._environment = target_environment
        self._api_user = api_user
        self._api_key = api_key
        self._subscription_key = subscription_key
        self._http = Http("mtn_momo", session)
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        currency = CURRENCY_BY_ENVIRONMENT.get(target_environment)
        self.currencies: frozenset[str] = frozenset({currency} if currency else ())

    def start(self, request: CheckoutRequest) -> Started:
        currency = request.currency.upper()
        if currency not in self.currencies:
            raise ProviderRejected(f"mtn_momo: {self._environment} does not take {currency}")
        if not request.phone or not request.phone.isdigit():
            raise ProviderRejected("mtn_momo: a payer MSISDN (digits) is required")
        ref = reference_id(request.idempotency_key)
        headers = {
            **self._headers(),
            "X-Reference-Id": ref,
            "X-Callback-Url": request.callback_url,
            "Content-Type": "application/json",
        }
        body = {
            "amount": to_major(request.amount, currency),
            "currency": currency,
            "externalId": request.payment_id,
            "payer": {"partyIdType": "MSISDN", "partyId": request.phone},
            "payerMessage": request.description[:160],
            "payeeNote": request.payment_id,
        }
        # 409: this reference id exists already, i.e. a retry of the same start.
        self._http.request(
            "POST",
            f"{self._base}/collection/v1_0/requesttopay",
            headers=headers,
            json_body=body,
            ok=(202, 409),
        )
        return Started(provider_ref=ref, checkout_url=None)

    def status(self, provider_ref: str) -> Observed:
        response = self._http.request(
            "GET",
            f"{self._base}/collection/v1_0/requesttopay/{provider_ref}",
            headers=self._headers(),
        )
        return observe(provider_ref, json_of(response, "mtn_momo"))

    def parse_notification(
        self, method: str, headers: dict[str, str], raw_body: bytes, now: float
    ) -> Notification:
        if method.upper() not in ("PUT", "POST"):
            raise InvalidNotification("mtn_momo: callbacks are PUT or POST")
        try:
            body = json.loads(raw_body)
        except ValueError as exc:
            raise InvalidNotification("mtn_momo: the callback is not JSON") from exc
        if not isinstance(body, dict):
            raise InvalidNotification("mtn_momo: the callback is not an object")
        ref = _text(body.get("referenceId"))
        external = _text(body.get("externalId"))
        if not ref and not external:
            raise InvalidNotification("mtn_momo: the callback names no request")
        status = _text(body.get("status")) or "UNKNOWN"
        return Notification(
            event_id=f"{ref or external}:{status}", provider_ref=ref or "", payment_id=external
        )

    def refund(
        self, provider_ref: str, amount: int, currency: str, idempotency_key: str
    ) -> Refunded | None:
        return None  # recorded as a manual refund (Collections has no refund of a request)

    # -- token -----------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._access_token()}",
            "X-Target-Environment": self._environment,
            "Ocp-Apim-Subscription-Key": self._subscription_key,
        }

    def _access_token(self) -> str:
        with self._lock:
            if self._token and self._token[1] > time.monotonic():
                return self._token[0]
            basic = base64.b64encode(f"{self._api_user}:{self._api_key}".encode()).decode()
            response = self._http.request(
                "POST",
                f"{self._base}/collection/token/",
                headers={
                    "Authorization": f"Basic {basic}",
                    "Ocp-Apim-Subscription-Key": self._subscription_key,
                },
                ok=(200,),
            )
            data = json_of(response, "mtn_momo")
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise ProviderRejected("mtn_momo: the token answer has no access_token")
            lifetime = int(data.get("expires_in") or 3600)
            self._token = (token, time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 1))
            return token


def observe(provider_ref: str, data: dict[str, Any]) -> Observed:
    raw = _text(data.get("status")) or "UNKNOWN"
    currency = _text(data.get("currency"))
    return Observed(
        provider_ref=provider_ref,
        status=_status(raw, _reason(data.get("reason"))),
        amount=from_major(data.get("amount"), currency),
        currency=currency,
        fee=None,  # MTN's status API reports no fee
        transaction_id=_text(data.get("financialTransactionId")),
        raw_status=raw,
    )


def _status(raw: str, reason: str | None) -> ProviderStatus:
    if raw == "SUCCESSFUL":
        return "succeeded"
    if raw == "FAILED":
        if reason in CANCELLED_REASONS:
            return "cancelled"
        if reason in EXPIRED_REASONS:
            return "expired"
        return "failed"
    return "pending"  # PENDING, and anything MTN adds later, until it settles


def _reason(value: Any) -> str | None:
    """``reason`` is a code string, or ``{code, message}`` in older answers."""
    if isinstance(value, dict):
        return _text(value.get("code"))
    return _text(value)


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value) else None
