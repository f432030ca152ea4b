"""The three provider fakes behind one threaded HTTP server on 127.0.0.1 (any free port).

The local runner serves it (its checkout and approval pages are what a person sees) and
in-process tests start the same code: only the ``Delivery`` differs (HTTP to the gateway, or
``platform.call``). ``complete``/``redeliver`` are the ``/_local/payments/…`` controls; the
``knobs`` make providers misbehave (drop, duplicate, delay callbacks; an API that is down).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from local.fakes.airtel_fake import FakeAirtel
from local.fakes.base import (
    OUTCOMES,
    Delivery,
    Knobs,
    Outbox,
    Reply,
    Request,
    UnknownPayment,
)
from local.fakes.momo_fake import FakeMomo
from local.fakes.stripe_fake import FakeStripe

# Where each provider delivers, below the API's base URL (API.md "Payments"): Stripe and Airtel
# take one endpoint from their dashboards; MTN takes X-Callback-Url per request.
WEBHOOK_PATHS = {
    "stripe": "/v1/payments/webhooks/stripe",
    "airtel_money": "/v1/payments/webhooks/airtel_money",
}


@dataclass(frozen=True)
class Credentials:
    """The payments secret's values, as the providers know them."""

    stripe_secret_key: str
    stripe_webhook_secret: str
    momo_api_user: str
    momo_api_key: str
    momo_subscription_key: str
    airtel_client_id: str
    airtel_client_secret: str
    airtel_callback_secret: str | None

    @classmethod
    def of(cls, secret: dict[str, Any]) -> Credentials:
        names = cls.__dataclass_fields__
        return cls(**{name: secret.get(name) for name in names})


class FakeProviders:
    def __init__(
        self,
        credentials: Credentials,
        api_base_url: str,
        deliver: Delivery,
        *,
        asynchronous: bool = False,
    ) -> None:
        self.knobs = Knobs()
        self.outbox = Outbox(deliver, self.knobs, asynchronous)
        base = api_base_url.rstrip("/")
        self.stripe = FakeStripe(
            credentials.stripe_secret_key,
            credentials.stripe_webhook_secret,
            base + WEBHOOK_PATHS["stripe"],
            self.outbox,
        )
        self.momo = FakeMomo(
            credentials.momo_api_user,
            credentials.momo_api_key,
            credentials.momo_subscription_key,
            self.outbox,
        )
        self.airtel = FakeAirtel(
            credentials.airtel_client_id,
            credentials.airtel_client_secret,
            credentials.airtel_callback_secret,
            base + WEBHOOK_PATHS["airtel_money"],
            self.outbox,
        )
        self.apps = (self.stripe, self.momo, self.airtel)
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # -- serving ---------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._server = _server(self, host, port)
        self.url = f"http://{host}:{self._server.server_address[1]}"
        for app in self.apps:
            app.public_url = self.url
        threading.Thread(
            target=self._server.serve_forever, name="fake-providers", daemon=True
        ).start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_urls(self) -> dict[str, str]:
        """The adapters' base-URL settings pointing here (STRIPE_API_BASE, …)."""
        return {app.prefix.strip("/"): f"{self.url}{app.prefix}" for app in self.apps}

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        url = urlsplit(target)
        for app in self.apps:
            if url.path == app.prefix or url.path.startswith(app.prefix + "/"):
                request = Request(
                    method,
                    url.path[len(app.prefix) :] or "/",
                    url.query,
                    {name.lower(): value for name, value in headers.items()},
                    body,
                )
                return app.handle(request)
        return Reply.of_json(404, {"error": "no such fake provider"})

    # -- controls --------------------------------------------------------------------------

    def provider_of(self, payment_id: str) -> str:
        for name, app in (
            ("stripe", self.stripe),
            ("mtn_momo", self.momo),
            ("airtel_money", self.airtel),
        ):
            if app.find(payment_id) is not None:
                return name
        raise UnknownPayment(payment_id)

    def complete(self, payment_id: str, outcome: str = "succeeded", notify: bool = True) -> None:
        """Settle the payment as its payer would; send the notification unless ``notify`` is
        false (then only the provider's status API knows). Raises ``UnknownPayment`` or
        ``AlreadySettled``."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        app = {"stripe": self.stripe, "mtn_momo": self.momo, "airtel_money": self.airtel}[
            self.provider_of(payment_id)
        ]
        app.complete(payment_id, outcome, notify)

    def redeliver(self, payment_id: str) -> None:
        """Send the last notification about the payment again (a provider's retry)."""
        self.outbox.redeliver(payment_id)

    def release_late(self) -> int:
        """Deliver the notifications held back by ``knobs.late_callbacks``; how many."""
        return self.outbox.release_late()

    def approval_url(self, payment_id: str) -> str:
        """The page where a person approves a mobile-money payment (Stripe: the checkout page)."""
        provider = self.provider_of(payment_id)
        if provider == "stripe":
            return str(self.stripe.find(payment_id)["url"])  # type: ignore[index]
        if provider == "mtn_momo":
            return f"{self.url}{self.momo.prefix}/approve/{self.momo.find(payment_id)['ref']}"  # type: ignore[index]
        return f"{self.url}{self.airtel.prefix}/approve/{self.airtel.find(payment_id)['id']}"  # type: ignore[index]


def _server(fakes: FakeProviders, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "coursewave-fake-providers"
        disable_nagle_algorithm = True

        def _dispatch(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = fakes.handle(self.command, self.path, dict(self.headers.items()), body)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _dispatch

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the bodies carry credentials and phone numbers."""

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
