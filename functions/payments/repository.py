"""Payments data access (docs/data-model.md, "Payments"). Every write that changes a payment's
status is one conditional transaction with everything that goes with it (coupon counters, the
ledger, the enrollment through ``enrollment.public``, the events).

- ``PAYMENT#<id> / PAYMENT`` — a payment. GSI1 ``USER#<uid>#PAYMENTS`` (the payer's list),
  GSI2 ``PAYMENTS`` (admin: all), GSI3 ``PAYMENTS#STATUS#<status>`` (admin by status; the
  reconciler's pending list), GSI4 ``COURSE#<cid>#PAYMENTS`` (admin by course); SK of each:
  ``<created_at>#<id>``.
- ``PAYMENT#<id> / LEDGER`` — its revenue ledger entry. GSI1 ``EARNINGS#<instructor_id>`` /
  ``<succeeded_at>#<id>`` (earnings by date range).
- ``IDEMPOTENCY#<uid>#<key> / CHECKOUT`` — a checkout's idempotency record (TTL 24 h).
- ``COUPON#<code> / COUPON`` — a coupon and its counters. GSI1 ``COUPONS`` / ``<code>``.
- ``PROVIDERREF#<provider>#<ref> / REF`` — the payment a provider's id belongs to.
- ``WEBHOOK#<provider>#<event id> / WEBHOOK`` — a notification seen (dedup, TTL 30 days).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from coursewave.audit import AuditEntry
from coursewave.clock import now
from coursewave.db import Item, Key, condition_failed, connection, decode, key, keyed, transaction
from coursewave.events import OutboxEvent
from coursewave.users import PROFILE, User
from functions.courses import public as courses
from functions.courses.public import Course
from functions.enrollment import public as enrollment
from functions.enrollment.public import Enrollment
from functions.payments import domain
from functions.payments.domain import Amount, Coupon, Ledger, Payment

IDEMPOTENCY_TTL = timedelta(hours=24)
DEDUP_TTL = timedelta(days=30)


class ConditionFailed(Exception):
    """A conditional write found the item not as expected."""


class PaymentItem(Item, discriminator="Payment"):
    payment_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    instructor_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    list_amount = NumberAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    payer_email = UnicodeAttribute()
    payer_name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    coupon_code = UnicodeAttribute(null=True)
    coupon_state = UnicodeAttribute(null=True)
    provider_ref = UnicodeAttribute(null=True)
    checkout_url = UnicodeAttribute(null=True)
    provider_status = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    succeeded_at = UnicodeAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    enrollment_id = UnicodeAttribute(null=True)
    refund_ref = UnicodeAttribute(null=True)
    refund_manual = BooleanAttribute(null=True)
    refunded_at = UnicodeAttribute(null=True)
    refunded_by = UnicodeAttribute(null=True)
    duplicate_of_enrollment = BooleanAttribute(default=False)
    version = NumberAttribute(default=0)

    @staticmethod
    def key_of(payment_id: str) -> Key:
        return key("PAYMENT", payment_id), "PAYMENT"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.payment_id)
        order = f"{self.created_at}#{self.payment_id}"
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": key("USER", self.user_id, "PAYMENTS"),
            "GSI1SK": order,
            "GSI2PK": "PAYMENTS",
            "GSI2SK": order,
            "GSI3PK": key("PAYMENTS", "STATUS", self.status),
            "GSI3SK": order,
            "GSI4PK": key("COURSE", self.course_id, "PAYMENTS"),
            "GSI4SK": order,
        }


LEDGER_PARTITION = "LEDGER"


class LedgerItem(Item, discriminator="LedgerEntry"):
    payment_id = UnicodeAttribute()
    instructor_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    currency = UnicodeAttribute()
    gross = NumberAttribute()
    provider_fee = NumberAttribute()
    commission = NumberAttribute()
    instructor_net = NumberAttribute()
    succeeded_at = UnicodeAttribute()
    refunded = BooleanAttribute(default=False)

    @staticmethod
    def key_of(payment_id: str) -> Key:
        return key("PAYMENT", payment_id), "LEDGER"

    @staticmethod
    def earnings_partition(instructor_id: str) -> str:
        return key("EARNINGS", instructor_id)

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.payment_id)
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.earnings_partition(self.instructor_id),
            "GSI1SK": f"{self.succeeded_at}#{self.payment_id}",
            # The whole platform's ledger in time order: the admin revenue statistics.
            "GSI2PK": LEDGER_PARTITION,
            "GSI2SK": f"{self.succeeded_at}#{self.payment_id}",
        }


class IdempotencyItem(Item, discriminator="CheckoutIdempotency"):
    user_id = UnicodeAttribute()
    idempotency_key = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()  # running | done
    payment_id = UnicodeAttribute()
    lease_until = NumberAttribute()  # epoch seconds: a running request older than this is gone
    status_code = NumberAttribute(null=True)
    response = UnicodeAttribute(null=True)  # JSON

    @staticmethod
    def key_of(user_id: str, idempotency_key: str) -> Key:
        return key("IDEMPOTENCY", user_id, idempotency_key), "CHECKOUT"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.user_id, self.idempotency_key)
        return {"PK": pk, "SK": sk}


class CouponItem(Item, discriminator="Coupon"):
    code = UnicodeAttribute()
    percent_off = NumberAttribute(null=True)
    amount_off = NumberAttribute(null=True)
    amount_off_currency = UnicodeAttribute(null=True)
    course_id = UnicodeAttribute(null=True)
    max_redemptions = NumberAttribute(null=True)
    expires_at_iso = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    used = NumberAttribute(default=0)
    confirmed = NumberAttribute(default=0)

    @staticmethod
    def key_of(code: str) -> Key:
        return key("COUPON", code), "COUPON"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.code)
        return {"PK": pk, "SK": sk, "GSI1PK": "COUPONS", "GSI1SK": self.code}


class ProviderRefItem(Item, discriminator="ProviderRef"):
    provider = UnicodeAttribute()
    provider_ref = UnicodeAttribute()
    payment_id = UnicodeAttribute()

    @staticmethod
    def key_of(provider: str, provider_ref: str) -> Key:
        return key("PROVIDERREF", provider, provider_ref), "REF"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.provider, self.provider_ref)
        return {"PK": pk, "SK": sk}


class WebhookItem(Item, discriminator="PaymentNotification"):
    provider = UnicodeAttribute()
    event_id = UnicodeAttribute()
    received_at = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("WEBHOOK", self.provider, self.event_id), "SK": "WEBHOOK"}


# -- mapping ------------------------------------------------------------------------------------


def to_payment(item: PaymentItem) -> Payment:
    return Payment(
        id=item.payment_id,
        user_id=item.user_id,
        course_id=item.course_id,
        instructor_id=item.instructor_id,
        provider=item.provider,
        amount=int(item.amount),
        currency=item.currency,
        list_amount=int(item.list_amount),
        status=item.status,
        created_at=item.created_at,
        updated_at=item.updated_at,
        payer_email=item.payer_email,
        payer_name=item.payer_name,
        phone=item.phone,
        coupon_code=item.coupon_code,
        coupon_state=item.coupon_state,
        provider_ref=item.provider_ref,
        checkout_url=item.checkout_url,
        provider_status=item.provider_status,
        transaction_id=item.transaction_id,
        succeeded_at=item.succeeded_at,
        ended_at=item.ended_at,
        enrollment_id=item.enrollment_id,
        refund_ref=item.refund_ref,
        refund_manual=item.refund_manual,
        refunded_at=item.refunded_at,
        refunded_by=item.refunded_by,
        duplicate_of_enrollment=bool(item.duplicate_of_enrollment),
        version=int(item.version or 0),
    )


def _payment_item(payment: Payment) -> PaymentItem:
    return keyed(
        PaymentItem(
            payment_id=payment.id,
            user_id=payment.user_id,
            course_id=payment.course_id,
            instructor_id=payment.instructor_id,
            provider=payment.provider,
            amount=payment.amount,
            currency=payment.currency,
            list_amount=payment.list_amount,
            status=payment.status,
            created_at=payment.created_at,
            updated_at=payment.updated_at,
            payer_email=payment.payer_email,
            payer_name=payment.payer_name,
            phone=payment.phone,
            coupon_code=payment.coupon_code,
            coupon_state=payment.coupon_state,
            provider_ref=payment.provider_ref,
            checkout_url=payment.checkout_url,
            provider_status=payment.provider_status,
            transaction_id=payment.transaction_id,
            succeeded_at=payment.succeeded_at,
            ended_at=payment.ended_at,
            enrollment_id=payment.enrollment_id,
            refund_ref=payment.refund_ref,
            refund_manual=payment.refund_manual,
            refunded_at=payment.refunded_at,
            refunded_by=payment.refunded_by,
            duplicate_of_enrollment=payment.duplicate_of_enrollment,
            version=payment.version,
        )
    )


def to_coupon(item: CouponItem) -> Coupon:
    amount_off = None
    if item.amount_off is not None and item.amount_off_currency is not None:
        amount_off = Amount(int(item.amount_off), item.amount_off_currency)
    return Coupon(
        code=item.code,
        percent_off=None if item.percent_off is None else int(item.percent_off),
        amount_off=amount_off,
        course_id=item.course_id,
        max_redemptions=None if item.max_redemptions is None else int(item.max_redemptions),
        expires_at=item.expires_at_iso,
        active=bool(item.active),
        created_at=item.created_at,
        created_by=item.created_by,
        used=int(item.used or 0),
        confirmed=int(item.confirmed or 0),
    )


def to_ledger(item: LedgerItem) -> dict[str, Any]:
    return {
        "payment_id": item.payment_id,
        "course_id": item.course_id,
        "provider": item.provider,
        "currency": item.currency,
        "gross": int(item.gross),
        "provider_fee": int(item.provider_fee),
        "commission": int(item.commission),
        "instructor_net": int(item.instructor_net),
        "succeeded_at": item.succeeded_at,
        "refunded": bool(item.refunded),
    }


# -- checkout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Idempotency:
    fingerprint: str
    state: str
    payment_id: str
    lease_until: float
    status_code: int | None
    response: dict[str, Any] | None


@dataclass(frozen=True)
class CheckoutRead:
    user: User | None
    course: Course | None
    enrollment: Enrollment | None
    idempotency: Idempotency | None
    coupon: Coupon | None


def _idempotency(item: IdempotencyItem | None) -> Idempotency | None:
    if item is None:
        return None
    return Idempotency(
        fingerprint=item.fingerprint,
        state=item.state,
        payment_id=item.payment_id,
        lease_until=float(item.lease_until),
        status_code=None if item.status_code is None else int(item.status_code),
        response=json.loads(item.response) if item.response else None,
    )


def read_for_checkout(
    user_id: str, course_id: str, idempotency_key: str, coupon_code: str | None
) -> CheckoutRead:
    """The caller's user record, the course, the caller's enrollment in it, the idempotency
    record and the coupon: one BatchGetItem (the course is addressed by id)."""
    user_key: Key = (User.pk(user_id), PROFILE)
    idem_key = IdempotencyItem.key_of(user_id, idempotency_key)
    coupon_key = CouponItem.key_of(coupon_code) if coupon_code else None
    first = [user_key, idem_key] + ([coupon_key] if coupon_key else [])
    enrollment_key = enrollment.enrollment_key(user_id, course_id)
    found = courses.read_course(course_id, lambda _cid: [enrollment_key], first=first)
    coupon_item = decode(CouponItem, found.extra.get(coupon_key)) if coupon_key else None
    return CheckoutRead(
        user=decode(User, found.extra.get(user_key)),
        course=found.course,
        enrollment=enrollment.decode_enrollment(found.extra.get(enrollment_key)),
        idempotency=_idempotency(decode(IdempotencyItem, found.extra.get(idem_key))),
        coupon=to_coupon(coupon_item) if coupon_item is not None else None,
    )


def get_idempotency(user_id: str, idempotency_key: str) -> Idempotency | None:
    try:
        item = IdempotencyItem.get(
            *IdempotencyItem.key_of(user_id, idempotency_key), consistent_read=True
        )
    except IdempotencyItem.DoesNotExist:
        return None
    return _idempotency(item)


def _idem_item(
    user_id: str, idempotency_key: str, fingerprint: str, payment_id: str, lease_until: float
) -> IdempotencyItem:
    return keyed(
        IdempotencyItem(
            user_id=user_id,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            state="running",
            payment_id=payment_id,
            lease_until=lease_until,
            expires_at=now() + IDEMPOTENCY_TTL,
        )
    )


def _reserve_coupon(tx: Any, code: str, max_redemptions: int | None, confirm: bool) -> None:
    item = keyed(CouponItem(code=code))
    actions = [CouponItem.used.add(1)]
    if confirm:
        actions.append(CouponItem.confirmed.add(1))
    condition = CouponItem.active == True  # noqa: E712 - a PynamoDB condition
    if max_redemptions is not None:
        condition &= CouponItem.used < max_redemptions
    tx.update(item, actions=actions, condition=condition)


def start_checkout(
    payment: Payment,
    *,
    idempotency_key: str,
    fingerprint: str,
    lease_until: float,
    takeover_from: float | None,
    coupon_max: int | None,
) -> None:
    """One transaction: the idempotency record (new, or taken over from a request whose lease
    ran out), the pending payment and the coupon reservation. ``ConditionFailed`` if another
    request holds the key or the coupon has no redemption left."""
    idem = _idem_item(payment.user_id, idempotency_key, fingerprint, payment.id, lease_until)
    if takeover_from is None:
        idem_condition = IdempotencyItem.PK.does_not_exist()
    else:
        idem_condition = IdempotencyItem.lease_until == takeover_from
    try:
        with transaction() as tx:
            tx.save(idem, condition=idem_condition)
            tx.save(_payment_item(payment), condition=PaymentItem.PK.does_not_exist())
            if payment.coupon_code:
                _reserve_coupon(tx, payment.coupon_code, coupon_max, confirm=False)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(payment.id) from exc
        raise


def finish_checkout(
    payment: Payment, idempotency_key: str, status_code: int, response: dict[str, Any]
) -> None:
    """One transaction: the payment's provider reference, its pointer, the stored response."""
    item = keyed(PaymentItem(payment_id=payment.id))
    with transaction() as tx:
        tx.update(
            item,
            actions=[
                PaymentItem.provider_ref.set(payment.provider_ref),
                PaymentItem.checkout_url.set(payment.checkout_url)
                if payment.checkout_url
                else PaymentItem.checkout_url.remove(),
                PaymentItem.updated_at.set(payment.updated_at),
            ],
        )
        if payment.provider_ref:
            tx.save(
                keyed(
                    ProviderRefItem(
                        provider=payment.provider,
                        provider_ref=payment.provider_ref,
                        payment_id=payment.id,
                    )
                )
            )
        _store_response(tx, payment.user_id, idempotency_key, status_code, response)


