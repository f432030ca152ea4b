"""A fake of Airtel Money collections: OAuth2 token, USSD push payment, its status, the payer's
phone (a small approval page) and the callback Airtel POSTs to the URL registered in its portal,
with ``hash`` (HMAC-SHA256, base64) when a callback key is configured."""

from __future__ import annotations

import html
import json
import re
import secrets
from typing import Any

from functions.payments.providers.airtel_money import COUNTRIES, callback_hash
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

SETTLED = {
    "succeeded": ("TS", "Transaction Successful"),
    "failed": ("TF", "Transaction failed: insufficient funds"),
    "cancelled": ("TF", "Transaction declined by the payer"),
}


def _status(code: str, success: bool, message: str, response_code: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "result_code": "ESB000010" if success else "ESB000001",
        "response_code": response_code,
        "success": success,
    }


def _fail(http_status: int, message: str, response_code: str) -> Reply:
    return Reply.of_json(
        http_status,
        {"data": {}, "status": _status(str(http_status), False, message, response_code)},
    )


class FakeAirtel(Sender):
    prefix = "/airtel"

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        callback_key: str | None,
        callback_url: str,
        outbox: Outbox,
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.callback_key = callback_key
        self.callback_url = callback_url
        super().__init__(outbox)
        self.public_url = ""
        self._tokens: set[str] = set()
        self.payments: dict[str, dict[str, Any]] = {}  # transaction id → request and state
        self.requests: list[tuple[str, str]] = []

    def handle(self, request: Request) -> Reply:
        try:
            return self._handle(request)
        finally:
            self._flush()

    def _handle(self, request: Request) -> Reply:
        path = request.path
        match = re.fullmatch(r"/approve/([^/]+)", path)
        if match:
            return self._approval_page(request, match.group(1))
        with self._lock:
            self.requests.append((request.method, path))
        knobs = self.outbox.knobs
        if "airtel_money" in knobs.down or (
            "airtel_money" in knobs.status_down and request.method == "GET"
        ):
            return _fail(503, "Service unavailable (knob).", "DP00800001013")
        if path == "/auth/oauth2/token" and request.method == "POST":
            return self._token(request)
        if bearer(request) not in self._tokens:
            return Reply.of_json(
                401, {"error": "invalid_token", "error_description": "Invalid or expired token"}
            )
        country = request.headers.get("x-country", "")
        if country not in COUNTRIES:
            return _fail(400, "Unknown X-Country.", "DP00800001002")
        if path == "/merchant/v1/payments/" and request.method == "POST":
            return self._pay(request, country)
        match = re.fullmatch(r"/standard/v1/payments/([^/]+)", path)
        if match and request.method == "GET":
            with self._lock:
                payment = self.payments.get(match.group(1))
                if payment is None or payment["country"] != country:
                    return _fail(404, "Transaction not found.", "DP00800001009")
                return Reply.of_json(
                    200,
                    {
                        "data": {
                            "transaction": {
                                "airtel_money_id": payment["airtel_money_id"],
                                "id": payment["id"],
                                "message": payment["message"],
                                "status": payment["status"],
                            }
                        },
                        "status": _status("200", True, "SUCCESS", "DP00800001001"),
                    },
                )
        return _fail(404, "No such operation.", "DP00800001003")

    def _token(self, request: Request) -> Reply:
        body = request.json()
        if (
            not isinstance(body, dict)
            or body.get("grant_type") != "client_credentials"
            or (body.get("client_id"), body.get("client_secret"))
            != (self.client_id, self.client_secret)
        ):
            return Reply.of_json(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens.add(token)
        return Reply.of_json(
            200, {"access_token": token, "expires_in": "180", "token_type": "bearer"}
        )

    def _pay(self, request: Request, country: str) -> Reply:
        body = request.json()
        if not isinstance(body, dict):
            return _fail(400, "The body must be JSON.", "DP00800001002")
        subscriber, transaction = body.get("subscriber") or {}, body.get("transaction") or {}
        currency = request.headers.get("x-currency")
        if currency not in COUNTRIES[country][1] or transaction.get("currency") != currency:
            return _fail(400, f"{currency} is not collected in {country}.", "DP00800001002")
        amount = transaction.get("amount")
        if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
            return _fail(400, "Invalid amount.", "DP00800001002")
        msisdn = str(subscriber.get("msisdn", ""))
        if not msisdn.isdigit() or len(msisdn) > 10:
            return _fail(400, "Invalid MSISDN (without the country code).", "DP00800001002")
        txn_id = transaction.get("id")
        if not isinstance(txn_id, str) or not txn_id:
            return _fail(400, "transaction.id is required.", "DP00800001002")
        fingerprint = json.dumps(body, sort_keys=True)
        with self._lock:
            existing = self.payments.get(txn_id)
            if existing is not None and existing["fingerprint"] != fingerprint:
                return _fail(400, "Duplicate transaction id.", "DP00800001024")
            if existing is None:
                self.payments[txn_id] = {
                    "id": txn_id,
                    "country": country,
                    "reference": body.get("reference"),
                    "fingerprint": fingerprint,
                    "amount": amount,
                    "currency": currency,
                    "msisdn": msisdn,
                    "status": "TIP",
                    "message": "In process",
                    "airtel_money_id": None,
                }
        return Reply.of_json(
            200,
            {
                "data": {"transaction": {"id": txn_id, "status": "Success."}},
                "status": _status("200", True, "SUCCESS", "DP00800001006"),
            },
        )

    # -- settlement ------------------------------------------------------------------------

    def find(self, payment_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next((p for p in self.payments.values() if p["reference"] == payment_id), None)

    def complete(self, payment_id: str, outcome: str, notify: bool) -> None:
        with self._lock:
            payment = self.find(payment_id)
            if payment is None:
                raise UnknownPayment(payment_id)
            self._settle(payment, outcome, notify)
        self._flush()

    def _settle(self, payment: dict[str, Any], outcome: str, notify: bool) -> None:
        if payment["status"] != "TIP":
            raise AlreadySettled(payment["id"])
        payment["status"], payment["message"] = SETTLED[outcome]
        if outcome == "succeeded":
            payment["airtel_money_id"] = f"MP{secrets.token_hex(6).upper()}"
        transaction = {
            "id": payment["id"],
            "message": payment["message"],
            "status_code": payment["status"],
            "airtel_money_id": payment["airtel_money_id"],
        }
        body: dict[str, Any] = {"transaction": transaction}
        if self.callback_key:
            body["hash"] = callback_hash(transaction, self.callback_key)
        message = Message("POST", self.callback_url, json.dumps(body).encode(), lambda raw: {})
        self._queue(payment["reference"], message, notify)

    def _approval_page(self, request: Request, txn_id: str) -> Reply:
        with self._lock:
            payment = self.payments.get(txn_id)
            if payment is None:
                return Reply.page(404, "Airtel Money", "<p>No such payment.</p>")
            if request.method == "POST":
                action = request.form().get("action")
                if action not in ("approve", "decline"):
                    return Reply.page(400, "Airtel Money", "<p>Approve or decline.</p>")
                try:
                    self._settle(payment, "succeeded" if action == "approve" else "cancelled", True)
                except AlreadySettled:
                    return Reply.page(
                        409, "Airtel Money", "<p>This payment was answered already.</p>"
                    )
                return Reply.page(200, "Airtel Money", f"<p>Done: {payment['status']}.</p>")
            summary = (
                f"<p>Pay <strong>{html.escape(str(payment['amount']))} "
                f"{html.escape(str(payment['currency']))}</strong> from "
                f"{html.escape(payment['msisdn'])}?</p>"
            )
            if payment["status"] != "TIP":
                return Reply.page(
                    200, "Airtel Money", f"{summary}<p>Status: {payment['status']}.</p>"
                )
            return Reply.page(
                200,
                "Airtel Money — enter your PIN",
                summary
                + buttons(
                    f"{self.prefix}/approve/{txn_id}",
                    [("approve", "Approve"), ("decline", "Decline")],
                ),
            )
