"""The caller's notifications (``/v1/me/notifications``) and unsubscribe links (API.md
"Notifications"). Events become notifications in ``consumer.py``."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl, urlencode

from aws_lambda_powertools.event_handler import Response
from pydantic import ValidationError

from coursewave.api import PUBLIC, SIGNED_IN, Api, Request
from coursewave.errors import UnsupportedMediaType, ValidationFailed
from coursewave.users import Principal
from functions.notifications import domain, logic
from functions.notifications.models import (
    NotificationOut,
    NotificationPage,
    NotificationsQuery,
    OneClickForm,
    SubscriptionOut,
    UnsubscribeQuery,
)

app = Api("notifications")
lambda_handler = app.lambda_handler

ONE_CLICK = "List-Unsubscribe=One-Click"


@app.route(
    "GET",
    "/v1/me/notifications",
    access=SIGNED_IN,
    summary="The caller's notifications, newest first (unread=true: only unread ones)",
    query=NotificationsQuery,
    response=NotificationPage,
)
def list_notifications(principal: Principal, query: NotificationsQuery) -> NotificationPage:
    found, cursor = logic.my_notifications(principal, bool(query.unread), query.limit, query.cursor)
    return NotificationPage(items=[NotificationOut.of(n) for n in found], next_cursor=cursor)


@app.route(
    "POST",
    "/v1/me/notifications/{id}/read",
    access=SIGNED_IN,
    summary="Mark one of the caller's notifications read (again: no change)",
    status=204,
)
def read_notification(principal: Principal, id: str) -> None:
    logic.read(principal, id)


@app.route(
    "POST",
    "/v1/me/notifications/read-all",
    access=SIGNED_IN,
    summary="Mark every notification of the caller read",
    status=204,
    errors=(409,),
)
def read_all_notifications(principal: Principal) -> None:
    logic.read_all(principal)


def _subscription(found: logic.Subscription, confirm: str | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        notification_type=found.type,
        email=found.email,
        email_enabled=found.email_enabled,
        confirm=confirm,
    )


def _page(found: logic.Subscription, action: str | None) -> Response:
    """The same answer as a page, for a person who opened the link in a browser."""
    label = domain.TYPE_LABELS.get(found.type, found.type)
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        body=domain.unsubscribe_page(label, found.email, found.email_enabled, action),
        headers=domain.PAGE_HEADERS,
    )


@app.route(
    "GET",
    "/v1/unsubscribe",
    access=PUBLIC,
    summary="What a signed unsubscribe link would turn off; changes nothing (link scanners). "
    "A browser (Accept: text/html) gets a page whose button posts the one-click form",
    query=UnsubscribeQuery,
    response=SubscriptionOut,
    errors=(404,),  # the account is gone
)
def unsubscribe_page(query: UnsubscribeQuery, request: Request) -> SubscriptionOut | Response:
    found = logic.subscription(query.token)
    if domain.prefers_html(request.header("accept")):
        return _page(found, action=f"?{urlencode({'token': query.token})}")
    return _subscription(
        found, confirm=f"POST this URL with the form body {ONE_CLICK} to stop this email"
    )


def _one_click(request: Request) -> None:
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("Send application/x-www-form-urlencoded (RFC 8058).")
    raw = request.event.get("body") or ""
    if request.event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8", errors="replace")
    try:
        OneClickForm.model_validate(dict(parse_qsl(raw, keep_blank_values=True)))
    except ValidationError as exc:
        raise ValidationFailed.for_field("List-Unsubscribe", f"must be {ONE_CLICK}") from exc


@app.route(
    "POST",
    "/v1/unsubscribe",
    access=PUBLIC,
    summary="One-click unsubscribe (RFC 8058): that notification type's email is turned off",
    query=UnsubscribeQuery,
    response=SubscriptionOut,
    errors=(404, 409, 415, 422),
    form=OneClickForm,
)
def unsubscribe(query: UnsubscribeQuery, request: Request) -> SubscriptionOut | Response:
    _one_click(request)
    done = logic.unsubscribe(query.token)
    if domain.prefers_html(request.header("accept")):
        return _page(done, action=None)
    return _subscription(done)