def _store_response(
    tx: Any, user_id: str, idempotency_key: str, status_code: int, response: dict[str, Any]
) -> None:
    tx.update(
        keyed(IdempotencyItem(user_id=user_id, idempotency_key=idempotency_key)),
        actions=[
            IdempotencyItem.state.set("done"),
            IdempotencyItem.status_code.set(status_code),
            IdempotencyItem.response.set(json.dumps(response, separators=(",", ":"))),
        ],
    )


def abandon_checkout(
    payment: Payment, idempotency_key: str, events: list[OutboxEvent], coupon_release: bool
) -> None:
    """The provider refused the start: the payment failed, its coupon released, and the
    idempotency record removed (the client may retry with the same key)."""
    with transaction() as tx:
        tx.update(
            keyed(PaymentItem(payment_id=payment.id)),
            actions=[
                PaymentItem.status.set(payment.status),
                PaymentItem.GSI3PK.set(key("PAYMENTS", "STATUS", payment.status)),
                PaymentItem.ended_at.set(payment.ended_at),
                PaymentItem.coupon_state.set(payment.coupon_state)
                if payment.coupon_state
                else PaymentItem.coupon_state.remove(),
                PaymentItem.updated_at.set(payment.updated_at),
            ],
            condition=PaymentItem.status == domain.PENDING,
        )
        if coupon_release and payment.coupon_code:
            _coupon_counts(tx, payment.coupon_code, used=-1, confirmed=0)
        tx.delete(keyed(IdempotencyItem(user_id=payment.user_id, idempotency_key=idempotency_key)))
        for event in events:
            tx.save(event)


