"""A fake of MTN MoMo Collections: token, request-to-pay, its status, the payer's phone (a small
approval page) and the unsigned callback MTN PUTs to ``X-Callback-Url``."""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
import uuid
from typing import Any

from functions.payments.providers.mtn_momo import CURRENCY_BY_ENVIRONMENT
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

# Our outcome → (status, reason) as MTN reports it.
SETTLED = {
    "succeeded": ("SUCCESSFUL", None),
    "failed": ("FAILED", "NOT_ENOUGH_FUNDS"),
    "cancelled": ("FAILED", "APPROVAL_REJECTED"),
}


def _error(status: int, code: str, message: str) -> Reply:
    return Reply.of_json(status, {"code": code, "message": message})


class FakeMomo(Sender):
    prefix = "/momo"

    def __init__(self, api_user: str, api_key: str, subscription_key: str, outbox: Outbox):
        self.api_user = api_user
        self.api_key = api_key
        self.subscription_key = subscription_key
        super().__init__(outbox)
        self.public_url = ""
        self._tokens: set[str] = set()
        self.payments: dict[str, dict[str, Any]] = {}  # X-Reference-Id → request and state
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
        if "mtn_momo" in knobs.down or (
            "mtn_momo" in knobs.status_down and request.method == "GET"
        ):
            return _error(503, "SERVICE_UNAVAILABLE", "The fake is down (knob).")
        if request.headers.get("ocp-apim-subscription-key") != self.subscription_key:
            return Reply.of_json(
                401,
                {"statusCode": 401, "message": "Access denied due to invalid subscription key."},
            )
        if path == "/collection/token/" and request.method == "POST":
            return self._token(request)
        if bearer(request) not in self._tokens:
            return _error(401, "UNAUTHORIZED", "Access token is missing or invalid.")
        environment = request.headers.get("x-target-environment", "")
        if environment not in CURRENCY_BY_ENVIRONMENT:
            return _error(400, "INVALID_TARGET_ENVIRONMENT", "Unknown X-Target-Environment.")
        if path == "/collection/v1_0/requesttopay" and request.method == "POST":
            return self._request_to_pay(request, environment)
        match = re.fullmatch(r"/collection/v1_0/requesttopay/([^/]+)", path)
        if match and request.method == "GET":
            with self._lock:
                payment = self.payments.get(match.group(1))
                if payment is None or payment["environment"] != environment:
                    return _error(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.")
                return Reply.of_json(200, self._view(payment))
        return _error(404, "RESOURCE_NOT_FOUND", "No such operation.")

    def _token(self, request: Request) -> Reply:
        expected = base64.b64encode(f"{self.api_user}:{self.api_key}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Reply.of_json(401, {"error": "login_failed"})
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens.add(token)
        return Reply.of_json(
            200, {"access_token": token, "token_type": "access_token", "expires_in": 3600}
        )

    def _request_to_pay(self, request: Request, environment: str) -> Reply:
        ref = request.headers.get("x-reference-id", "")
        try:
            uuid.UUID(ref)
        except ValueError:
            return _error(400, "INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID.")
        body = request.json()
        if not isinstance(body, dict):
            return _error(400, "INVALID_PARAMETER", "The body must be JSON.")
        currency = body.get("currency")
        amount = body.get("amount")
        payer = body.get("payer") or {}
        if currency != CURRENCY_BY_ENVIRONMENT[environment]:
            return _error(
                500,
                "NOT_ALLOWED_TARGET_ENVIRONMENT",
                f"{currency} is not allowed in {environment}.",
            )
        if (
            not isinstance(amount, str)
            or not re.fullmatch(r"\d+(\.\d{1,2})?", amount)
            or float(amount) <= 0
        ):
            return _error(400, "INVALID_AMOUNT", "amount must be a positive decimal string.")
        if payer.get("partyIdType") != "MSISDN" or not str(payer.get("partyId", "")).isdigit():
            return _error(400, "INVALID_PAYER", "payer.partyId must be an MSISDN.")
        with self._lock:
            if ref in self.payments:
                return _error(
                    409,
                    "RESOURCE_ALREADY_EXIST",
                    "Duplicated reference id. Creation of resource failed.",
                )
            self.payments[ref] = {
                "ref": ref,
                "environment": environment,
                "body": body,
                "callback_url": request.headers.get("x-callback-url"),
                "status": "PENDING",
                "reason": None,
                "financial_id": None,
            }
        return Reply(202)

    def _view(self, payment: dict[str, Any]) -> dict[str, Any]:
        body = payment["body"]
        view = {
            "amount": body.get("amount"),
            "currency": body.get("currency"),
            "externalId": body.get("externalId"),
            "payer": body.get("payer"),
            "payerMessage": body.get("payerMessage"),
            "payeeNote": body.get("payeeNote"),
            "status": payment["status"],
        }
        if payment["financial_id"]:
            view["financialTransactionId"] = payment["financial_id"]
        if payment["reason"]:
            view["reason"] = payment["reason"]
        return view

    # -- settlement ------------------------------------------------------------------------

    def find(self, payment_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next(
                (p for p in self.payments.values() if p["body"].get("externalId") == payment_id),
                None,
            )

    def complete(self, payment_id: str, outcome: str, notify: bool) -> None:
        with self._lock:
            payment = self.find(payment_id)
            if payment is None:
                raise UnknownPayment(payment_id)
            self._settle(payment, outcome, notify)
        self._flush()

    def _settle(self, payment: dict[str, Any], outcome: str, notify: bool) -> None:
        if payment["status"] != "PENDING":
            raise AlreadySettled(payment["ref"])
        payment["status"], payment["reason"] = SETTLED[outcome]
        if outcome == "succeeded":
            payment["financial_id"] = str(secrets.randbelow(10**9))
        url = payment["callback_url"]
        if not url:
            return  # nothing registered: MTN sends nothing
        body = json.dumps({**self._view(payment), "referenceId": payment["ref"]}).encode()
        message = Message("PUT", url, body, lambda raw: {})  # MTN signs nothing
        self._queue(payment["body"].get("externalId"), message, notify)

    def _approval_page(self, request: Request, ref: str) -> Reply:
        with self._lock:
            payment = self.payments.get(ref)
            if payment is None:
                return Reply.page(404, "MoMo", "<p>No such request to pay.</p>")
            if request.method == "POST":
                action = request.form().get("action")
                if action not in ("approve", "decline"):
                    return Reply.page(400, "MoMo", "<p>Approve or decline.</p>")
                try:
                    self._settle(payment, "succeeded" if action == "approve" else "cancelled", True)
                except AlreadySettled:
                    return Reply.page(409, "MoMo", "<p>This request was answered already.</p>")
                return Reply.page(200, "MoMo", f"<p>Done: {payment['status']}.</p>")
            body = payment["body"]
            summary = (
                f"<p>{html.escape(str(body.get('payerMessage', '')))}</p>"
                f"<p>Pay <strong>{html.escape(str(body.get('amount')))} "
                f"{html.escape(str(body.get('currency')))}</strong> from "
                f"{html.escape(str((body.get('payer') or {}).get('partyId')))}?</p>"
            )
            if payment["status"] != "PENDING":
                return Reply.page(200, "MoMo", f"{summary}<p>Status: {payment['status']}.</p>")
            return Reply.page(
                200,
                "MTN MoMo — approve on your phone",
                summary
                + buttons(
                    f"{self.prefix}/approve/{ref}", [("approve", "Approve"), ("decline", "Decline")]
                ),
            )
