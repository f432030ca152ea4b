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
    coursewave.enrollment; `source` says how: free, or paid (then `payment_id` names the
    succeeded payment, and the enrollment was written in the same transaction as the payment's
    success; a learner whose paid enrollment was revoked by a refund may buy again)."""

    publisher = "enrollment"

    enrollment_id: Id
    course_id: Id
    user_id: Id
    source: Literal["free", "paid"]
    enrolled_at: Timestamp
    price: Price
    payment_id: Id | None = None


class EnrollmentRevoked(EventData):
    """A paid enrollment was revoked because its payment was refunded: from the same transaction
    on the learner gets no content and no playback (source coursewave.enrollment). Certificates
    for the course are revoked with reason `refunded` (`reason`)."""

    publisher = "enrollment"

    enrollment_id: Id
    course_id: Id
    user_id: Id
    reason: Literal["refunded"]
    payment_id: Id
    revoked_at: Timestamp


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


class WatchTimeRecorded(EventData):
    """A learner's position save on a lesson added watch time (source coursewave.enrollment),
    written in the same transaction as the resume point. `seconds` is how far the position
    moved forward since the previous save (from 0 on another lesson), bounded by the wall-clock
    time since the learner's previous activity: seeking ahead adds nothing it could not have
    taken. Saves that add nothing emit nothing."""

    publisher = "enrollment"

    enrollment_id: Id
    course_id: Id
    user_id: Id
    lesson_id: Id
    seconds: int = Field(ge=1)
    position_seconds: int = Field(ge=0)
    recorded_at: Timestamp


PaymentProvider = Literal["stripe", "mtn_momo", "airtel_money"]


class PaymentNotified(EventData):
    """Internal to payments (source coursewave.payments): a provider's webhook or callback
    verified and seen for the first time (deduplicated on `provider_event_id`). The payments
    consumer re-reads the provider's status before acting on it: the notification itself is
    never trusted for the outcome."""

    publisher = "payments"

    provider: PaymentProvider
    provider_event_id: Id
    provider_ref: Id
    payment_id: Id | None
    received_at: Timestamp


class _PaymentData(EventData):
    payment_id: Id
    user_id: Id
    course_id: Id
    instructor_id: Id
    provider: PaymentProvider
    amount: Price
    coupon_code: Id | None


class PaymentSucceeded(_PaymentData):
    """A payment succeeded, exactly once per payment (source coursewave.payments), written in
    the same transaction as the payment's status, its ledger entry and the learner's paid
    enrollment. `provider_ref` is the provider's id of the payment (null for a payment a coupon
    made free, which no provider saw)."""

    publisher = "payments"

    provider_ref: Id | None
    succeeded_at: Timestamp
    gross: Price
    provider_fee: Price
    commission: Price
    instructor_net: Price


class PaymentFailed(_PaymentData):
    """A pending payment ended without money moving (source coursewave.payments): the provider
    declined it (`failed`), the payer cancelled (`cancelled`) or nobody completed it in time
    (`expired`). Its coupon reservation is released in the same transaction."""

    publisher = "payments"

    status: Literal["failed", "cancelled", "expired"]
    ended_at: Timestamp


class PaymentRefunded(_PaymentData):
    """An admin refunded a succeeded payment in full (source coursewave.payments): through the
    provider's refund API (Stripe) or recorded as a manual mobile-money refund with the
    provider's reference. The paid enrollment is revoked in the same transaction."""

    publisher = "payments"

    refund_ref: Id
    manual: bool
    refunded_by: Id
    refunded_at: Timestamp


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


class CodeRequested(EventData):
    """A one-time code is due (source coursewave.auth): an unconfirmed account asked for its
    verification code, or an account asked to reset its password. Carries no code: the
    notifications domain issues it when it writes the email (functions.auth.public.issue_code).
    A reset for a federated account (`provider` google or github) is answered with how the
    account signs in instead."""

    publisher = "auth"

    user_id: Id
    purpose: Literal["verify", "reset"]
    provider: Literal["password", "google", "github"]
    requested_at: Timestamp


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


class CommentPosted(EventData):
    """A comment or a reply was posted on a course's discussion (source coursewave.community).
    ``parent_id`` / ``parent_author_id``: the comment a reply answers (null for a new thread)."""

    publisher = "community"

    comment_id: Id
    course_id: Id
    author_id: Id
    parent_id: Id | None
    parent_author_id: Id | None


class ReviewPosted(EventData):
    """A learner reviewed a course (source coursewave.community); the course's rating already
    counts it. Sent once per review (edits are not new reviews)."""

    publisher = "community"

    review_id: Id
    course_id: Id
    author_id: Id
    rating: int = Field(ge=1, le=5)


class AnnouncementPosted(EventData):
    """The course's owner (or an admin) announced something to the course's learners (source
    coursewave.community); the notifications domain delivers it to each enrolled learner."""

    publisher = "community"

    announcement_id: Id
    course_id: Id
    author_id: Id
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)