def free_checkout(
    payment: Payment,
    *,
    idempotency_key: str,
    fingerprint: str,
    coupon_max: int | None,
    response: dict[str, Any],
    ledger: Ledger,
    course_price: dict[str, Any],
    events: list[OutboxEvent | AuditEntry],
) -> None:
    """A coupon made it free: the succeeded payment, the confirmed redemption, the ledger
    entry, the enrollment and the stored response in one transaction (no provider call)."""
    idem = _idem_item(payment.user_id, idempotency_key, fingerprint, payment.id, 0)
    idem.state = "done"
    idem.status_code = 201
    idem.response = json.dumps(response, separators=(",", ":"))
    try:
        with transaction() as tx:
            tx.save(idem, condition=IdempotencyItem.PK.does_not_exist())
            tx.save(_payment_item(payment), condition=PaymentItem.PK.does_not_exist())
            assert payment.coupon_code is not None
            _reserve_coupon(tx, payment.coupon_code, coupon_max, confirm=True)
            tx.save(_ledger_item(payment, ledger))
            enrollment.add_paid_enrollment(
                tx,
                user_id=payment.user_id,
                user_name=payment.payer_name,
                user_email=payment.payer_email,
                course_id=payment.course_id,
                payment_id=payment.id,
                price=course_price,
            )
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(payment.id) from exc
        raise


