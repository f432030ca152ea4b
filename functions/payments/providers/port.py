"""The payment-provider port: what the payments use cases need from Stripe, MTN MoMo and Airtel.

Each adapter speaks its provider's real API (base URL from configuration, credentials from the
payments secret); locally the same adapters talk to the fakes the runner serves. Use cases never
trust a notification on its own: ``parse_notification`` only proves who sent it and which payment
it is about; the state always comes from ``status`` (the provider's API), re-read before acting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

ProviderName = Literal["stripe", "mtn_momo", "airtel_money"]
# What a provider says about one payment, in our words.
ProviderStatus = Literal["pending", "succeeded", "failed", "cancelled", "expired"]


class ProviderError(Exception):
    """Base of the errors an adapter raises."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or answered 5xx / timed out: try again later."""


class ProviderRejected(ProviderError):
    """The provider refused the request (4xx: bad currency, bad phone number, bad credentials)."""


class InvalidNotification(ProviderError):
    """A webhook or callback that does not verify (signature, timestamp, body) or parse."""


class IgnoredNotification(ProviderError):
    """A verified notification of a kind we do not act on (another Stripe event type): answer
    2xx so the provider stops retrying, and change nothing."""


@dataclass(frozen=True)
class CheckoutRequest:
    payment_id: str  # ours; echoed by the provider (Stripe metadata/client_reference_id,
    # MoMo externalId, Airtel reference) so a notification names it
    amount: int  # minor units of ``currency`` (whole units for zero-decimal currencies)
    currency: str  # ISO 4217
    description: str
    customer_email: str
    phone: str | None  # the payer's MSISDN for mobile money (digits, country code first)
    success_url: str  # Stripe's return pages
    cancel_url: str
    callback_url: str  # our webhook/callback URL for this provider
    idempotency_key: str  # sent to the provider so a retried start creates nothing twice
    # When the provider should give up on the checkout (epoch seconds; Stripe takes 30 min to
    # 24 h ahead, None: its 24 h default). Fixed per payment, never "now + x" at call time: a
    # retried start must send the same parameters (Stripe rejects a reused key otherwise).
    expires_at: int | None = None


@dataclass(frozen=True)
class Started:
    provider_ref: str  # Stripe Checkout Session id, MoMo X-Reference-Id, Airtel transaction id
    checkout_url: str | None  # Stripe's hosted page; None for mobile money (the phone prompts)


@dataclass(frozen=True)
class Observed:
    """The provider's own view of one payment, read from its status API."""

    provider_ref: str
    status: ProviderStatus
    amount: int | None
    currency: str | None
    fee: int | None  # the provider's fee in minor units, when the provider reports it
    transaction_id: str | None  # the provider's financial transaction id / payment intent
    raw_status: str  # as the provider spelled it (PENDING, TS, complete…), for the record
    refunded: bool = False  # the provider reports the payment fully refunded (Stripe's charge)


@dataclass(frozen=True)
class Notification:
    """A verified webhook/callback, reduced to what we act on."""

    event_id: str  # the provider's event / transaction id: deduplication key
    provider_ref: str
    payment_id: str | None  # ours, when the notification carries it


@dataclass(frozen=True)
class Refunded:
    refund_ref: str  # the provider's refund id
    status: Literal["succeeded", "pending"]


class PaymentProvider(Protocol):
    name: ProviderName
    currencies: frozenset[str]  # what this provider (as configured) can take

    def start(self, request: CheckoutRequest) -> Started: ...

    def status(self, provider_ref: str) -> Observed: ...

    def parse_notification(
        self, method: str, headers: dict[str, str], raw_body: bytes, now: float
    ) -> Notification: ...

    def refund(
        self, provider_ref: str, amount: int, currency: str, idempotency_key: str
    ) -> Refunded | None:
        """Refund through the provider's API; None where refunds are manual (mobile money)."""
        ...
