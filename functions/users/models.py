"""Request and response bodies of /v1/me."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StrictBool, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from coursewave.models import Name, Out, Strict
from functions.users.domain import NOTIFICATION_TYPES


def _https_url(value: str) -> str:
    if not value.startswith("https://") or any(char.isspace() for char in value):
        raise ValueError("must be an https:// URL")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("must be an IANA time zone such as Africa/Kigali") from exc
    return value


AvatarUrl = Annotated[str, Field(max_length=2048), AfterValidator(_https_url)]
NotificationType = Literal[NOTIFICATION_TYPES]  # type: ignore[valid-type]


class NotificationChannels(Strict):
    # JSON booleans only, as documented (lax mode would take 0 or "true").
    email: StrictBool | None = None
    in_app: StrictBool | None = None


class PreferencesPatch(Strict):
    """A JSON merge patch (RFC 7396) of the stored preferences: ``null`` removes a key."""

    notifications: dict[NotificationType, NotificationChannels | None] | None = Field(
        default=None, description="per notification type: {email, in_app}; unknown types: 422"
    )
    locale: str | None = Field(
        default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35
    )
    timezone: Annotated[str, Field(max_length=64), AfterValidator(_timezone)] | None = None


class MePatch(Strict):
    name: Name | None = None
    avatar_url: AvatarUrl | None = None
    preferences: PreferencesPatch | None = None
    # Shown in GET /v1/me but not writable here: a 422 names them.
    roles: SkipJsonSchema[Any] = None
    status: SkipJsonSchema[Any] = None
    email: SkipJsonSchema[Any] = None

    @field_validator("roles", "status", "email", mode="before")
    @classmethod
    def _read_only(cls, value: Any) -> Any:
        raise PydanticCustomError("read_only", "cannot be changed here")


class Me(Out):
    id: str
    email: str
    name: str
    avatar_url: str | None
    roles: list[str]
    status: str
    preferences: dict[str, Any]
    provider: str = Field(description="password, google or github")
    email_verified: bool
    created_at: str
    updated_at: str | None


class DeletionAccepted(Out):
    id: str
    status: str
    detail: str


class Export(Out):
    exported_at: str
    account: dict[str, Any] = Field(description="the account record")
    data: dict[str, list[dict[str, Any]]] = Field(
        description="every other item held under the account, grouped by entity"
    )
    audit_log: list[dict[str, Any]] = Field(description="admin actions about the account")