# -- settling ----------------------------------------------------------------------------------


def get_payment(payment_id: str) -> Payment | None:
    try:
        return to_payment(PaymentItem.get(*PaymentItem.key_of(payment_id), consistent_read=True))
    except PaymentItem.DoesNotExist:
        return None


def payment_for_ref(provider: str, provider_ref: str) -> str | None:
    try:
        item = ProviderRefItem.get(*ProviderRefItem.key_of(provider, provider_ref))
    except ProviderRefItem.DoesNotExist:
        return None
    return item.payment_id


def _coupon_counts(tx: Any, code: str, *, used: int, confirmed: int) -> None:
    actions = []
    if used:
        actions.append(CouponItem.used.add(used))
    if confirmed:
        actions.append(CouponItem.confirmed.add(confirmed))
    if actions:
        tx.update(keyed(CouponItem(code=code)), actions=actions)


def _ledger_item(payment: Payment, ledger: Ledger) -> LedgerItem:
    return keyed(
        LedgerItem(
            payment_id=payment.id,
            instructor_id=payment.instructor_id,
            course_id=payment.course_id,
            provider=payment.provider,
            currency=ledger.currency,
            gross=ledger.gross,
            provider_fee=ledger.provider_fee,
            commission=ledger.commission,
            instructor_net=ledger.instructor_net,
            succeeded_at=payment.succeeded_at or payment.updated_at,
        )
    )


