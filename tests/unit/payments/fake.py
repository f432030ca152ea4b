"""A small in-memory payment provider implementing the port, for unit and integration tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from functions.payments.providers.port import (
    CheckoutRequest,
    InvalidNotification,
    Notification,
    Observed,
    ProviderName,
    ProviderRejected,
    ProviderUnavailable,
    Refunded,
    Started,
)


@dataclass
class FakeProvider:
    name: ProviderName = "stripe"
    currencies: frozenset[str] = frozenset({"USD", "EUR", "RWF"})
    secret: str = "s3cret"
    down: bool = False
    payments: dict[str, dict] = field(default_factory=dict)
    starts: int = 0
    refunds: list[str] = field(default_factory=list)

    def start(self, request: CheckoutRequest) -> Started:
        if self.down:
            raise ProviderUnavailable("down")
        self.starts += 1
        ref = f"ref_{request.payment_id}"
        self.payments.setdefault(
            ref,
            {
                "payment_id": request.payment_id,
                "amount": request.amount,
                "currency": request.currency,
                "status": "pending",
            },
        )
        url = f"https://fake/{ref}" if self.name == "stripe" else None
        return Started(provider_ref=ref, checkout_url=url)

    def complete(self, ref: str, status: str) -> None:
        self.payments[ref]["status"] = status

    def status(self, provider_ref: str) -> Observed:
        if self.down:
            raise ProviderUnavailable("down")
        found = self.payments.get(provider_ref)
        if found is None:
            raise ProviderRejected("unknown")
        return Observed(
            provider_ref,
            found["status"],
            found["amount"],
            found["currency"],
            30,
            "tx_1",
            found["status"].upper(),
        )

    def notification(self, ref: str, event_id: str) -> bytes:
        return json.dumps({"id": event_id, "ref": ref, "secret": self.secret}).encode()

    def parse_notification(
        self, method: str, headers: dict[str, str], raw_body: bytes, now: float
    ) -> Notification:
        try:
            data = json.loads(raw_body)
        except ValueError as exc:
            raise InvalidNotification("not json") from exc
        if data.get("secret") != self.secret:
            raise InvalidNotification("bad signature")
        payment_id = self.payments.get(data["ref"], {}).get("payment_id")
        return Notification(event_id=data["id"], provider_ref=data["ref"], payment_id=payment_id)

    def refund(self, provider_ref: str, amount: int, currency: str, idempotency_key: str):
        self.refunds.append(provider_ref)
        if self.name == "stripe":
            return Refunded(refund_ref=f"re_{provider_ref}", status="succeeded")
        return None
