"""Stripe: Checkout Sessions, refunds and webhooks through the ``stripe`` SDK (``StripeClient``).

The SDK is imported inside the adapter (≈140 ms of cold import, GOTCHAS.md), only by the functions
that talk to Stripe. Amounts are in our minor units (ISO 4217 exponents); Stripe agrees except for
ISK and UGX, which it takes in two-decimal form although they have no minor unit.

Statuses, from the Checkout Session re-read with its payment intent expanded:
``open`` → pending; ``complete`` + ``paid``/``no_payment_required`` → succeeded; ``complete`` +
``unpaid`` → pending while the payment intent is processing (delayed methods), failed once it
needs a new payment method or was cancelled; ``expired`` → expired, or cancelled when it was
expired before its ``expires_at`` (someone expired it: the payer's cancel, an operator).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from functions.payments.providers.port import (
    CheckoutRequest,
    IgnoredNotification,
    InvalidNotification,
    Notification,
    Observed,
    ProviderName,
    ProviderRejected,
    ProviderStatus,
    ProviderUnavailable,
    Refunded,
    Started,
)

if TYPE_CHECKING:
    import requests

TOLERANCE_SECONDS = 300  # Stripe's own default: older signatures are replays
FUTURE_SKEW_SECONDS = 30  # the SDK accepts any future timestamp; we allow clock skew only
TIMEOUT = (3.05, 10.0)
# Stripe's zero-decimal currencies (ours too) and the two it takes times 100 although they have no
# minor unit (https://docs.stripe.com/currencies#special-cases).
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
TIMES_100 = frozenset({"ISK", "UGX"})
CURRENCIES = ZERO_DECIMAL | frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "TRY",
        "ILS",
        "AED",
        "SAR",
        "QAR",
        "INR",
        "SGD",
        "HKD",
        "MYR",
        "THB",
        "IDR",
        "PHP",
        "TWD",
        "CNY",
        "MXN",
        "BRL",
        "COP",
        "PEN",
        "ZAR",
        "NGN",
        "KES",
        "GHS",
        "EGP",
        "MAD",
        "TZS",
        "ZMW",
        "MWK",
    ]
)
HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.expired",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "charge.refunded",
    }
)
EXPAND = ["payment_intent.latest_charge.balance_transaction"]


def to_stripe_amount(amount: int, currency: str) -> int:
    return amount * 100 if currency.upper() in TIMES_100 else amount


def from_stripe_amount(amount: int | None, currency: str | None) -> int | None:
    if amount is None or currency is None:
        return amount
    return amount // 100 if currency.upper() in TIMES_100 else amount


class StripeProvider:
    name: ProviderName = "stripe"
    currencies: frozenset[str] = CURRENCIES

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        api_base: str,
        *,
        session: requests.Session | None = None,
        max_network_retries: int = 1,
    ) -> None:
        import stripe

        self._stripe = stripe
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base.rstrip("/")},
            http_client=stripe.RequestsClient(timeout=TIMEOUT, session=session),
            # One retry of connection errors and 5xx, made safe by the Idempotency-Key.
            max_network_retries=max_network_retries,
        )

    # -- the port --------------------------------------------------------------------------

    def start(self, request: CheckoutRequest) -> Started:
        currency = request.currency.upper()
        if currency not in self.currencies:
            raise ProviderRejected(f"stripe: cannot take {currency}")
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": to_stripe_amount(request.amount, currency),
                        "product_data": {"name": request.description[:250]},
                    },
                }
            ],
            "client_reference_id": request.payment_id,
            "metadata": {"payment_id": request.payment_id},
            "payment_intent_data": {"metadata": {"payment_id": request.payment_id}},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        if request.expires_at is not None:
            params["expires_at"] = request.expires_at
        if request.customer_email:
            params["customer_email"] = request.customer_email
        session = self._call(
            lambda: self._client.v1.checkout.sessions.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        )
        return Started(provider_ref=session["id"], checkout_url=session.get("url"))

    def status(self, provider_ref: str) -> Observed:
        session = self._call(
            lambda: self._client.v1.checkout.sessions.retrieve(provider_ref, {"expand": EXPAND})
        )
        return observe(session, now=time.time())

    def parse_notification(
        self, method: str, headers: dict[str, str], raw_body: bytes, now: float
    ) -> Notification:
        if method.upper() != "POST":
            raise InvalidNotification("stripe: webhooks are POSTs")
        header = {k.lower(): v for k, v in headers.items()}.get("stripe-signature")
        verify_signature(raw_body, header, self._webhook_secret, now)
        event = _event(raw_body)
        kind = event.get("type")
        if kind not in HANDLED_EVENTS:
            raise IgnoredNotification(f"stripe: event type {kind!r} is not one we act on")
        obj = (event.get("data") or {}).get("object") or {}
        if kind == "charge.refunded":
            return self._refund_notification(event["id"], obj)
        metadata = obj.get("metadata") or {}
        return Notification(
            event_id=event["id"],
            provider_ref=str(obj.get("id") or ""),
            payment_id=metadata.get("payment_id") or obj.get("client_reference_id"),
        )

    def refund(
        self, provider_ref: str, amount: int, currency: str, idempotency_key: str
    ) -> Refunded | None:
        session = self._call(lambda: self._client.v1.checkout.sessions.retrieve(provider_ref))
        intent = session.get("payment_intent")
        intent_id = intent if isinstance(intent, str) else (intent or {}).get("id")
        if not intent_id:
            raise ProviderRejected("stripe: the session has no payment to refund")
        refund = self._call(
            lambda: self._client.v1.refunds.create(
                {
                    "payment_intent": intent_id,
                    "amount": to_stripe_amount(amount, currency),
                    "reason": "requested_by_customer",
                    "metadata": {"payment_id": (session.get("metadata") or {}).get("payment_id")},
                },
                {"idempotency_key": idempotency_key},
            )
        )
        state = refund.get("status")
        if state == "succeeded":
            return Refunded(refund_ref=refund["id"], status="succeeded")
        if state in ("pending", "requires_action"):
            return Refunded(refund_ref=refund["id"], status="pending")
        raise ProviderRejected(f"stripe: refund {refund['id']} is {state}")

    # -- helpers ---------------------------------------------------------------------------

    def _refund_notification(self, event_id: str, charge: dict[str, Any]) -> Notification:
        """A charge names its payment intent, not the session: find the session by it."""
        intent = charge.get("payment_intent")
        if not isinstance(intent, str) or not intent:
            raise InvalidNotification("stripe: charge.refunded without a payment intent")
        found = self._call(
            lambda: self._client.v1.checkout.sessions.list({"payment_intent": intent, "limit": 1})
        )
        sessions = found.get("data") or []
        if not sessions:
            raise IgnoredNotification("stripe: a refund of a payment no checkout of ours made")
        session = sessions[0]
        return Notification(
            event_id=event_id,
            provider_ref=session["id"],
            payment_id=(session.get("metadata") or {}).get("payment_id")
            or session.get("client_reference_id"),
        )

    def _call(self, fn: Any) -> Any:
        stripe = self._stripe
        try:
            return _plain(fn())
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise ProviderUnavailable(f"stripe: {type(exc).__name__}") from exc
        except stripe.StripeError as exc:
            status = exc.http_status or 0
            detail = f"stripe: {type(exc).__name__} ({status}) {exc.code or ''}".rstrip()
            if status >= 500 or status == 0:
                raise ProviderUnavailable(detail) from exc
            raise ProviderRejected(detail) from exc


def verify_signature(raw_body: bytes, header: str | None, secret: str, now: float) -> None:
    """Stripe's scheme over the raw body (the SDK's check, 300 s tolerance), and no timestamp in
    the future beyond a small clock skew (the SDK accepts those)."""
    import stripe

    if not header:
        raise InvalidNotification("stripe: no Stripe-Signature header")
    try:
        stripe.WebhookSignature.verify_header(raw_body, header, secret, TOLERANCE_SECONDS)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidNotification("stripe: the signature does not verify") from exc
    timestamps = [
        int(value)
        for key, _, value in (part.partition("=") for part in header.split(","))
        if key.strip() == "t" and value.strip().isdigit()
    ]
    if len(timestamps) != 1:
        raise InvalidNotification("stripe: the signature header needs exactly one timestamp")
    if timestamps[0] > now + FUTURE_SKEW_SECONDS:
        raise InvalidNotification("stripe: the signature's timestamp is in the future")
    if timestamps[0] < now - TOLERANCE_SECONDS:
        raise InvalidNotification("stripe: the signature is too old")


def _event(raw_body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(raw_body)
    except ValueError as exc:
        raise InvalidNotification("stripe: the body is not JSON") from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise InvalidNotification("stripe: the body is not an event")
    return event


def _plain(obj: Any) -> dict[str, Any]:
    """The SDK object as plain JSON data (nested expansions included)."""
    return obj.to_dict(for_json=True) if hasattr(obj, "to_dict") else obj


def observe(session: dict[str, Any], now: float) -> Observed:
    """Our view of a Checkout Session (payment intent expanded where available)."""
    intent = session.get("payment_intent")
    intent = intent if isinstance(intent, dict) else None
    charge = (intent or {}).get("latest_charge")
    charge = charge if isinstance(charge, dict) else None
    currency = (session.get("currency") or "").upper() or None
    return Observed(
        provider_ref=session["id"],
        status=_status(session, intent, now),
        amount=from_stripe_amount(session.get("amount_total"), currency),
        currency=currency,
        fee=_fee(charge, currency),
        transaction_id=(intent or {}).get("id") or _str(session.get("payment_intent")),
        raw_status=f"{session.get('status')}/{session.get('payment_status')}",
        refunded=bool(charge and charge.get("refunded")),
    )


def _status(session: dict[str, Any], intent: dict[str, Any] | None, now: float) -> ProviderStatus:
    state, paid = session.get("status"), session.get("payment_status")
    if state == "complete" and paid in ("paid", "no_payment_required"):
        return "succeeded"
    if state == "complete":
        if intent and intent.get("status") in ("requires_payment_method", "canceled"):
            return "failed"
        return "pending"
    if state == "expired":
        expires_at = session.get("expires_at")
        early = isinstance(expires_at, int) and now < expires_at
        return "cancelled" if early else "expired"
    return "pending"


def _fee(charge: dict[str, Any] | None, currency: str | None) -> int | None:
    """Stripe's fee from the balance transaction, when it is in the payment's currency (a fee
    settled in another currency is not comparable: None)."""
    txn = (charge or {}).get("balance_transaction")
    if not isinstance(txn, dict) or txn.get("fee") is None or currency is None:
        return None
    if (txn.get("currency") or "").upper() != currency:
        return None
    return from_stripe_amount(int(txn["fee"]), currency)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
