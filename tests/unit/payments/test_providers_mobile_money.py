"""The MTN MoMo and Airtel adapters' offline parts: callbacks, status mapping, amounts."""

from __future__ import annotations

import json
import uuid

import pytest

from functions.payments.providers import airtel_money, mtn_momo
from functions.payments.providers.airtel_money import AirtelProvider, callback_hash
from functions.payments.providers.money import from_major, to_major
from functions.payments.providers.mtn_momo import MomoProvider
from functions.payments.providers.port import InvalidNotification

KEY = "callback-key"


def momo() -> MomoProvider:
    return MomoProvider("http://127.0.0.1:9", "mtnrwanda", "user", "key", "sub")


def airtel(key: str | None = KEY) -> AirtelProvider:
    return AirtelProvider("http://127.0.0.1:9", "UG", "id", "secret", key)


def test_the_reference_id_is_a_version_4_uuid_fixed_by_the_idempotency_key() -> None:
    ref = mtn_momo.reference_id("key-1")

    assert uuid.UUID(ref).version == 4
    assert ref == mtn_momo.reference_id("key-1") != mtn_momo.reference_id("key-2")


def test_markets_decide_the_currencies() -> None:
    assert momo().currencies == {"RWF"}
    assert MomoProvider("http://x", "sandbox", "u", "k", "s").currencies == {"EUR"}
    assert airtel().currencies == {"UGX"}
    assert AirtelProvider("http://x", "CD", "i", "s", None).currencies == {"CDF", "USD"}


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_momo_callback_only_names_the_request(method) -> None:
    body = json.dumps(
        {"referenceId": "ref-1", "externalId": "pay_1", "status": "SUCCESSFUL", "amount": "5000"}
    ).encode()

    found = momo().parse_notification(method, {}, body, 0)

    assert (found.event_id, found.provider_ref, found.payment_id) == (
        "ref-1:SUCCESSFUL",
        "ref-1",
        "pay_1",
    )


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"status": "SUCCESSFUL"}'])
def test_a_momo_callback_naming_nothing_is_invalid(body) -> None:
    with pytest.raises(InvalidNotification):
        momo().parse_notification("PUT", {}, body, 0)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"status": "PENDING"}, "pending"),
        ({"status": "SUCCESSFUL", "financialTransactionId": "42"}, "succeeded"),
        ({"status": "FAILED", "reason": "NOT_ENOUGH_FUNDS"}, "failed"),
        ({"status": "FAILED", "reason": "APPROVAL_REJECTED"}, "cancelled"),
        ({"status": "FAILED", "reason": {"code": "EXPIRED", "message": "…"}}, "expired"),
        ({"status": "SOMETHING_NEW"}, "pending"),
    ],
)
def test_momo_statuses_map_to_ours(answer, expected) -> None:
    seen = mtn_momo.observe("ref", {"amount": "5000", "currency": "RWF", **answer})

    assert seen.status == expected
    assert seen.amount == 5000


def signed_airtel(transaction: dict[str, object], key: str = KEY) -> bytes:
    return json.dumps(
        {"transaction": transaction, "hash": callback_hash(transaction, key)}
    ).encode()


TRANSACTION = {"id": "txn-1", "message": "ok", "status_code": "TS", "airtel_money_id": "MP1"}


def test_an_airtel_callback_with_a_valid_hash_names_the_transaction() -> None:
    found = airtel().parse_notification("POST", {}, signed_airtel(TRANSACTION), 0)

    assert (found.event_id, found.provider_ref) == ("txn-1:TS", "txn-1")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(signed_airtel(TRANSACTION, "another-key"), id="wrong key"),
        pytest.param(
            json.dumps(
                {
                    "transaction": {**TRANSACTION, "status_code": "TF"},
                    "hash": callback_hash(TRANSACTION, KEY),
                }
            ).encode(),
            id="altered transaction",
        ),
        pytest.param(json.dumps({"transaction": TRANSACTION}).encode(), id="no hash"),
        pytest.param(b'{"transaction": {}}', id="no id"),
        pytest.param(b"nope", id="not json"),
    ],
)
def test_an_airtel_callback_that_does_not_verify_is_invalid(body) -> None:
    with pytest.raises(InvalidNotification):
        airtel().parse_notification("POST", {}, body, 0)


def test_without_a_configured_key_an_airtel_callback_is_only_parsed() -> None:
    body = json.dumps({"transaction": TRANSACTION}).encode()

    assert airtel(key=None).parse_notification("POST", {}, body, 0).provider_ref == "txn-1"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("TS", "succeeded"),
        ("TF", "failed"),
        ("TE", "expired"),
        ("TIP", "pending"),
        ("TA", "pending"),
    ],
)
def test_airtel_statuses_map_to_ours(code, expected) -> None:
    assert airtel_money.observe("txn", {"id": "txn", "status": code}).status == expected


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [(5000, "RWF", "5000"), (1050, "EUR", "10.50"), (7, "GHS", "0.07"), (300, "UGX", "300")],
)
def test_mobile_money_amounts_are_written_in_major_units(minor, currency, major) -> None:
    assert to_major(minor, currency) == major
    assert from_major(major, currency) == minor


def test_an_amount_with_more_precision_than_the_currency_is_not_an_amount() -> None:
    assert from_major("10.5", "RWF") is None
    assert from_major("abc", "EUR") is None
