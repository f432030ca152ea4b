"""The ``data`` of every domain event, one pydantic model per event (DESIGN.md §2.5).

These models are the contract: ``coursewave.events.domain_event`` validates what a publisher
hands it against its event's model, consumers parse what they receive with the same model (they
live in the shared layer so a consumer never imports the publisher's domain), and
``events/schemas/<event>.json`` is generated from them (``make events``). Each model is named after
its event (the EventBridge detail-type) and carries its ``publisher`` (the domain of its
``source``) and its ``version`` (``metadata.version``): a change consumers could not read is a
new version.

Validation is strict and runs on the JSON form of the data, the way a consumer receives it.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"

Id = Annotated[str, Field(min_length=1)]
Timestamp = Annotated[str, Field(pattern=TIMESTAMP_PATTERN)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Level = Literal["beginner", "intermediate", "advanced"]
CourseStatus = Literal["draft", "published"]
MediaKind = Literal["video", "image", "document"]
Role = Literal["student", "instructor", "admin"]


class EventData(BaseModel):
    """The ``data`` of one event: unknown fields are refused, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    publisher: ClassVar[str]  # the domain whose events carry source coursewave.<publisher>
    version: ClassVar[int] = 1

    @classmethod
    def detail_type(cls) -> str:
        """The event's name: its EventBridge detail-type (the class name)."""
        return cls.__name__


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    amount: int = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class _CourseData(EventData):
    course_id: Id
    slug: Slug
    title: Id
    instructor_id: Id
    category: Id
    level: Level
    price: Price
    status: CourseStatus
    lesson_count: int = Field(ge=0)
    published_at: Timestamp | None


class CourseCreated(_CourseData):
    """A course was created, as a draft owned by its instructor. Emitted by the courses function
    with source coursewave.courses; `published_at` is null and `status` is draft."""

    publisher = "courses"


class CoursePublished(_CourseData):
    """A course went from draft to published (each time it does; re-publishing after an
    unpublish emits it again with the original `published_at`). Emitted with source
    coursewave.courses; `lesson_count` is at least 1."""

    publisher = "courses"


class EnrollmentCreated(EventData):
    """A learner enrolled in a course, exactly once per (learner, course): written in the same
    transaction as the enrollment and the course's enrollment count. Emitted with source
    coursewave.enrollment; `source` says how (free; payments will add paid)."""

    publisher = "enrollment"

    enrollment_id: Id
    course_id: Id
    user_id: Id
    source: Literal["free"]
    enrolled_at: Timestamp
    price: Price


class LessonCompleted(EventData):
    """A learner completed a lesson for the first time (completing it again emits nothing).
    Emitted with source coursewave.enrollment; `progress_percent` is measured over the lessons
    the course has now."""

    publisher = "enrollment"

    enrollment_id: Id
    course_id: Id
    user_id: Id
    lesson_id: Id
    completed_at: Timestamp
    progress_percent: int = Field(ge=0, le=100)


class CourseCompleted(EventData):
    """A learner completed every lesson of a course; emitted once per enrollment (with source
    coursewave.enrollment), in the same transaction that sets the enrollment's completed_at.
    Lessons added later do not emit it again."""

    publisher = "enrollment"

    enrollment_id: Id
    course_id: Id
    user_id: Id
    completed_at: Timestamp
    lesson_count: int = Field(ge=1)


class MediaReady(EventData):
    """An uploaded file is processed and published. Emitted by the transcode workflow
    (statemachines/transcode.asl.json) with source coursewave.media. Videos carry their duration
    and HLS rendition names; images and documents are published as uploaded (duration null, no
    renditions). metadata.event_id is '<execution name>-ready'; metadata.correlation_id is the
    upload request's."""

    publisher = "media"

    media_id: Id
    course_id: Id
    owner_id: Id = Field(description="The user who uploaded it.")
    kind: MediaKind
    duration_seconds: Annotated[float, Field(ge=0)] | None
    renditions: list[Annotated[str, Field(pattern=r"^[0-9]+p$")]] = Field(
        description="HLS rendition names, highest first (e.g. 720p, 480p, 360p)."
    )


class MediaFailed(EventData):
    """An uploaded file could not be processed; nothing was published and the media item is
    failed. Emitted by the transcode workflow with source coursewave.media. `error` is written
    for the instructor; `error_code` is Transcode.<kind> (NotAVideo, TranscodeFailed,
    TranscodeTimeout, ProbeFailed, SourceMissing) for the worker's verdicts, or the Step
    Functions error (States.Timeout, States.HeartbeatTimeout, …). The instructor may upload
    again. metadata.event_id is '<execution name>-failed'."""

    publisher = "media"

    media_id: Id
    course_id: Id
    owner_id: Id
    kind: MediaKind
    error_code: Id
    error: Id


class UserRegistered(EventData):
    """An account was created (source coursewave.auth): by registration with a password
    (email_verified false until the code is confirmed) or by a first federated sign-in
    (email_verified true). Written in the same transaction as the account. Carries personal data
    (email, name): consumers that keep it must erase it on UserDeleted."""

    publisher = "auth"

    user_id: Id
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})
    name: str = Field(min_length=1, max_length=100)
    roles: list[Role] = Field(min_length=1, json_schema_extra={"uniqueItems": True})
    provider: Literal["password", "google", "github"]
    email_verified: bool
    registered_at: Timestamp

    @field_validator("roles")
    @classmethod
    def _unique(cls, roles: list[str]) -> list[str]:
        if len(set(roles)) != len(roles):
            raise ValueError("roles must be unique")
        return roles


class UserBanned(EventData):
    """An admin banned an account (source coursewave.admin): from the same transaction on, every
    request of the account answers 403 ACCOUNT_DISABLED and it cannot sign in. The audit log
    holds the same action."""

    publisher = "admin"

    user_id: Id
    banned_by: Id = Field(description="the admin's user id")
    banned_at: Timestamp
    reason: str = Field(default=None, max_length=500)  # type: ignore[assignment]  # absent, not null


class UserDeleted(EventData):
    """The owner deleted their account (source coursewave.users): it is disabled and its profile
    anonymised in the same transaction. Every domain that keeps personal data about user_id
    erases or anonymises it on this event (see docs/identity.md)."""

    publisher = "users"

    user_id: Id
    deleted_at: Timestamp


EVENTS: dict[str, type[EventData]] = {
    model.detail_type(): model
    for model in (
        CourseCreated,
        CoursePublished,
        EnrollmentCreated,
        LessonCompleted,
        CourseCompleted,
        MediaReady,
        MediaFailed,
        UserRegistered,
        UserBanned,
        UserDeleted,
    )
}


class EventContractError(ValueError):
    """Event data that does not match its event's model (a publisher's bug)."""


def model_for(name: str) -> type[EventData]:
    try:
        return EVENTS[name]
    except KeyError:
        raise EventContractError(
            f"no model for event {name!r}: declare it in coursewave/event_models.py"
        ) from None


def validate_data(name: str, data_json: str) -> EventData:
    """The event's model parsed from the JSON form of its data; raises ``EventContractError``."""
    try:
        return model_for(name).model_validate_json(data_json)
    except ValidationError as exc:
        raise EventContractError(f"{name} data does not match its model: {exc}") from exc
