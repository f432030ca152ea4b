"""What the three provider fakes share: requests and replies, webhook delivery, the test knobs."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

# How a fake reaches our webhook endpoints: (method, absolute URL, headers, body) → HTTP status.
# The runner POSTs over HTTP to the gateway; in-process tests call the gateway directly.
Delivery = Callable[[str, str, dict[str, str], bytes], int]
OUTCOMES = ("succeeded", "failed", "cancelled")


class UnknownPayment(KeyError):
    """No fake knows a payment with that id (or it has nothing to redeliver)."""


class AlreadySettled(ValueError):
    """The payment was settled before: a provider settles once."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the provider's prefix, e.g. /v1/checkout/sessions
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_json(cls, status: int, data: Any) -> Reply:
        return cls(status, json.dumps(data).encode())

    @classmethod
    def page(cls, status: int, title: str, body_html: str) -> Reply:
        return cls(status, page(title, body_html).encode(), "text/html; charset=utf-8")

    @classmethod
    def redirect(cls, location: str) -> Reply:
        return cls(303, b"", "text/plain", {"Location": location})


@dataclass(frozen=True)
class Message:
    """One webhook/callback a provider sends; ``sign`` builds the headers at each delivery (Stripe
    signs every attempt anew)."""

    method: str
    url: str
    body: bytes
    sign: Callable[[bytes], dict[str, str]]


@dataclass
class Knobs:
    """How badly the providers behave (tests and people set these; all off by default)."""

    drop_callbacks: bool = False  # settle, but send nothing (redeliver still can)
    duplicate_callbacks: int = 1  # send each webhook/callback this many times
    late_callbacks: bool = False  # hold them until ``FakeProviders.release_late()``
    down: set[str] = field(default_factory=set)  # providers whose whole API answers 503
    status_down: set[str] = field(default_factory=set)  # … only their status API


class Outbox:
    """Sends messages as the knobs say; keeps the last one per payment for ``redeliver``."""

    def __init__(self, deliver: Delivery, knobs: Knobs, asynchronous: bool) -> None:
        self._deliver = deliver
        self.knobs = knobs
        self._asynchronous = asynchronous
        self._lock = threading.Lock()
        self.last: dict[str, Message] = {}
        self.held: list[Message] = []
        self.sent: list[tuple[str, int]] = []  # (url, status) of every delivery made

    def send(self, payment_id: str | None, message: Message, notify: bool = True) -> None:
        with self._lock:
            if payment_id:
                self.last[payment_id] = message
            if not notify or self.knobs.drop_callbacks:
                return
            if self.knobs.late_callbacks:
                self.held.append(message)
                return
        self._dispatch([message] * max(self.knobs.duplicate_callbacks, 1))

    def redeliver(self, payment_id: str) -> None:
        with self._lock:
            message = self.last.get(payment_id)
        if message is None:
            raise UnknownPayment(payment_id)
        self._dispatch([message])

    def release_late(self) -> int:
        with self._lock:
            held, self.held = self.held, []
        self._dispatch(held)
        return len(held)

    def _dispatch(self, messages: list[Message]) -> None:
        if not messages:
            return
        if self._asynchronous:
            threading.Thread(
                target=self._send_all, args=(messages,), name="fake-webhooks", daemon=True
            ).start()
        else:
            self._send_all(messages)

    def _send_all(self, messages: list[Message]) -> None:
        for message in messages:
            headers = {"Content-Type": "application/json", **message.sign(message.body)}
            try:
                status = self._deliver(message.method, message.url, headers, message.body)
            except Exception as exc:  # a provider shrugs and retries later
                status = 0
                print(f"fake provider: delivery to {message.url.split('?')[0]} failed: {exc}")
            with self._lock:
                self.sent.append((message.url, status))


class Sender:
    """Provider state changes under the app's lock; its notifications go out after the lock is
    released (a synchronous delivery re-enters the fake: our handler re-reads the status)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._lock = threading.RLock()
        self._pending: list[tuple[str | None, Message, bool]] = []

    def _queue(self, payment_id: str | None, message: Message, notify: bool) -> None:
        self._pending.append((payment_id, message, notify))  # under the app's lock

    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for payment_id, message, notify in pending:
            self.outbox.send(payment_id, message, notify)


def page(title: str, body_html: str) -> str:
    """A small page with no script (the checkout and approval pages)."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto}"
        "button{font-size:1.1rem;padding:.5rem 1.5rem;margin-right:1rem}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body_html}</body></html>"
    )


def buttons(action: str, choices: list[tuple[str, str]]) -> str:
    """One form per choice (POST ``action`` with ``action=<value>``)."""
    return "".join(
        f"<form method='post' action='{html.escape(action)}' style='display:inline'>"
        f"<input type='hidden' name='action' value='{html.escape(value)}'>"
        f"<button type='submit' name='submit' value='{html.escape(value)}'>"
        f"{html.escape(label)}</button></form>"
        for value, label in choices
    )


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:] if value.lower().startswith("bearer ") else None
