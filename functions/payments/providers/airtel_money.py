"""Airtel Money collections: a thin client of Airtel's Open API (no maintained SDK, GOTCHAS.md).

``POST /auth/oauth2/token`` (client credentials) gives a bearer token, kept until shortly before
it expires; ``POST /merchant/v1/payments/`` (``X-Country``/``X-Currency``) pushes a USSD prompt to
the payer; ``GET /standard/v1/payments/{id}`` is the truth (TS succeeded, TF failed, TE expired,
TIP/TA in progress). The callback URL is registered in Airtel's portal, not per request; its
body ``{transaction: {id, message, status_code, airtel_money_id}}`` may carry ``hash``: base64 of
HMAC-SHA256 over the transaction object's compact JSON with the callback key, checked whenever a
key is configured (a callback without a valid hash is then rejected). Even a verified callback
only says which payment to re-read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
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

# X-Country → (country calling code, currencies Airtel collects there).
COUNTRIES: dict[str, tuple[str, frozenset[str]]] = {
    "UG": ("256", frozenset({"UGX"})),
    "KE": ("254", frozenset({"KES"})),
    "TZ": ("255", frozenset({"TZS"})),
    "RW": ("250", frozenset({"RWF"})),
    "ZM": ("260", frozenset({"ZMW"})),
    "MW": ("265", frozenset({"MWK"})),
    "CD": ("243", frozenset({"CDF", "USD"})),
    "CG": ("242", frozenset({"XAF"})),
    "GA": ("241", frozenset({"XAF"})),
    "TD": ("235", frozenset({"XAF"})),
    "NE": ("227", frozenset({"XOF"})),
    "MG": ("261", frozenset({"MGA"})),
    "SC": ("248", frozenset({"SCR"})),
    "NG": ("234", frozenset({"NGN"})),
}
TOKEN_MARGIN_SECONDS = 30


def transaction_id(idempotency_key: str) -> str:
    """Our transaction id for one checkout, derived from the idempotency key: a retried start
    names the same transaction instead of prompting the payer twice."""
    return hashlib.sha256(f"airtel:{idempotency_key}".encode()).hexdigest()[:24]


def callback_hash(transaction: dict[str, Any], key: str) -> str:
    message = json.dumps(transaction, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(hmac.new(key.encode(), message, hashlib.sha256).digest()).decode()


class AirtelProvider:
    name: ProviderName = "airtel_money"

    def __init__(
        self,
        base_url: str,
        country: str,
        client_id: str,
        client_secret: str,
        callback_key: str | None,
        *,
        session: requests.Session | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._country = country.upper()
        self._client_id = client_id
        self._client_secret = client_secret
        self._callback_key = callback_key
        self._http = Http("airtel_money", session)
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self._calling_code, self.currencies = COUNTRIES.get(self._country, ("", frozenset()))

    def start(self, request: CheckoutRequest) -> Started:
        currency = request.currency.upper()
        if currency not in self.currencies:
            raise ProviderRejected(f"airtel_money: {self._country} does not take {currency}")
        msisdn = self._local_msisdn(request.phone)
        txn = transaction_id(request.idempotency_key)
        body = {
            "reference": request.payment_id,
            "subscriber": {"country": self._country, "currency": currency, "msisdn": msisdn},
            "transaction": {
                "amount": _number(to_major(request.amount, currency)),
                "country": self._country,
                "currency": currency,
                "id": txn,
            },
        }
        response = self._http.request(
            "POST",
            f"{self._base}/merchant/v1/payments/",
            headers={**self._headers(currency), "Content-Type": "application/json"},
            json_body=body,
            ok=(200,),
        )
        status = json_of(response, "airtel_money").get("status") or {}
        if isinstance(status, dict) and status.get("success") is False:
            raise ProviderRejected(f"airtel_money: refused ({status.get('response_code')})")
        return Started(provider_ref=txn, checkout_url=None)

    def status(self, provider_ref: str) -> Observed:
        currency = min(self.currencies) if self.currencies else ""
        response = self._http.request(
            "GET",
            f"{self._base}/standard/v1/payments/{provider_ref}",
            headers=self._headers(currency),
            ok=(200,),
        )
        data = json_of(response, "airtel_money")
        transaction = (data.get("data") or {}).get("transaction") or {}
        if not isinstance(transaction, dict) or not transaction.get("status"):
            raise ProviderRejected("airtel_money: the status answer has no transaction status")
        return observe(provider_ref, transaction)

    def parse_notification(
        self, method: str, headers: dict[str, str], raw_body: bytes, now: float
    ) -> Notification:
        if method.upper() not in ("POST", "PUT"):
            raise InvalidNotification("airtel_money: callbacks are POSTs")
        try:
            body = json.loads(raw_body)
        except ValueError as exc:
            raise InvalidNotification("airtel_money: the callback is not JSON") from exc
        transaction = body.get("transaction") if isinstance(body, dict) else None
        if not isinstance(transaction, dict) or not isinstance(transaction.get("id"), str):
            raise InvalidNotification("airtel_money: the callback names no transaction")
        if self._callback_key:
            given = body.get("hash")
            expected = callback_hash(transaction, self._callback_key)
            if not isinstance(given, str) or not hmac.compare_digest(given, expected):
                raise InvalidNotification("airtel_money: the callback's hash does not verify")
        status = str(transaction.get("status_code") or "UNKNOWN")
        return Notification(
            event_id=f"{transaction['id']}:{status}",
            provider_ref=transaction["id"],
            payment_id=None,  # Airtel's callback does not echo our reference
        )

    def refund(
        self, provider_ref: str, amount: int, currency: str, idempotency_key: str
    ) -> Refunded | None:
        return None  # recorded as a manual refund with the provider reference

    # -- helpers ---------------------------------------------------------------------------

    def _local_msisdn(self, phone: str | None) -> str:
        """Airtel wants the number without its country code."""
        if not phone or not phone.isdigit():
            raise ProviderRejected("airtel_money: a payer MSISDN (digits) is required")
        if self._calling_code and phone.startswith(self._calling_code):
            return phone[len(self._calling_code) :]
        return phone

    def _headers(self, currency: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._access_token()}",
            "X-Country": self._country,
            "X-Currency": currency,
            "Accept": "*/*",
        }

    def _access_token(self) -> str:
        with self._lock:
            if self._token and self._token[1] > time.monotonic():
                return self._token[0]
            response = self._http.request(
                "POST",
                f"{self._base}/auth/oauth2/token",
                headers={"Content-Type": "application/json", "Accept": "*/*"},
                json_body={
                    "client_id": self._client_id,
                    "client_secret": self._client_secret,
                    "grant_type": "client_credentials",
                },
                ok=(200,),
            )
            data = json_of(response, "airtel_money")
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise ProviderRejected("airtel_money: the token answer has no access_token")
            lifetime = int(data.get("expires_in") or 180)
            self._token = (token, time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 1))
            return token


def observe(provider_ref: str, transaction: dict[str, Any]) -> Observed:
    raw = str(transaction.get("status"))
    currency = transaction.get("currency") if isinstance(transaction.get("currency"), str) else None
    money_id = transaction.get("airtel_money_id")
    return Observed(
        provider_ref=provider_ref,
        status=_status(raw),
        amount=from_major(transaction.get("amount"), currency),
        currency=currency,
        fee=None,  # Airtel's status API reports no fee
        transaction_id=money_id if isinstance(money_id, str) and money_id else None,
        raw_status=raw,
    )


def _status(raw: str) -> ProviderStatus:
    if raw == "TS":
        return "succeeded"
    if raw == "TF":
        return "failed"  # Airtel does not tell a declined prompt from a failure
    if raw == "TE":
        return "expired"
    return "pending"  # TIP, TA (ambiguous: poll again), anything new


def _number(major: str) -> int | float:
    return int(major) if "." not in major else float(major)
