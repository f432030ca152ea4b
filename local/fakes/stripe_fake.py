"""A fake of the parts of Stripe's API the adapter calls, and of Stripe's hosted checkout page.

Form-encoded nested keys in (``line_items[0][price_data][currency]``), Stripe-shaped objects and
errors out, ``Idempotency-Key`` honoured (same key, other parameters: ``idempotency_error``).
After the payer pays or cancels on ``/stripe/pay/{session}``, it sends the signed webhook Stripe
would (``Stripe-Signature: t=…,v1=…`` over the raw body with the endpoint's secret).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from functions.payments.providers.stripe import CURRENCIES, TIMES_100
from local.fakes.base import (
    AlreadySettled,
    Message,
    Outbox,
    Reply,
    Request,
    Sender,
    UnknownPayment,
    bearer,
    buttons,
)

API_VERSION = "2025-09-30.clover"
FEE_PERCENT, FEE_FIXED = 0.029, 30  # Stripe's card pricing, for a plausible balance transaction


def nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding → nested dicts and lists (``a[0][b]=1`` → ``{"a": [{"b": "1"}]}``)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _lists(value) for key, value in node.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return node


def error(status: int, kind: str, message: str, param: str | None = None, code: str | None = None):
    body: dict[str, Any] = {"type": kind, "message": message}
    if param:
        body["param"] = param
    if code:
        body["code"] = code
    return Reply.of_json(status, {"error": body})


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class FakeStripe(Sender):
    prefix = "/stripe"

    def __init__(self, api_key: str, webhook_secret: str, webhook_url: str, outbox: Outbox):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        super().__init__(outbox)
        self.public_url = ""  # set by the server once it listens
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.balance: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self._idempotent: dict[str, tuple[str, Reply]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) served, for tests

    # -- dispatch --------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        try:
            return self._handle(request)
        finally:
            self._flush()

    def _handle(self, request: Request) -> Reply:
        path = request.path
        if path.startswith("/pay/"):
            return self._checkout_page(request, path.removeprefix("/pay/"))
        if not path.startswith("/v1/"):
            return error(404, "invalid_request_error", f"Unrecognized request URL ({path}).")
        with self._lock:
            self.requests.append((request.method, path))
        if "stripe" in self.outbox.knobs.down or (
            "stripe" in self.outbox.knobs.status_down and request.method == "GET"
        ):
            return error(503, "api_error", "The fake is down (knob).")
        if bearer(request) != self.api_key:
            return error(401, "invalid_request_error", "Invalid API Key provided.")
        if request.method == "POST":
            params = nested(parse_qsl(request.body.decode(), keep_blank_values=True))
            key = request.headers.get("idempotency-key")
            if key:
                return self._idempotently(key, request, params)
            return self._post(path, params)
        if request.method == "GET":
            return self._get(path, nested(parse_qsl(request.query, keep_blank_values=True)))
        return error(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    def _idempotently(self, key: str, request: Request, params: dict[str, Any]) -> Reply:
        fingerprint = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        with self._lock:
            seen = self._idempotent.get(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    return error(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    )
                return seen[1]
            reply = self._post(request.path, params)
            if reply.status < 500:
                self._idempotent[key] = (fingerprint, reply)
            return reply

    def _post(self, path: str, params: dict[str, Any]) -> Reply:
        with self._lock:
            if path == "/v1/checkout/sessions":
                return self._create_session(params)
            match = re.fullmatch(r"/v1/checkout/sessions/([^/]+)/expire", path)
            if match:
                return self._expire(match.group(1))
            if path == "/v1/refunds":
                return self._create_refund(params)
        return error(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    def _get(self, path: str, params: dict[str, Any]) -> Reply:
        with self._lock:
            if path == "/v1/checkout/sessions":
                intent = params.get("payment_intent")
                found = [
                    self._render(s, [])
                    for s in self.sessions.values()
                    if intent is None or s.get("payment_intent") == intent
                ]
                return Reply.of_json(
                    200,
                    {
                        "object": "list",
                        "data": found[: int(params.get("limit", 10))],
                        "has_more": False,
                        "url": "/v1/checkout/sessions",
                    },
                )
            match = re.fullmatch(r"/v1/checkout/sessions/([^/]+)", path)
            if match:
                session = self.sessions.get(match.group(1))
                if session is None:
                    return error(
                        404,
                        "invalid_request_error",
                        f"No such checkout.session: '{match.group(1)}'",
                        param="session",
                        code="resource_missing",
                    )
                expand = params.get("expand") or []
                return Reply.of_json(200, self._render(session, list(expand)))
        return error(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    # -- API objects -----------------------------------------------------------------------

    def _create_session(self, p: dict[str, Any]) -> Reply:
        if p.get("mode") != "payment":
            return error(400, "invalid_request_error", "This fake serves mode=payment.", "mode")
        items = p.get("line_items")
        if not isinstance(items, list) or len(items) != 1:
            return error(400, "invalid_request_error", "One line item, please.", "line_items")
        price = items[0].get("price_data") or {}
        currency = str(price.get("currency", "")).lower()
        if currency.upper() not in CURRENCIES:
            return error(
                400,
                "invalid_request_error",
                f"Invalid currency: {currency}.",
                "line_items[0][price_data][currency]",
            )
        try:
            unit = int(price.get("unit_amount", ""))
        except ValueError:
            return error(400, "invalid_request_error", "Invalid integer.", "unit_amount")
        if unit < 1 or (currency.upper() in TIMES_100 and unit % 100):
            return error(
                400,
                "invalid_request_error",
                "Invalid unit_amount (ISK and UGX amounts must be divisible by 100).",
                "line_items[0][price_data][unit_amount]",
            )
        if not p.get("success_url"):
            return error(400, "invalid_request_error", "Missing success_url.", "success_url")
        now = int(time.time())
        expires_at = int(p.get("expires_at") or now + 86400)
        if not now + 1800 - 60 <= expires_at <= now + 86400 + 60:
            return error(
                400,
                "invalid_request_error",
                "expires_at must be between 30 minutes and 24 hours from now.",
                "expires_at",
            )
        quantity = int(items[0].get("quantity", 1))
        session_id = f"cs_test_{secrets.token_hex(12)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": unit * quantity,
            "amount_total": unit * quantity,
            "cancel_url": p.get("cancel_url"),
            "client_reference_id": p.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_email": p.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "metadata": p.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,  # created when the payer confirms (API ≥ 2022-08-01)
            "payment_status": "unpaid",
            "status": "open",
            "success_url": p.get("success_url"),
            "url": f"{self.public_url}{self.prefix}/pay/{session_id}",
            "_product": (price.get("product_data") or {}).get("name", ""),
            "_intent_metadata": (p.get("payment_intent_data") or {}).get("metadata") or {},
        }
        self.sessions[session_id] = session
        return Reply.of_json(200, self._render(session, []))

    def _render(self, session: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        self._expire_if_due(session)
        out = {k: v for k, v in session.items() if not k.startswith("_")}
        intent_id = session.get("payment_intent")
        if intent_id and any(e.startswith("payment_intent") for e in expand):
            intent = dict(self.intents[intent_id])
            if any(e.startswith("payment_intent.latest_charge") for e in expand) and intent.get(
                "latest_charge"
            ):
                charge = dict(self.charges[intent["latest_charge"]])
                if "payment_intent.latest_charge.balance_transaction" in expand:
                    charge["balance_transaction"] = self.balance[charge["balance_transaction"]]
                intent["latest_charge"] = charge
            out["payment_intent"] = intent
        return out

    def _expire_if_due(self, session: dict[str, Any]) -> None:
        if session["status"] == "open" and time.time() >= session["expires_at"]:
            session["status"] = "expired"

    def _expire(self, session_id: str) -> Reply:
        session = self.sessions.get(session_id)
        if session is None:
            return error(
                404, "invalid_request_error", "No such checkout.session.", code="resource_missing"
            )
        if session["status"] != "open":
            return error(400, "invalid_request_error", "Only open sessions can be expired.")
        self._settle(session, "cancelled", notify=True)
        return Reply.of_json(200, self._render(session, []))

    def _create_refund(self, p: dict[str, Any]) -> Reply:
        intent = self.intents.get(str(p.get("payment_intent")))
        if intent is None:
            return error(
                400,
                "invalid_request_error",
                "No such payment_intent.",
                "payment_intent",
                "resource_missing",
            )
        if intent["status"] != "succeeded":
            return error(
                400,
                "invalid_request_error",
                "This PaymentIntent does not have a successful charge to refund.",
            )
        charge = self.charges[intent["latest_charge"]]
        if charge["refunded"]:
            return error(
                400,
                "invalid_request_error",
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = int(p.get("amount") or charge["amount"] - charge["amount_refunded"])
        if amount > charge["amount"] - charge["amount_refunded"]:
            return error(
                400,
                "invalid_request_error",
                "Refund amount is greater than the charge.",
                "amount",
                "amount_too_large",
            )
        refund = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "charge": charge["id"],
            "payment_intent": intent["id"],
            "metadata": p.get("metadata") or {},
            "reason": p.get("reason"),
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        payment_id = (
            (self._session_of_intent(intent["id"]) or {}).get("metadata", {}).get("payment_id")
        )
        self._send(payment_id, "charge.refunded", dict(charge), notify=True)
        return Reply.of_json(200, refund)

    def _session_of_intent(self, intent_id: str) -> dict[str, Any] | None:
        return next((s for s in self.sessions.values() if s["payment_intent"] == intent_id), None)

    # -- settlement (the payer on the checkout page, or the /_local control) ----------------

    def find(self, payment_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next(
                (
                    s
                    for s in self.sessions.values()
                    if s["metadata"].get("payment_id") == payment_id
                    or s.get("client_reference_id") == payment_id
                ),
                None,
            )

    def complete(self, payment_id: str, outcome: str, notify: bool) -> None:
        with self._lock:
            session = self.find(payment_id)
            if session is None:
                raise UnknownPayment(payment_id)
            self._settle(session, outcome, notify)
        self._flush()

    def _settle(self, session: dict[str, Any], outcome: str, notify: bool) -> None:
        self._expire_if_due(session)
        if session["status"] != "open":
            raise AlreadySettled(session["id"])
        if outcome == "cancelled":
            session["status"] = "expired"  # as POST /v1/checkout/sessions/{id}/expire does
            kind = "checkout.session.expired"
        else:
            intent = self._intent(session, succeeded=outcome == "succeeded")
            session["payment_intent"] = intent["id"]
            session["status"] = "complete"
            if outcome == "succeeded":
                session["payment_status"] = "paid"
                kind = "checkout.session.completed"
            else:  # a delayed payment method that failed after the session completed
                kind = "checkout.session.async_payment_failed"
        self._send(session["metadata"].get("payment_id"), kind, self._render(session, []), notify)

    def _intent(self, session: dict[str, Any], succeeded: bool) -> dict[str, Any]:
        amount, currency = session["amount_total"], session["currency"]
        intent = {
            "id": f"pi_{secrets.token_hex(12)}",
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "metadata": session["_intent_metadata"],
            "status": "succeeded" if succeeded else "requires_payment_method",
            "latest_charge": None,
        }
        if succeeded:
            zero = currency.upper() in {
                "BIF",
                "CLP",
                "DJF",
                "GNF",
                "JPY",
                "KMF",
                "KRW",
                "MGA",
                "PYG",
                "RWF",
                "VND",
                "VUV",
                "XAF",
                "XOF",
                "XPF",
            }
            fee = round(amount * FEE_PERCENT) + (0 if zero else FEE_FIXED)
            txn = {
                "id": f"txn_{secrets.token_hex(12)}",
                "object": "balance_transaction",
                "amount": amount,
                "currency": currency,
                "fee": fee,
                "net": amount - fee,
                "type": "charge",
            }
            charge = {
                "id": f"ch_{secrets.token_hex(12)}",
                "object": "charge",
                "amount": amount,
                "amount_refunded": 0,
                "currency": currency,
                "paid": True,
                "refunded": False,
                "status": "succeeded",
                "payment_intent": intent["id"],
                "balance_transaction": txn["id"],
                "metadata": {},
            }
            self.balance[txn["id"]] = txn
            self.charges[charge["id"]] = charge
            intent["latest_charge"] = charge["id"]
        self.intents[intent["id"]] = intent
        return intent

    def _send(self, payment_id: str | None, kind: str, obj: dict[str, Any], notify: bool) -> None:
        event = {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "type": kind,
        }
        body = json.dumps(event, indent=2).encode()  # Stripe pretty-prints its webhook bodies
        secret = self.webhook_secret
        message = Message(
            "POST", self.webhook_url, body, lambda raw: {"Stripe-Signature": sign(raw, secret)}
        )
        self._queue(payment_id, message, notify)

    # -- the hosted checkout page ----------------------------------------------------------

    def _checkout_page(self, request: Request, session_id: str) -> Reply:
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None:
                return Reply.page(404, "Checkout not found", "<p>No such checkout session.</p>")
            if request.method == "POST":
                action = request.form().get("action")
                if action not in ("pay", "cancel"):
                    return Reply.page(400, "Checkout", "<p>Choose Pay or Cancel.</p>")
                try:
                    self._settle(session, "succeeded" if action == "pay" else "cancelled", True)
                except AlreadySettled:
                    return Reply.page(409, "Checkout", "<p>This checkout is already closed.</p>")
                target = session["success_url"] if action == "pay" else session["cancel_url"]
                return Reply.redirect(str(target).replace("{CHECKOUT_SESSION_ID}", session_id))
            self._expire_if_due(session)
            amount = session["amount_total"]
            if session["currency"].upper() in TIMES_100:
                amount //= 100
            summary = (
                f"<p>{html.escape(str(session['_product']))}</p>"
                f"<p><strong>{amount} {html.escape(session['currency'].upper())}</strong>"
                " (minor units)</p>"
            )
            if session["status"] != "open":
                return Reply.page(
                    200, "Checkout closed", f"{summary}<p>Status: {session['status']}.</p>"
                )
            action = f"{self.prefix}/pay/{session_id}"
            return Reply.page(
                200,
                "Pay with the local Stripe",
                summary + buttons(action, [("pay", "Pay"), ("cancel", "Cancel")]),
            )