def _transition(tx: Any, payment: Payment, before: str) -> None:
    """The payment as it is now, saved only if its status (and version) is still ``before``."""
    item = _payment_item(payment)
    item.version = payment.version + 1
    tx.save(
        item, condition=(PaymentItem.status == before) & (PaymentItem.version == payment.version)
    )


def settle_succeeded(
    payment: Payment,
    before: str,
    ledger: Ledger,
    events: list[OutboxEvent | AuditEntry],
    *,
    coupon_used: int,
    enroll: bool,
    course_price: dict[str, Any],
) -> None:
    """Succeeded: status, ledger, coupon confirmed, the enrollment, the events and the audit
    entry — one write.
    ``ConditionFailed`` if the payment changed meanwhile or (``enroll``) the learner is already
    enrolled."""
    try:
        with transaction() as tx:
            if enroll:
                payment.enrollment_id = enrollment.add_paid_enrollment(
                    tx,
                    user_id=payment.user_id,
                    user_name=payment.payer_name,
                    user_email=payment.payer_email,
                    course_id=payment.course_id,
                    payment_id=payment.id,
                    price=course_price,
                )
            _transition(tx, payment, before)
            tx.save(_ledger_item(payment, ledger))
            if payment.coupon_code:
                _coupon_counts(tx, payment.coupon_code, used=coupon_used, confirmed=1)
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(payment.id) from exc
        raise
    payment.version += 1


