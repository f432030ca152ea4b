"""The payment-provider fakes wired into a local platform: their credentials from the payments
secret the runner generated in moto, the adapters' base URLs pointed at them, and the
``/_local/payments/{payment_id}/complete|redeliver`` controls of API.md "Local mode only"."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3

from coursewave import resources
from coursewave.errors import envelope
from local.fakes import AlreadySettled, Credentials, FakeProviders, UnknownPayment
from local.fakes.base import OUTCOMES, Delivery

CONTROL_PREFIX = "/_local/payments/"
# The markets the local adapters are configured for: MTN Rwanda (RWF) and Airtel Uganda (UGX),
# both zero-decimal, so amounts in whole units are exercised end to end.
LOCAL_MOMO_TARGET_ENVIRONMENT = "mtnrwanda"
LOCAL_AIRTEL_COUNTRY = "UG"


def start_fakes(
    env: dict[str, str], api_base_url: str, deliver: Delivery, *, asynchronous: bool
) -> FakeProviders:
    """Start the fakes on a free port and add their settings to ``env`` (apply it afterwards)."""
    secret = boto3.client("secretsmanager").get_secret_value(
        SecretId=env[resources.PAYMENTS_SECRET.env]
    )
    fakes = FakeProviders(
        Credentials.of(json.loads(secret["SecretString"])),
        api_base_url,
        deliver,
        asynchronous=asynchronous,
    )
    fakes.start()
    urls = fakes.base_urls
    env[resources.STRIPE_API_BASE.env] = urls["stripe"]
    env[resources.MOMO_BASE_URL.env] = urls["momo"]
    env[resources.AIRTEL_BASE_URL.env] = urls["airtel"]
    env.setdefault(resources.MOMO_TARGET_ENVIRONMENT.env, LOCAL_MOMO_TARGET_ENVIRONMENT)
    env.setdefault(resources.AIRTEL_COUNTRY.env, LOCAL_AIRTEL_COUNTRY)
    return fakes


def control(
    fakes: FakeProviders, method: str, path: str, body: bytes
) -> tuple[int, str, bytes] | None:
    """``POST /_local/payments/{payment_id}/complete`` ``{outcome, notify}`` and ``…/redeliver``
    → 202; ``GET …/approval`` → 200 ``{approval_url}``: the page where the payer approves (the
    "phone" of a mobile-money payment, Stripe's checkout page); None for any other path."""
    approval = re.fullmatch(re.escape(CONTROL_PREFIX) + r"([^/]+)/approval", path)
    if approval is not None and method == "GET":
        try:
            url = fakes.approval_url(approval.group(1))
        except UnknownPayment:
            return _answer(404, "NOT_FOUND", "No provider fake knows this payment.")
        return 200, "application/json", json.dumps({"approval_url": url}).encode()
    match = re.fullmatch(re.escape(CONTROL_PREFIX) + r"([^/]+)/(complete|redeliver)", path)
    if match is None:
        return None
    if method != "POST":
        return _answer(404, "NOT_FOUND", "No such local route.")
    payment_id, action = match.groups()
    try:
        if action == "redeliver":
            fakes.redeliver(payment_id)
        else:
            params = _json(body)
            if params is None:
                return _answer(400, "BAD_REQUEST", "The body must be a JSON object.")
            outcome, notify = params.get("outcome"), params.get("notify", True)
            if outcome not in OUTCOMES or not isinstance(notify, bool):
                return _answer(
                    422,
                    "VALIDATION_ERROR",
                    f"outcome must be one of {', '.join(OUTCOMES)}; notify a boolean.",
                )
            fakes.complete(payment_id, outcome, notify)
    except UnknownPayment:
        return _answer(404, "NOT_FOUND", "No provider fake knows this payment.")
    except AlreadySettled:
        return _answer(409, "CONFLICT", "The provider settled this payment already.")
    accepted = {"payment_id": payment_id, "action": action}
    return 202, "application/json", json.dumps(accepted).encode()


def _json(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _answer(status: int, code: str, message: str) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(envelope(code, message, "local")).encode()
