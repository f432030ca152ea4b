"""Request and response models of the notification routes (API.md "Notifications")."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from coursewave.models import Out, Strict
from coursewave.pagination import PageQuery
from functions.notifications.domain import Notification


class NotificationsQuery(PageQuery):
    unread: bool | None = Field(default=None, description="true: only unread notifications")


class NotificationOut(Out):
    id: str
    type: str
    title: str
    body: str
    link: str | None = Field(description="where it leads in the web app (a path)")
    read_at: str | None
    created_at: str

    @classmethod
    def of(cls, notification: Notification) -> NotificationOut:
        return cls(
            id=notification.id,
            type=notification.type,
            title=notification.title,
            body=notification.body,
            link=notification.link,
            read_at=notification.read_at,
            created_at=notification.created_at,
        )


class NotificationPage(Out):
    items: list[NotificationOut]
    next_cursor: str | None


class UnsubscribeQuery(Strict):
    token: str = Field(min_length=16, max_length=1024, pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class OneClickForm(Strict):
    """RFC 8058's one-click body, as mail clients send it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    list_unsubscribe: Literal["One-Click"] = Field(alias="List-Unsubscribe")


class SubscriptionOut(Out):
    notification_type: str
    email: str = Field(description="the address, masked")
    email_enabled: bool = Field(description="whether this type's email is still sent")
    confirm: str | None = Field(
        default=None,
        description="how to turn it off (GET only): POST the same URL with the form body "
        "List-Unsubscribe=One-Click",
    )