def settle_unpaid(
    payment: Payment, before: str, events: list[OutboxEvent], coupon_release: bool
) -> None:
    try:
        with transaction() as tx:
            _transition(tx, payment, before)
            if coupon_release and payment.coupon_code:
                _coupon_counts(tx, payment.coupon_code, used=-1, confirmed=0)
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(payment.id) from exc
        raise
    payment.version += 1


def record_refund(
    payment: Payment,
    events: list[OutboxEvent],
    audit: AuditEntry,
    *,
    revoke: bool,
) -> None:
    """Refunded: status, ledger marked refunded, coupon released, enrollment revoked, the audit
    entry and the events — one write."""
    try:
        with transaction() as tx:
            _transition(tx, payment, domain.SUCCEEDED)
            tx.update(
                keyed(LedgerItem(payment_id=payment.id)),
                actions=[LedgerItem.refunded.set(True)],
            )
            if payment.coupon_code:
                _coupon_counts(tx, payment.coupon_code, used=-1, confirmed=-1)
            if revoke and payment.enrollment_id:
                enrollment.add_revocation(
                    tx,
                    user_id=payment.user_id,
                    course_id=payment.course_id,
                    enrollment_id=payment.enrollment_id,
                    payment_id=payment.id,
                )
            tx.save(audit)
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(payment.id) from exc
        raise
    payment.version += 1


# -- notifications -----------------------------------------------------------------------------


def record_notification(provider: str, event_id: str, received_at: str, event: OutboxEvent) -> bool:
    """The first sighting of a provider's event, with its outbox event (one transaction);
    False if it was seen before (nothing written)."""
    item = keyed(
        WebhookItem(
            provider=provider,
            event_id=event_id,
            received_at=received_at,
            expires_at=now() + DEDUP_TTL,
        )
    )
    try:
        with transaction() as tx:
            tx.save(item, condition=WebhookItem.PK.does_not_exist())
            tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


# -- lists -------------------------------------------------------------------------------------


def _page(results: Any, decode: Any) -> tuple[list[Any], dict[str, Any] | None]:
    page = next(results.page_iter, None) or {}
    return [decode(raw) for raw in page.get("Items", [])], results.page_iter.last_evaluated_key


def _payment_from_raw(raw: dict[str, Any]) -> Payment:
    return to_payment(PaymentItem.from_raw_data(raw))


def user_payments(
    user_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[Payment], dict[str, Any] | None]:
    results = PaymentItem.gsi1.query(
        key("USER", user_id, "PAYMENTS"),
        scan_index_forward=False,
        last_evaluated_key=start,
        page_size=limit,
    )
    return _page(results, _payment_from_raw)


ADMIN_INDEXES = {"all": "gsi2", "status": "gsi3", "course": "gsi4"}


