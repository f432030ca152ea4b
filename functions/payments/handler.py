"""Payments routes (API.md "Payments"): checkout, webhooks/callbacks, the payer's and admins'
payments, refunds, coupons and instructor earnings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from coursewave.api import (
    PUBLIC,
    SIGNED_IN,
    Api,
    Reply,
    Request,
    authorize_user,
    roles,
    signed_in,
    signed_in_checked_by_handler,
)
from coursewave.clock import iso, now
from coursewave.config import settings
from coursewave.errors import BadRequest, Forbidden, ValidationFailed
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import Principal
from functions.payments import logic, repository
from functions.payments.domain import Amount, Coupon, Payment
from functions.payments.models import (
    AdminPaymentsQuery,
    CheckoutIn,
    CheckoutOut,
    CouponIn,
    CouponList,
    CouponOut,
    CouponPatch,
    EarningsOut,
    ListQuery,
    MoneyOut,
    PaymentAdminList,
    PaymentAdminOut,
    PaymentList,
    PaymentOut,
    Received,
    RefundIn,
)
from functions.payments.providers.port import InvalidNotification

app = Api("payments")
lambda_handler = app.lambda_handler

ADMIN = roles("admin")
# Checkout reads the caller's record in its one BatchGetItem (with the course, the enrollment,
# the idempotency record and the coupon) and applies the signed-in check to it.
CHECKOUT_ACCESS = signed_in_checked_by_handler("any signed-in user")
MAX_IDEMPOTENCY_KEY_LENGTH = 255
EARNINGS_DEFAULT_DAYS = 366


def payment_out(payment: Payment) -> PaymentOut:
    return PaymentOut(**_payment_fields(payment))


def _payment_fields(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "status": payment.status,
        "provider": payment.provider,
        "amount": MoneyOut(amount=payment.amount, currency=payment.currency),
        "list_price": MoneyOut(amount=payment.list_amount, currency=payment.currency),
        "course_id": payment.course_id,
        "coupon_code": payment.coupon_code,
        "created_at": payment.created_at,
        "succeeded_at": payment.succeeded_at,
        "refunded_at": payment.refunded_at,
        "checkout_url": payment.checkout_url if payment.status == "pending" else None,
    }


def admin_out(payment: Payment) -> PaymentAdminOut:
    return PaymentAdminOut(
        **_payment_fields(payment),
        user_id=payment.user_id,
        instructor_id=payment.instructor_id,
        provider_ref=payment.provider_ref,
        refund_ref=payment.refund_ref,
        refund_manual=payment.refund_manual,
        duplicate_of_enrollment=payment.duplicate_of_enrollment,
    )


def coupon_out(coupon: Coupon) -> CouponOut:
    return CouponOut(
        code=coupon.code,
        percent_off=coupon.percent_off,
        amount_off=(
            MoneyOut(amount=coupon.amount_off.amount, currency=coupon.amount_off.currency)
            if coupon.amount_off
            else None
        ),
        course_id=coupon.course_id,
        max_redemptions=coupon.max_redemptions,
        expires_at=coupon.expires_at,
        active=coupon.active,
        redemptions=coupon.confirmed,
        reserved=coupon.used - coupon.confirmed,
        created_at=coupon.created_at,
    )


def _callback_url(provider: str) -> str:
    base = settings().require("public_base_url").rstrip("/")
    return f"{base}/v1/payments/webhooks/{provider}"


@app.route(
    "POST",
    "/v1/payments/checkout",
    access=CHECKOUT_ACCESS,
    summary="Start paying for a course (Idempotency-Key required); a coupon that makes it free "
    "enrolls at once",
    status=201,
    body=CheckoutIn,
    response=CheckoutOut,
    errors=(400, 404, 409, 422, 503),
)
def checkout(body: CheckoutIn, claims: dict[str, Any], request: Request) -> Reply:
    key = (request.header("idempotency-key") or "").strip()
    if not key:
        raise BadRequest("The Idempotency-Key header is required.")
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationFailed.for_field("Idempotency-Key", "at most 255 characters")
    result = logic.checkout(
        str(claims.get("sub", "")),
        lambda user: authorize_user(CHECKOUT_ACCESS, claims, user),
        key,
        logic.CheckoutInput(
            course_id=body.course_id,
            provider=body.provider,
            currency=body.currency,
            phone=body.phone,
            coupon_code=body.coupon_code,
        ),
        callback_url=_callback_url,
    )
    return Reply(result.status_code, result.body)


def _webhook(provider: str, request: Request) -> Received:
    body = request.raw_body()
    method = request.event.get("requestContext", {}).get("http", {}).get("method", "POST")
    try:
        fresh = logic.receive_notification(provider, method, request.headers, body)
    except InvalidNotification as exc:
        raise BadRequest("The notification does not verify.") from exc
    return Received(received=fresh)


@app.route(
    "POST",
    "/v1/payments/webhooks/stripe",
    access=PUBLIC,
    summary="Stripe webhook (verified by Stripe-Signature over the raw body)",
    response=Received,
    errors=(400,),
)
def stripe_webhook(request: Request) -> Received:
    return _webhook("stripe", request)


for _method in ("POST", "PUT"):
    for _provider in ("mtn_momo", "airtel_money"):

        def _callback(request: Request, _name: str = _provider) -> Received:
            return _webhook(_name, request)

        _callback.__name__ = f"{_provider}_callback_{_method.lower()}"
        app.route(
            _method,
            f"/v1/payments/webhooks/{_provider}",
            access=PUBLIC,
            summary=f"{_provider} callback (confirmed by the provider's status API)",
            response=Received,
            errors=(400,),
        )(_callback)


@app.route(
    "GET",
    "/v1/payments/{payment_id}",
    access=signed_in(who="the payer, admin"),
    summary="One payment",
    response=PaymentOut,
    errors=(404,),
)
def get_payment(payment_id: str, principal: Principal) -> PaymentOut:
    return payment_out(logic.payment_for(principal, payment_id))


@app.route(
    "GET",
    "/v1/me/payments",
    access=SIGNED_IN,
    summary="The caller's payments, newest first",
    query=ListQuery,
    response=PaymentList,
)
def my_payments(query: ListQuery, principal: Principal) -> PaymentList:
    partition = f"USER#{principal.user_id}#PAYMENTS"
    start = decode_cursor(
        query.cursor, key_names={"PK", "SK", "GSI1PK", "GSI1SK"}, fixed={"GSI1PK": partition}
    )
    found, last = repository.user_payments(principal.user_id, query.limit, start)
    return PaymentList(items=[payment_out(p) for p in found], next_cursor=encode_cursor(last))


@app.route(
    "GET",
    "/v1/admin/payments",
    access=ADMIN,
    domain="admin",
    summary="Payments, newest first, by status, provider or course",
    query=AdminPaymentsQuery,
    response=PaymentAdminList,
)
def admin_payments(query: AdminPaymentsQuery, principal: Principal) -> PaymentAdminList:
    start = None
    if query.cursor is not None:
        names = {"PK", "SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK"}
        start = decode_cursor(query.cursor, key_names=names)
    found, last, _ = repository.admin_payments(
        status=query.status,
        provider=query.provider,
        course_id=query.course_id,
        limit=query.limit,
        start=start,
    )
    return PaymentAdminList(items=[admin_out(p) for p in found], next_cursor=encode_cursor(last))


@app.route(
    "POST",
    "/v1/admin/payments/{payment_id}/refund",
    access=ADMIN,
    domain="admin",
    summary="Refund a succeeded payment in full; the enrollment is revoked",
    body=RefundIn,
    response=PaymentAdminOut,
    errors=(404, 409, 422, 503),
)
def refund(payment_id: str, body: RefundIn, principal: Principal) -> PaymentAdminOut:
    return admin_out(logic.refund(principal, payment_id, body.provider_reference, body.reason))


@app.route(
    "POST",
    "/v1/admin/coupons",
    access=ADMIN,
    domain="admin",
    summary="Create a coupon",
    status=201,
    body=CouponIn,
    response=CouponOut,
    errors=(409, 422),
)
def create_coupon(body: CouponIn, principal: Principal) -> CouponOut:
    coupon = Coupon(
        code=body.code,
        percent_off=body.percent_off,
        amount_off=Amount(body.amount_off.amount, body.amount_off.currency)
        if body.amount_off
        else None,
        course_id=body.course_id,
        max_redemptions=body.max_redemptions,
        expires_at=body.expires_at,
        active=True,
        created_at="",
        created_by="",
    )
    return coupon_out(logic.create_coupon(principal, coupon))


@app.route(
    "GET",
    "/v1/admin/coupons",
    access=ADMIN,
    domain="admin",
    summary="Coupons with their redemptions",
    query=ListQuery,
    response=CouponList,
)
def list_coupons(query: ListQuery, principal: Principal) -> CouponList:
    start = decode_cursor(
        query.cursor, key_names={"PK", "SK", "GSI1PK", "GSI1SK"}, fixed={"GSI1PK": "COUPONS"}
    )
    found, last = repository.coupons_page(query.limit, start)
    return CouponList(items=[coupon_out(c) for c in found], next_cursor=encode_cursor(last))


@app.route(
    "PATCH",
    "/v1/admin/coupons/{code}",
    access=ADMIN,
    domain="admin",
    summary="Disable or re-enable a coupon",
    body=CouponPatch,
    response=CouponOut,
    errors=(404,),
)
def patch_coupon(code: str, body: CouponPatch, principal: Principal) -> CouponOut:
    return coupon_out(logic.set_coupon_active(principal, code, body.active))


@app.route(
    "GET",
    "/v1/instructor/earnings",
    access=roles("instructor", "admin", who="instructors (their own), admins (?instructor_id=)"),
    summary="Earnings from the revenue ledger: totals per currency and per course",
    response=EarningsOut,
    errors=(400, 403),
)
def earnings(principal: Principal, request: Request) -> EarningsOut:
    params = dict(request.event.get("queryStringParameters") or {})
    unknown = sorted(set(params) - {"from", "to", "instructor_id"})
    if unknown:
        raise BadRequest(f"Unsupported query parameter: {', '.join(unknown)}.")
    instructor_id = params.get("instructor_id") or principal.user_id
    if instructor_id != principal.user_id and not principal.is_admin:
        raise Forbidden("Instructors see their own earnings only.")
    moment = now()
    start = params.get("from") or iso(moment - timedelta(days=EARNINGS_DEFAULT_DAYS))
    end = params.get("to") or iso(moment + timedelta(seconds=1))
    return EarningsOut.model_validate(logic.earnings(instructor_id, start, end))
