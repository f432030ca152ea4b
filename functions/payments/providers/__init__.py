"""The payment providers: ``provider(name)`` builds the configured adapter on first use.

Adapters are built lazily (the Stripe SDK is imported only by a function that uses Stripe) and
kept per process while the settings stay the same (tests and the local runner change them).
Credentials come from the payments secret, base URLs and markets from ``coursewave.config``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from coursewave.config import settings
from functions.payments.providers import credentials
from functions.payments.providers.port import PaymentProvider, ProviderName

if TYPE_CHECKING:
    from coursewave.config import Settings

NAMES: tuple[ProviderName, ...] = ("stripe", "mtn_momo", "airtel_money")

_lock = threading.Lock()
_built: dict[str, tuple[Settings, PaymentProvider]] = {}


def provider(name: ProviderName) -> PaymentProvider:
    current = settings()
    with _lock:
        found = _built.get(name)
        if found is not None and found[0] is current:
            return found[1]
        if found is not None:
            credentials.forget()  # new settings: possibly a new secret too
        built = _build(name, current)
        _built[name] = (current, built)
        return built


def reset() -> None:
    """Forget every built adapter and the cached secret."""
    with _lock:
        _built.clear()
        credentials.forget()


def _build(name: str, config: Settings) -> PaymentProvider:
    secret = credentials.value
    if name == "stripe":
        from functions.payments.providers.stripe import StripeProvider

        return StripeProvider(
            api_key=secret("stripe_secret_key") or "",
            webhook_secret=secret("stripe_webhook_secret") or "",
            api_base=config.stripe_api_base,
        )
    if name == "mtn_momo":
        from functions.payments.providers.mtn_momo import MomoProvider

        return MomoProvider(
            base_url=config.require("momo_base_url"),
            target_environment=config.momo_target_environment,
            api_user=secret("momo_api_user") or "",
            api_key=secret("momo_api_key") or "",
            subscription_key=secret("momo_subscription_key") or "",
        )
    if name == "airtel_money":
        from functions.payments.providers.airtel_money import AirtelProvider

        return AirtelProvider(
            base_url=config.require("airtel_base_url"),
            country=config.require("airtel_country"),
            client_id=secret("airtel_client_id") or "",
            client_secret=secret("airtel_client_secret") or "",
            callback_key=secret("airtel_callback_secret", required=False),
        )
    raise ValueError(f"unknown payment provider {name!r}")