def admin_payments(
    *,
    status: str | None,
    provider: str | None,
    course_id: str | None,
    limit: int,
    start: dict[str, Any] | None,
) -> tuple[list[Payment], dict[str, Any] | None, str]:
    """The most selective index for the filters given (course, then status, then all), the
    others as a filter on that Query. Returns the index partition too (for the cursor)."""
    condition = None
    if course_id is not None:
        index, partition = PaymentItem.gsi4, key("COURSE", course_id, "PAYMENTS")
        if status is not None:
            condition = PaymentItem.status == status
    elif status is not None:
        index, partition = PaymentItem.gsi3, key("PAYMENTS", "STATUS", status)
    else:
        index, partition = PaymentItem.gsi2, "PAYMENTS"
    if provider is not None:
        by_provider = PaymentItem.provider == provider
        condition = by_provider if condition is None else condition & by_provider
    results = index.query(
        partition,
        filter_condition=condition,
        scan_index_forward=False,
        last_evaluated_key=start,
        page_size=limit,
    )
    found, last = _page(results, _payment_from_raw)
    return found, last, partition


def pending_payments(limit: int, start: dict[str, Any] | None = None) -> tuple[list[Payment], Any]:
    """Pending payments, oldest first (GSI3 ``PAYMENTS#STATUS#pending``): the reconciler's work."""
    results = PaymentItem.gsi3.query(
        key("PAYMENTS", "STATUS", domain.PENDING), last_evaluated_key=start, page_size=limit
    )
    return _page(results, _payment_from_raw)


def earnings(instructor_id: str, start: str, end: str) -> list[dict[str, Any]]:
    """The instructor's ledger entries with ``start <= succeeded_at < end``: Query on GSI1."""
    results = LedgerItem.gsi1.query(
        LedgerItem.earnings_partition(instructor_id),
        LedgerItem.GSI1SK.between(start, end),
    )
    return [to_ledger(item) for item in results if item.succeeded_at < end]


def ledger_between(start: str, end: str) -> list[dict[str, Any]]:
    """Every ledger entry with ``start <= succeeded_at < end``, oldest first: Query on GSI2."""
    results = LedgerItem.gsi2.query(LEDGER_PARTITION, LedgerItem.GSI2SK.between(start, end))
    return [to_ledger(item) for item in results if item.succeeded_at < end]


# -- coupons -----------------------------------------------------------------------------------


def insert_coupon(coupon: Coupon, audit: AuditEntry) -> None:
    item = keyed(
        CouponItem(
            code=coupon.code,
            percent_off=coupon.percent_off,
            amount_off=coupon.amount_off.amount if coupon.amount_off else None,
            amount_off_currency=coupon.amount_off.currency if coupon.amount_off else None,
            course_id=coupon.course_id,
            max_redemptions=coupon.max_redemptions,
            expires_at_iso=coupon.expires_at,
            active=coupon.active,
            created_at=coupon.created_at,
            created_by=coupon.created_by,
        )
    )
    try:
        with transaction() as tx:
            tx.save(item, condition=CouponItem.PK.does_not_exist())
            tx.save(audit)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(coupon.code) from exc
        raise


def get_coupon(code: str) -> Coupon | None:
    try:
        return to_coupon(CouponItem.get(*CouponItem.key_of(code), consistent_read=True))
    except CouponItem.DoesNotExist:
        return None


def set_coupon_active(code: str, active: bool, audit: AuditEntry) -> None:
    try:
        with transaction() as tx:
            tx.update(
                keyed(CouponItem(code=code)),
                actions=[CouponItem.active.set(active)],
                condition=CouponItem.PK.exists(),
            )
            tx.save(audit)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(code) from exc
        raise


def coupons_page(limit: int, start: dict[str, Any] | None) -> tuple[list[Coupon], Any]:
    results = CouponItem.gsi1.query("COUPONS", last_evaluated_key=start, page_size=limit)
    return _page(results, lambda raw: to_coupon(CouponItem.from_raw_data(raw)))


# -- privacy -----------------------------------------------------------------------------------


def anonymise_payer(user_id: str) -> int:
    """Erase the payer's email, name and phone on their payments (kept for accounting)."""
    count = 0
    for item in PaymentItem.gsi1.query(key("USER", user_id, "PAYMENTS")):
        if item.payer_email == "":
            continue
        keyed(item).update(
            actions=[
                PaymentItem.payer_email.set(""),
                PaymentItem.payer_name.set(""),
                PaymentItem.phone.remove(),
            ]
        )
        count += 1
    return count


__all__ = ["connection"]