class _ExamResult(EventData):
    publisher = "assessments"

    exam_id: Id
    exam_version: int = Field(ge=1)
    attempt_id: Id
    course_id: Id
    user_id: Id
    score_percent: float = Field(ge=0, le=100)
    passed: bool
    required: bool = Field(
        description="whether passing the exam is required to complete the course"
    )
    pass_percent: float = Field(ge=0, le=100)
    graded_at: Timestamp
    regraded: bool = Field(description="true when a regrade (not a submit) changed the result")


class ExamSubmitted(EventData):
    """An attempt was graded (source coursewave.assessments): submitted by the learner, or by the
    server at its deadline (auto_graded). Written with the graded attempt."""

    publisher = "assessments"

    exam_id: Id
    exam_version: int = Field(ge=1)
    attempt_id: Id
    course_id: Id
    user_id: Id
    score_percent: float = Field(ge=0, le=100)
    passed: bool
    submitted_at: Timestamp
    graded_at: Timestamp
    auto_graded: bool
    late: bool = Field(description="submitted after the deadline and its grace period")


class ExamPassed(_ExamResult):
    """An attempt passed (source coursewave.assessments): at grading, or when a regrade turned it
    from failed to passed. Certificates listen to it (with required_exams_outstanding)."""

    passed: Literal[True]


class ExamFailed(_ExamResult):
    """An attempt failed (source coursewave.assessments): at grading, or when a regrade turned
    it from passed to failed."""

    passed: Literal[False]


class ExamDeadlineSet(EventData):
    """An attempt has a deadline (source coursewave.assessments): at its start, or moved by an
    extension. Starts the exam-timer state machine, which waits until fires_at (the deadline
    plus grace) and hands the attempt to the grader; a superseded timer finds fires_at changed
    and does nothing."""

    publisher = "assessments"

    exam_id: Id
    attempt_id: Id
    user_id: Id
    deadline: Timestamp
    fires_at: Timestamp


class ExamRegradeRequested(EventData):
    """The exam's owner or an admin asked for every attempt of a version to be regraded
    (source coursewave.assessments); the assessments worker does it."""

    publisher = "assessments"

    exam_id: Id
    exam_version: int = Field(ge=1)
    course_id: Id
    requested_by: Id
    requested_at: Timestamp


class GradebookExportRequested(EventData):
    """A course's gradebook was asked for as CSV (source coursewave.assessments); the assessments
    worker writes it to S3 and marks the export ready."""

    publisher = "assessments"

    export_id: Id
    course_id: Id
    requested_by: Id
    requested_at: Timestamp


class CertificateRequested(EventData):
    """Internal to certificates (source coursewave.certificates): a certificate was claimed for
    a (learner, course), automatically (`source` automatic: every lesson completed and every
    required exam passed) or by an admin (`manual`, `requested_by` the admin). The certificates
    worker renders its PDF, signs its credential and issues it."""

    publisher = "certificates"

    certificate_id: Id
    user_id: Id
    course_id: Id
    source: Literal["automatic", "manual"]
    requested_by: Id | None
    requested_at: Timestamp


class CertificateIssued(EventData):
    """A certificate was issued, exactly once per (learner, course) (source
    coursewave.certificates): its PDF is stored, its Open Badges 3.0 credential signed, and it
    verifies at `verification_url` from this moment. Carries no name: consumers that show one
    read the certificate."""

    publisher = "certificates"

    certificate_id: Id
    user_id: Id
    course_id: Id
    source: Literal["automatic", "manual"]
    issued_at: Timestamp
    verification_url: Id


class CertificateRevoked(EventData):
    """A certificate was revoked (source coursewave.certificates): by an admin (`reason` their
    text) or because the course's payment was refunded (`reason` "refunded"). Verification
    answers valid false with the reason from the same transaction on."""

    publisher = "certificates"

    certificate_id: Id
    user_id: Id
    course_id: Id
    reason: str = Field(min_length=1, max_length=500)
    revoked_by: Id
    revoked_at: Timestamp


EVENTS: dict[str, type[EventData]] = {
    model.detail_type(): model
    for model in (
        CourseCreated,
        CoursePublished,
        EnrollmentCreated,
        EnrollmentRevoked,
        LessonCompleted,
        CourseCompleted,
        WatchTimeRecorded,
        MediaReady,
        MediaFailed,
        UserRegistered,
        CodeRequested,
        UserBanned,
        UserDeleted,
        PaymentNotified,
        PaymentSucceeded,
        PaymentFailed,
        PaymentRefunded,
        CommentPosted,
        ReviewPosted,
        AnnouncementPosted,
        ExamSubmitted,
        ExamPassed,
        ExamFailed,
        ExamDeadlineSet,
        ExamRegradeRequested,
        GradebookExportRequested,
        CertificateRequested,
        CertificateIssued,
        CertificateRevoked,
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
