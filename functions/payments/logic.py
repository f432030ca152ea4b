"""Payments use cases: checkout, settling (exactly once), refunds, coupons, lists, earnings.

Notifications are never trusted for an outcome: ``handle_notification`` (the SQS consumer) and
``reconcile`` (the scheduled job) both re-read the provider's status and then call ``settle``,
which is idempotent: every transition is conditional on the status (and version) it was read
with, and a succeeded payment's enrollment is written in the same transaction as the success.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from coursewave.audit import AuditEntry, audit_entry
from coursewave.clock import iso, new_id, now, now_iso
from coursewave.config import settings
from coursewave.errors import Conflict, DomainError, NotFound, ValidationFailed
from coursewave.events import OutboxEvent, domain_event
from coursewave.observability import logger
from coursewave.users import Principal, User
from functions.payments import domain, repository
from functions.payments.domain import Amount, Coupon, Payment
from functions.payments.providers.port import (
    CheckoutRequest,
    IgnoredNotification,
    Observed,
    PaymentProvider,
    ProviderRejected,
    ProviderUnavailable,
)

LEASE_SECONDS = 60
Providers = Callable[[str], PaymentProvider]
AuthorizeUser = Callable[[User | None], Principal]


class ProviderDown(DomainError):
    status, code = 503, "PROVIDER_UNAVAILABLE"


def _providers() -> Providers:
    from functions.payments.providers import provider

    return provider  # type: ignore[return-value]


# -- outputs -----------------------------------------------------------------------------------


def checkout_response(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "status": payment.status,
        "provider": payment.provider,
        "amount": payment.price.as_dict(),
        "course_id": payment.course_id,
        "checkout_url": payment.checkout_url,
    }


# -- checkout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutInput:
    course_id: str
    provider: str
    currency: str | None
    phone: str | None
    coupon_code: str | None

    def fingerprint(self) -> str:
        return domain.request_fingerprint(
            {
                "course_id": self.course_id,
                "provider": self.provider,
                "currency": self.currency,
                "phone": self.phone,
                "coupon_code": self.coupon_code,
            }
        )


@dataclass(frozen=True)
class CheckoutResult:
    status_code: int
    body: dict[str, Any]


def _replay(found: repository.Idempotency, fingerprint: str) -> CheckoutResult | None:
    if found.fingerprint != fingerprint:
        raise ValidationFailed.for_field(
            "Idempotency-Key", "this key was used with a different request body"
        )
    if found.state == "done" and found.response is not None:
        return CheckoutResult(found.status_code or 201, found.response)
    if found.lease_until > time.time():
        raise Conflict("A request with this Idempotency-Key is still running; retry shortly.")
    return None  # the first request died: this one takes over


def checkout(
    claims_user_id: str,
    authorize_user: AuthorizeUser,
    idempotency_key: str,
    request: CheckoutInput,
    *,
    callback_url: Callable[[str], str],
    providers: Providers | None = None,
) -> CheckoutResult:
    """``POST /v1/payments/checkout``: one BatchGetItem, one transaction, the provider's start,
    one transaction (≤ 3 round trips); a free one (coupon): one read, one transaction."""
    providers = providers or _providers()
    fingerprint = request.fingerprint()
    seen = repository.read_for_checkout(
        claims_user_id, request.course_id, idempotency_key, request.coupon_code
    )
    principal = authorize_user(seen.user)
    takeover_from = None
    if seen.idempotency is not None:
        replayed = _replay(seen.idempotency, fingerprint)
        if replayed is not None:
            return replayed
        takeover_from = seen.idempotency.lease_until
    course = seen.course
    if course is None or not course.is_published:
        raise NotFound("No such course.")
    if seen.enrollment is not None and not seen.enrollment.is_revoked:
        raise Conflict("You are already enrolled in this course.")
    price = course.price_in(request.currency)
    if price is None:
        raise ValidationFailed.for_field("currency", "the course has no price in this currency")
    if price.is_free:
        raise Conflict("This course is free: enroll directly.")
    list_price = Amount(price.amount, price.currency)
    if request.provider in domain.MOBILE_MONEY and not request.phone:
        raise ValidationFailed.for_field("phone", "required for mobile money")
    coupon: Coupon | None = None
    amount = list_price
    moment = now_iso()
    if request.coupon_code:
        coupon = seen.coupon
        if coupon is None:
            raise ValidationFailed.for_field("coupon_code", "no such coupon")
        refusal = coupon.refusal(course.id, list_price.currency, moment)
        if refusal:
            raise ValidationFailed.for_field("coupon_code", refusal)
        if coupon.exhausted:  # seen used up: what losing the race for the last one answers
            raise _coupon_exhausted()
        amount = coupon.apply(list_price)
    adapter = None
    if amount.amount > 0:
        adapter = providers(request.provider)
        if amount.currency not in adapter.currencies:
            raise ValidationFailed.for_field(
                "currency", f"{request.provider} cannot take {amount.currency}"
            )
    payment_id = seen.idempotency.payment_id if seen.idempotency else new_id("pay_")
    payment = Payment(
        id=payment_id,
        user_id=principal.user_id,
        course_id=course.id,
        instructor_id=course.instructor_id,
        provider=request.provider,
        amount=amount.amount,
        currency=amount.currency,
        list_amount=list_price.amount,
        status=domain.PENDING,
        created_at=moment,
        updated_at=moment,
        payer_email=principal.email,
        payer_name=principal.name,
        phone=request.phone,
        coupon_code=coupon.code if coupon else None,
        coupon_state=domain.RESERVED if coupon else None,
    )
    course_price = list_price.as_dict()
    if adapter is None:
        return _free_checkout(payment, idempotency_key, fingerprint, coupon, course_price)
    lease = time.time() + LEASE_SECONDS
    if takeover_from is None:
        try:
            repository.start_checkout(
                payment,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                lease_until=lease,
                takeover_from=None,
                coupon_max=coupon.max_redemptions if coupon else None,
            )
        except repository.ConditionFailed:
            return _lost_race(principal.user_id, idempotency_key, fingerprint)
    else:
        existing = repository.get_payment(payment_id)
        if existing is None:
            raise Conflict("A request with this Idempotency-Key is still running; retry shortly.")
        payment = existing
    web = settings().require("web_app_url").rstrip("/")
    try:
        started = adapter.start(
            CheckoutRequest(
                payment_id=payment.id,
                amount=payment.amount,
                currency=payment.currency,
                description=course.title,
                customer_email=principal.email,
                phone=payment.phone,
                success_url=f"{web}/payments/{payment.id}?result=success",
                cancel_url=f"{web}/payments/{payment.id}?result=cancelled",
                callback_url=callback_url(payment.provider),
                idempotency_key=f"checkout-{payment.id}",
                # Fixed per payment: a retried start must send the very same parameters.
                expires_at=_pending_deadline(payment),
            )
        )
    except ProviderRejected as exc:
        _abandon(payment, idempotency_key)
        raise ValidationFailed.for_field("provider", f"the provider refused: {exc}") from exc
    except ProviderUnavailable as exc:
        _abandon(payment, idempotency_key)
        raise ProviderDown("The payment provider is unavailable; try again later.") from exc
    payment.provider_ref = started.provider_ref
    payment.checkout_url = started.checkout_url
    payment.updated_at = now_iso()
    body = checkout_response(payment)
    repository.finish_checkout(payment, idempotency_key, 201, body)
    return CheckoutResult(201, body)


def _pending_deadline(payment: Payment) -> int:
    """When an unpaid checkout expires at the provider: the payment's creation plus the
    configured pending expiry, kept within Stripe's 30 minutes to 24 hours."""
    minutes = min(max(settings().payment_pending_expiry_minutes, 30), 24 * 60)
    created = datetime.strptime(payment.created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return int(created.timestamp()) + minutes * 60


def _coupon_exhausted() -> Conflict:
    return Conflict("This coupon has no redemption left.", code="COUPON_EXHAUSTED")


def _lost_race(user_id: str, idempotency_key: str, fingerprint: str) -> CheckoutResult:
    found = repository.get_idempotency(user_id, idempotency_key)
    if found is None:
        raise _coupon_exhausted()
    replayed = _replay(found, fingerprint)
    if replayed is not None:
        return replayed
    raise Conflict("A request with this Idempotency-Key is still running; retry shortly.")


def _abandon(payment: Payment, idempotency_key: str) -> None:
    payment.status = domain.FAILED
    payment.ended_at = payment.updated_at = now_iso()
    release = payment.coupon_state == domain.RESERVED
    if release:
        payment.coupon_state = domain.RELEASED
    repository.abandon_checkout(
        payment, idempotency_key, [_event("PaymentFailed", payment)], release
    )


def _free_checkout(
    payment: Payment,
    idempotency_key: str,
    fingerprint: str,
    coupon: Coupon | None,
    course_price: dict[str, Any],
) -> CheckoutResult:
    assert coupon is not None
    payment.status = domain.SUCCEEDED
    payment.succeeded_at = payment.updated_at
    payment.coupon_state = domain.CONFIRMED
    ledger = domain.ledger(0, payment.currency, 0, settings().platform_commission_bps)
    body = checkout_response(payment)
    try:
        repository.free_checkout(
            payment,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            coupon_max=coupon.max_redemptions,
            response=body,
            ledger=ledger,
            course_price=course_price,
            events=_succeeded(payment, ledger, None),
        )
    except repository.ConditionFailed:
        return _lost_race(payment.user_id, idempotency_key, fingerprint)
    return CheckoutResult(201, body)


# -- events ------------------------------------------------------------------------------------


def _base(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "user_id": payment.user_id,
        "course_id": payment.course_id,
        "instructor_id": payment.instructor_id,
        "provider": payment.provider,
        "amount": payment.price.as_dict(),
        "coupon_code": payment.coupon_code,
    }


def _event(name: str, payment: Payment, **data: Any) -> OutboxEvent:
    if name == "PaymentFailed":
        data = {"status": payment.status, "ended_at": payment.ended_at, **data}
    return domain_event("payments", name, {**_base(payment), **data})


def _succeeded_event(payment: Payment, ledger: domain.Ledger) -> OutboxEvent:
    def money(value: int) -> dict[str, Any]:
        return {"amount": value, "currency": ledger.currency}

    return _event(
        "PaymentSucceeded",
        payment,
        provider_ref=payment.provider_ref,
        succeeded_at=payment.succeeded_at,
        gross=money(ledger.gross),
        provider_fee=money(ledger.provider_fee),
        commission=money(ledger.commission),
        instructor_net=money(ledger.instructor_net),
    )


def _succeeded(
    payment: Payment, ledger: domain.Ledger, before: str | None
) -> list[OutboxEvent | AuditEntry]:
    """What a success writes besides the payment: its event and its audit entry (money moved;
    the payer is the actor, the ledger split is the record)."""
    audit = audit_entry(
        actor_id=payment.user_id,
        action="payment.succeeded",
        target_type="payment",
        target_id=payment.id,
        before={"status": before} if before else {},
        after={
            "status": domain.SUCCEEDED,
            "provider": payment.provider,
            "course_id": payment.course_id,
            "coupon_code": payment.coupon_code,
            "currency": ledger.currency,
            "gross": ledger.gross,
            "provider_fee": ledger.provider_fee,
            "commission": ledger.commission,
            "instructor_net": ledger.instructor_net,
        },
    )
    return [_succeeded_event(payment, ledger), audit]


# -- settling ----------------------------------------------------------------------------------

MAX_SETTLE_ATTEMPTS = 4


def settle(payment_id: str, observed: Observed) -> Payment | None:
    """Apply the provider's own view of a payment, exactly once; re-runnable at any point."""
    for _ in range(MAX_SETTLE_ATTEMPTS):
        payment = repository.get_payment(payment_id)
        if payment is None:
            return None
        if payment.provider_ref and observed.provider_ref != payment.provider_ref:
            logger.warning("provider reference mismatch", extra={"payment_id": payment_id})
            return payment
        target = observed.status
        if not payment.can_become(target):
            return payment  # already settled, still pending, or refunded: nothing to do
        try:
            if target == domain.SUCCEEDED:
                _succeed(payment, observed)
            else:
                _end_unpaid(payment, target)
            return payment
        except repository.ConditionFailed:
            continue  # changed under us (a replay, the reconciler): read again
    return repository.get_payment(payment_id)


def _succeed(payment: Payment, observed: Observed) -> None:
    if (observed.amount is not None and observed.amount != payment.amount) or (
        observed.currency is not None and observed.currency.upper() != payment.currency
    ):
        logger.error("provider amount mismatch: not settled", extra={"payment_id": payment.id})
        return
    before = payment.status
    moment = now_iso()
    payment.status = domain.SUCCEEDED
    payment.succeeded_at = payment.updated_at = moment
    payment.provider_status = observed.raw_status
    payment.transaction_id = observed.transaction_id
    coupon_used = 0
    if payment.coupon_code:
        coupon_used = 1 if payment.coupon_state == domain.RELEASED else 0
        payment.coupon_state = domain.CONFIRMED
    ledger = domain.ledger(
        payment.amount, payment.currency, observed.fee, settings().platform_commission_bps
    )
    price = {"amount": payment.list_amount, "currency": payment.currency}
    snapshot = replace(payment)
    try:
        repository.settle_succeeded(
            payment,
            before,
            ledger,
            _succeeded(payment, ledger, before),
            coupon_used=coupon_used,
            enroll=True,
            course_price=price,
        )
        return
    except repository.ConditionFailed:
        current = repository.get_payment(payment.id)
        if current is None or current.version != snapshot.version or current.status != before:
            raise
    # The payment is as read: the enrollment's condition failed (already enrolled). The money
    # was taken: record the success without a second enrollment, flagged for a refund.
    payment.enrollment_id = None
    payment.duplicate_of_enrollment = True
    logger.warning("paid while already enrolled: refund it", extra={"payment_id": payment.id})
    repository.settle_succeeded(
        payment,
        before,
        ledger,
        _succeeded(payment, ledger, before),
        coupon_used=coupon_used,
        enroll=False,
        course_price=price,
    )


def _end_unpaid(payment: Payment, status: str) -> None:
    before = payment.status
    payment.status = status
    payment.ended_at = payment.updated_at = now_iso()
    release = payment.coupon_state == domain.RESERVED
    if release:
        payment.coupon_state = domain.RELEASED
    repository.settle_unpaid(payment, before, [_event("PaymentFailed", payment)], release)


def expire(payment: Payment) -> None:
    """Nobody completed the payment in time: expired (a later success still settles it)."""
    with contextlib.suppress(repository.ConditionFailed):
        _end_unpaid(payment, domain.EXPIRED)


# -- notifications -----------------------------------------------------------------------------


def receive_notification(
    provider_name: str,
    method: str,
    headers: dict[str, str],
    raw_body: bytes,
    providers: Providers | None = None,
) -> bool:
    """Verify a webhook/callback and record it once, with a ``PaymentNotified`` event (one
    transaction); the work happens in the consumer. Raises ``InvalidNotification``."""
    providers = providers or _providers()
    try:
        notification = providers(provider_name).parse_notification(
            method, headers, raw_body, time.time()
        )
    except IgnoredNotification:
        # Verified, but of a kind we do not act on: acknowledge it, or the provider retries it.
        return False
    event = domain_event(
        "payments",
        "PaymentNotified",
        {
            "provider": provider_name,
            "provider_event_id": notification.event_id,
            "provider_ref": notification.provider_ref,
            "payment_id": notification.payment_id,
            "received_at": now_iso(),
        },
    )
    return repository.record_notification(provider_name, notification.event_id, now_iso(), event)


def handle_notification(data: dict[str, Any], providers: Providers | None = None) -> None:
    """A ``PaymentNotified``: re-read the provider's status, then settle. ``ProviderUnavailable``
    propagates (the message is retried; the reconciler settles it later anyway)."""
    providers = providers or _providers()
    provider_name = data["provider"]
    payment_id = data.get("payment_id") or repository.payment_for_ref(
        provider_name, data["provider_ref"]
    )
    if payment_id is None:
        logger.warning("notification for no known payment", extra={"provider": provider_name})
        return
    payment = repository.get_payment(payment_id)
    if payment is None or payment.provider != provider_name:
        return
    ref = payment.provider_ref or data["provider_ref"]
    try:
        observed = providers(provider_name).status(ref)
    except ProviderRejected:
        logger.warning("provider does not know this payment", extra={"payment_id": payment_id})
        return
    settle(payment_id, observed)


# -- reconciliation ----------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0
    settled: int = 0
    expired: int = 0
    unavailable: int = 0


def reconcile(
    providers: Providers | None = None, moment: datetime | None = None, limit: int = 100
) -> ReconcileReport:
    """Poll every pending payment's provider; settle what moved; expire abandoned ones."""
    providers = providers or _providers()
    moment = moment or now()
    expiry = settings().payment_pending_expiry_minutes
    report = ReconcileReport()
    start = None
    while True:
        pending, start = repository.pending_payments(limit, start)
        for payment in pending:
            report.checked += 1
            old = domain.is_older_than(payment.created_at, moment, expiry)
            if payment.provider_ref is None:
                if old:
                    expire(payment)
                    report.expired += 1
                continue
            try:
                observed = providers(payment.provider).status(payment.provider_ref)
            except ProviderUnavailable:
                report.unavailable += 1
                continue
            except ProviderRejected:
                observed = None
            if observed is not None and observed.status != "pending":
                after = settle(payment.id, observed)
                if after is not None and after.status != domain.PENDING:
                    report.settled += 1
            elif old:
                expire(payment)
                report.expired += 1
        if not start:
            return report


# -- refunds -----------------------------------------------------------------------------------


def refund(
    principal: Principal,
    payment_id: str,
    provider_reference: str | None,
    reason: str | None,
    providers: Providers | None = None,
) -> Payment:
    """Full refund (admin). A payment we still see pending is re-read from the provider first:
    a success that had not reached us is settled, then refunded."""
    providers = providers or _providers()
    payment = repository.get_payment(payment_id)
    if payment is None:
        raise NotFound("No such payment.")
    if payment.status == domain.REFUNDED:
        return payment
    if payment.status in (domain.PENDING, domain.EXPIRED) and payment.provider_ref:
        try:
            observed = providers(payment.provider).status(payment.provider_ref)
        except ProviderUnavailable as exc:
            raise ProviderDown("The payment provider is unavailable; try again later.") from exc
        payment = settle(payment.id, observed) or payment
    if payment.status != domain.SUCCEEDED:
        raise Conflict(f"Only a succeeded payment can be refunded (this one is {payment.status}).")
    manual = True
    refund_ref = provider_reference
    if payment.amount > 0 and payment.provider_ref:
        try:
            result = providers(payment.provider).refund(
                payment.provider_ref, payment.amount, payment.currency, f"refund-{payment.id}"
            )
        except ProviderUnavailable as exc:
            raise ProviderDown("The payment provider is unavailable; try again later.") from exc
        except ProviderRejected as exc:
            raise Conflict(f"The provider refused the refund: {exc}") from exc
        if result is not None:
            manual, refund_ref = False, result.refund_ref
    if refund_ref is None:
        if payment.amount > 0:
            raise ValidationFailed.for_field(
                "provider_reference",
                "a manual (mobile money) refund needs the provider's reference",
            )
        refund_ref = "free"
    before = {"status": payment.status}
    for _ in range(MAX_SETTLE_ATTEMPTS):
        moment = now_iso()
        payment.status = domain.REFUNDED
        payment.refunded_at = payment.updated_at = moment
        payment.refunded_by = principal.user_id
        payment.refund_ref = refund_ref
        payment.refund_manual = manual
        if payment.coupon_code:
            payment.coupon_state = domain.RELEASED
        events = [
            _event(
                "PaymentRefunded",
                payment,
                refund_ref=refund_ref,
                manual=manual,
                refunded_by=principal.user_id,
                refunded_at=moment,
            )
        ]
        audit = audit_entry(
            actor_id=principal.user_id,
            action="payment.refunded",
            target_type="payment",
            target_id=payment.id,
            before=before,
            after={"status": domain.REFUNDED, "refund_ref": refund_ref, "manual": manual},
            reason=reason,
        )
        try:
            repository.record_refund(payment, events, audit, revoke=True)
            return payment
        except repository.ConditionFailed:
            current = repository.get_payment(payment_id)
            if current is None:
                raise NotFound("No such payment.") from None
            if current.status == domain.REFUNDED:
                return current
            if current.status == domain.SUCCEEDED and current.version == payment.version:
                # The enrollment is not this payment's any more: refund without revoking.
                try:
                    repository.record_refund(payment, events, audit, revoke=False)
                    return payment
                except repository.ConditionFailed:
                    pass
            payment = repository.get_payment(payment_id) or current
    raise Conflict("The payment kept changing; try again.")


# -- reads -------------------------------------------------------------------------------------


def payment_for(principal: Principal, payment_id: str) -> Payment:
    payment = repository.get_payment(payment_id)
    if payment is None or not (payment.user_id == principal.user_id or principal.is_admin):
        raise NotFound("No such payment.")
    return payment


# -- coupons -----------------------------------------------------------------------------------


def create_coupon(principal: Principal, coupon: Coupon) -> Coupon:
    coupon.created_at = now_iso()
    coupon.created_by = principal.user_id
    audit = audit_entry(
        actor_id=principal.user_id,
        action="coupon.created",
        target_type="coupon",
        target_id=coupon.code,
        before={},
        after={
            "percent_off": coupon.percent_off,
            "amount_off": coupon.amount_off.as_dict() if coupon.amount_off else None,
            "course_id": coupon.course_id,
            "max_redemptions": coupon.max_redemptions,
            "expires_at": coupon.expires_at,
        },
    )
    try:
        repository.insert_coupon(coupon, audit)
    except repository.ConditionFailed as exc:
        raise Conflict("A coupon with this code exists.") from exc
    return coupon


def set_coupon_active(principal: Principal, code: str, active: bool) -> Coupon:
    audit = audit_entry(
        actor_id=principal.user_id,
        action="coupon.updated",
        target_type="coupon",
        target_id=code,
        before={},
        after={"active": active},
    )
    try:
        repository.set_coupon_active(code, active, audit)
    except repository.ConditionFailed as exc:
        raise NotFound("No such coupon.") from exc
    found = repository.get_coupon(code)
    if found is None:
        raise NotFound("No such coupon.")
    return found


# -- earnings ----------------------------------------------------------------------------------


def earnings(instructor_id: str, start: str, end: str) -> dict[str, Any]:
    """Totals per currency and per course over the instructor's ledger (refunds excluded)."""
    items = repository.earnings(instructor_id, start, end)
    totals: dict[str, dict[str, Any]] = {}
    by_course: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in items:
        if entry["refunded"]:
            continue
        for bucket in (
            totals.setdefault(entry["currency"], _zero(currency=entry["currency"])),
            by_course.setdefault(
                (entry["course_id"], entry["currency"]),
                _zero(currency=entry["currency"], course_id=entry["course_id"]),
            ),
        ):
            bucket["gross"] += entry["gross"]
            bucket["fees"] += entry["provider_fee"]
            bucket["commission"] += entry["commission"]
            bucket["net"] += entry["instructor_net"]
            bucket["count"] += 1
    return {
        "instructor_id": instructor_id,
        "totals": sorted(totals.values(), key=lambda t: t["currency"]),
        "by_course": sorted(by_course.values(), key=lambda t: (t["course_id"], t["currency"])),
        "items": items,
    }


def _zero(**keys: str) -> dict[str, Any]:
    return {**keys, "gross": 0, "fees": 0, "commission": 0, "net": 0, "count": 0}


def iso_bound(value: str | None, default: datetime) -> str:
    return value or iso(default)
