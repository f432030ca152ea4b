"""Every function, API route, event consumer and state machine of the platform, declared once.

The CDK app and the local runner both read this module: the same handler modules, the same
routes (collected from each domain's ``Api``), the same event rules, queues and workflows.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from coursewave import resources
from coursewave.api import Api, RouteSpec
from functions.notifications import rules as notification_rules

# What a function may touch; the CDK app grants exactly these and sets their environment.
TABLE = "table"
BUS = "bus"
USER_POOL = "user_pool"
UPLOADS = "uploads_bucket"
MEDIA = "media_bucket"
CERTIFICATES = "certificates_bucket"
EXPORTS = "exports_bucket"
MAIL = "mail"
PLAYBACK_SECRET = "playback_token_secret"  # noqa: S105 - a resource name: resources.PLAYBACK_TOKEN_SECRET
# The payments secret (resources.PAYMENTS_SECRET, read access) and resources.PAYMENTS_ENV.
PAYMENTS = "payments"
UNSUBSCRIBE_SECRET = "unsubscribe_token_secret"  # noqa: S105 - resources.UNSUBSCRIBE_TOKEN_SECRET
# The event lake's delivery stream (resources.EVENT_LAKE): its name and firehose:PutRecordBatch.
EVENT_LAKE = "event_lake"
# The LRS of xAPI statements: resources.XAPI_LRS_ENDPOINT and its secret (read access).
XAPI = "xapi"
# The certificates' KMS signing key (resources.CERTIFICATE_SIGNING_KEY): kms:Sign, GetPublicKey.
CERTIFICATE_SIGNING = "certificate_signing_key"


@dataclass(frozen=True)
class FunctionDecl:
    name: str
    module: str
    uses: frozenset[str]
    memory_mb: int = 512
    timeout_seconds: int = 15
    description: str = ""

    @property
    def handler(self) -> str:
        return f"{self.module}.lambda_handler"


@dataclass(frozen=True)
class ConsumerDecl:
    """An EventBridge rule on the bus → an SQS queue (+ DLQ) → a function, in batches."""

    name: str
    function: str | None  # None: the queue is drained by a container worker (CONTAINER_WORKERS)
    sources: tuple[str, ...] = ()  # empty: a work queue fed directly (e.g. by a state machine)
    detail_types: tuple[str, ...] = ()
    env: str | None = None  # set when other code needs the queue's URL
    # AWS services' own events (SES's bounces) arrive on the account's default bus, not ours.
    on_default_bus: bool = False
    batch_size: int = 10
    max_receive_count: int = 5
    visibility_timeout_seconds: int = 60

    @property
    def pattern(self) -> dict[str, Any]:
        """The rule's event pattern; without ``detail_types``, every event of the sources."""
        pattern: dict[str, Any] = {"source": list(self.sources)}
        if self.detail_types:
            pattern["detail-type"] = list(self.detail_types)
        return pattern


@dataclass(frozen=True)
class ContainerWorkerDecl:
    """Long work (FFmpeg) that runs as a container in AWS and as a queue poller locally.

    ``module`` exposes ``main()`` (the container's long-polling loop) and ``lambda_handler`` (an SQS
    batch handler, which the local runner feeds from the same queue).
    """

    name: str
    queue: str  # the ConsumerDecl name of its work queue
    module: str
    uses: frozenset[str]
    cpu: int = 2048
    memory_mb: int = 4096

    @property
    def command(self) -> list[str]:
        return ["python", "-m", self.module]


@dataclass(frozen=True)
class StreamConsumerDecl:
    """A function fed from the table's stream, filtered to one entity type."""

    name: str
    function: str
    entity: str
    batch_size: int = 25

    @property
    def filter_pattern(self) -> dict[str, Any]:
        """The event-source mapping's filter: new items whose ``entity`` is this one.

        The CDK app sets it on the mapping (``infra_cdk/messaging.py``); the local stream poller
        applies it to each record (``matches``).
        """
        return {
            "eventName": ["INSERT"],
            "dynamodb": {"NewImage": {"entity": {"S": [self.entity]}}},
        }

    def matches(self, record: dict[str, Any]) -> bool:
        """Whether a stream record passes ``filter_pattern`` (its equality rules, as Lambda
        evaluates them: every leaf list names the values the record's field may have)."""
        return _matches(self.filter_pattern, record)


def _matches(pattern: dict[str, Any], value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    for key, rule in pattern.items():
        if isinstance(rule, dict):
            if not _matches(rule, value.get(key)):
                return False
        elif key not in value or value[key] not in rule:
            return False
    return True


@dataclass(frozen=True)
class ScheduleDecl:
    """A function run on a fixed rate: an EventBridge Scheduler schedule in AWS, a timer in the
    local runner (``local_env`` overrides the local period, in seconds)."""

    name: str
    function: str
    rate_minutes: int
    local_seconds: int = 30
    local_env: str = ""


@dataclass(frozen=True)
class StateMachineDecl:
    name: str
    definition: str  # path of the ASL file, relative to the repository root
    # ``${Placeholder}`` in the ASL → the environment variable (resource) whose value replaces it
    substitutions: dict[str, str] = field(default_factory=dict)
    # An EventBridge pattern that starts an execution, and the bus it listens on. Its strings
    # may hold the same ``${Placeholder}``s (e.g. a bucket name that differs per deployment).
    trigger: dict[str, Any] | None = None
    trigger_bus: str = "default"

    def render(self, text: str, resolve: Callable[[str], str]) -> str:
        """``text`` with each ``${Placeholder}`` replaced by ``resolve(<its env name>)``."""
        for placeholder, env_name in self.substitutions.items():
            if "${" + placeholder + "}" in text:
                text = text.replace("${" + placeholder + "}", resolve(env_name))
        return text

    def trigger_pattern(self, resolve: Callable[[str], str]) -> dict[str, Any] | None:
        """The trigger with its placeholders resolved (values are JSON-escaped)."""
        if self.trigger is None:
            return None
        rendered = self.render(json.dumps(self.trigger), lambda env: json.dumps(resolve(env))[1:-1])
        return json.loads(rendered)


FUNCTIONS: tuple[FunctionDecl, ...] = (
    FunctionDecl(
        name="health",
        module="functions.health.handler",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=10,
        description="Health check and the fallback for unknown routes",
    ),
    FunctionDecl(
        name="outbox",
        module="functions.outbox.handler",
        uses=frozenset({TABLE, BUS}),
        memory_mb=256,
        timeout_seconds=30,
        description="Relays outbox events from the table stream to the event bus",
    ),
    # Identity (docs/identity.md). USER_POOL also means the identity secret (resources.USER_POOL
    # .secret_env): read access and its environment variable.
    FunctionDecl(
        name="auth",
        module="functions.auth.handler",
        uses=frozenset({TABLE, USER_POOL}),
        description="Registration, codes, sign-in, sessions, password reset, OAuth, GitHub OIDC",
    ),
    FunctionDecl(
        name="auth-mailer",
        module="functions.auth.mailer",
        uses=frozenset({TABLE, USER_POOL}),
        memory_mb=256,
        timeout_seconds=30,
        description="Decides who gets a code (CodeRequest stream records): CodeRequested",
    ),
    FunctionDecl(
        name="users",
        module="functions.users.handler",
        uses=frozenset({TABLE, USER_POOL}),
        description="The caller's profile, data export and account deletion (/v1/me)",
    ),
    FunctionDecl(
        name="admin",
        module="functions.admin.handler",
        uses=frozenset({TABLE, USER_POOL}),
        description="Admin: accounts (list, ban, roles) and the audit log",
    ),
    FunctionDecl(
        name="media",
        module="functions.media.handler",
        uses=frozenset({TABLE, UPLOADS, MEDIA, PLAYBACK_SECRET}),
        description="Media uploads (presigned POST), media status, signed HLS playback",
    ),
    # Courses and enrollment (docs/courses.md). USER_POOL: the course page (served by
    # enrollment) verifies an optional bearer token itself (a public route has no authorizer).
    FunctionDecl(
        name="courses",
        module="functions.courses.handler",
        uses=frozenset({TABLE}),
        description="Catalog, categories, course authoring (sections, lessons)",
    ),
    FunctionDecl(
        name="courses-media",
        module="functions.courses.consumer",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=30,
        description="Courses' record of their media (MediaReady, MediaFailed); erasure of a "
        "deleted instructor's name (UserDeleted)",
    ),
    FunctionDecl(
        name="enrollment",
        module="functions.enrollment.handler",
        uses=frozenset({TABLE, USER_POOL}),
        description="Course page, lesson access, enrollment, progress, roster, dashboard",
    ),
    FunctionDecl(
        name="enrollment-erasure",
        module="functions.enrollment.consumer",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=60,
        description="Anonymises a deleted learner's name and email on their enrollments",
    ),
    FunctionDecl(
        name="catalog-projector",
        module="functions.courses.projector",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=60,
        description="Keeps the catalog projection in step with courses (CatalogRefresh inserts)",
    ),
    # Payments (docs/payments.md).
    FunctionDecl(
        name="payments",
        module="functions.payments.handler",
        uses=frozenset({TABLE, PAYMENTS}),
        timeout_seconds=20,
        description="Checkout, webhooks/callbacks, payments, refunds, coupons, earnings",
    ),
    FunctionDecl(
        name="payments-events",
        module="functions.payments.consumer",
        uses=frozenset({TABLE, PAYMENTS}),
        timeout_seconds=60,
        description="Settles notified payments (re-reading the provider), UserDeleted",
    ),
    FunctionDecl(
        name="payments-reconciler",
        module="functions.payments.reconciler",
        uses=frozenset({TABLE, PAYMENTS}),
        timeout_seconds=120,
        description="Polls pending payments' providers, settles and expires them (scheduled)",
    ),
    # Community (docs/community.md).
    FunctionDecl(
        name="community",
        module="functions.community.handler",
        uses=frozenset({TABLE}),
        description="Course comments, reviews (and the course's rating), announcements",
    ),
    FunctionDecl(
        name="community-erasure",
        module="functions.community.consumer",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=60,
        description="Erases a deleted account's name from its comments and reviews",
    ),
    # Assessments (docs/assessments.md).
    FunctionDecl(
        name="assessments",
        module="functions.assessments.handler",
        uses=frozenset({TABLE, EXPORTS}),
        description="Exams, attempts, extensions, regrades, the gradebook and its exports",
    ),
    FunctionDecl(
        name="assessments-timer",
        module="functions.assessments.timer",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=30,
        description="Grades an attempt nobody submitted at its deadline (the exam timer's end)",
    ),
    FunctionDecl(
        name="assessments-events",
        module="functions.assessments.consumer",
        uses=frozenset({TABLE, EXPORTS}),
        timeout_seconds=300,
        description="Regrades, gradebook CSV exports, erasure of a deleted learner's answers",
    ),
    # Notifications (docs/notifications.md): every email the platform sends goes out here.
    # USER_POOL: the identity secret's code pepper (codes are issued when their email is sent).
    FunctionDecl(
        name="notifications",
        module="functions.notifications.handler",
        uses=frozenset({TABLE, UNSUBSCRIBE_SECRET}),
        description="The caller's notifications (list, read, read-all) and unsubscribe links",
    ),
    FunctionDecl(
        name="notifications-events",
        module="functions.notifications.consumer",
        uses=frozenset(
            {TABLE, MAIL, USER_POOL, UNSUBSCRIBE_SECRET, resources.NOTIFICATIONS_QUEUE.env}
        ),
        timeout_seconds=60,
        description="Events → in-app notifications and email (codes, receipts included); SES "
        "bounces and complaints; UserDeleted",
    ),
)

FUNCTIONS += (
    # Analytics (docs/analytics.md): statistics routes, the counters, the event lake, xAPI.
    FunctionDecl(
        name="analytics",
        module="functions.analytics.handler",
        uses=frozenset({TABLE}),
        description="Admin statistics (overview, courses, payments) and a course's statistics",
    ),
    FunctionDecl(
        name="analytics-counters",
        module="functions.analytics.consumer",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=30,
        description="Counters per day and course from sign-up and learning events, once each",
    ),
    FunctionDecl(
        name="analytics-lake",
        module="functions.analytics.lake",
        uses=frozenset({EVENT_LAKE}),
        memory_mb=256,
        timeout_seconds=30,
        description="Streams every domain event to the S3 event lake through Firehose",
    ),
    FunctionDecl(
        name="analytics-xapi",
        module="functions.analytics.xapi",
        uses=frozenset({XAPI}),
        memory_mb=256,
        timeout_seconds=60,
        description="Sends xAPI 1.0.3 statements of learning events to the configured LRS",
    ),
    # Certificates (docs/certificates.md). The API function signs nothing and renders nothing:
    # it reads the public key (JWKS) and presigns PDF downloads. The worker imports the PDF
    # library (fpdf2, ~375 ms of cold import) and signs with the KMS key.
    FunctionDecl(
        name="certificates",
        module="functions.certificates.handler",
        uses=frozenset({TABLE, CERTIFICATES, CERTIFICATE_SIGNING}),
        description="Certificates, public verification, the issuer Profile and its JWKS",
    ),
    FunctionDecl(
        name="certificates-worker",
        module="functions.certificates.consumer",
        uses=frozenset({TABLE, CERTIFICATES, CERTIFICATE_SIGNING}),
        memory_mb=1024,
        timeout_seconds=60,
        description="Earns, renders (PDF), signs (Open Badges VC-JWT) and revokes "
        "certificates; erases a deleted holder's PDFs",
    ),
)

# Unknown routes reach this function, so their 404 carries the error envelope in AWS too.
DEFAULT_ROUTE_FUNCTION = "health"

CONSUMERS: tuple[ConsumerDecl, ...] = (
    # What the courses know of their uploads: lesson edits check it (functions/courses/consumer).
    ConsumerDecl(
        name="courses-media",
        function="courses-media",
        sources=("coursewave.media",),
        detail_types=("MediaReady", "MediaFailed"),
    ),
    # Account deletion (docs/privacy.md): every domain that copies a person's name or email
    # erases its copies on UserDeleted, from a queue of its own (docs/architecture.md).
    ConsumerDecl(
        name="courses-erasure",
        function="courses-media",
        sources=("coursewave.users",),
        detail_types=("UserDeleted",),
    ),
    ConsumerDecl(
        name="enrollment-erasure",
        function="enrollment-erasure",
        sources=("coursewave.users",),
        detail_types=("UserDeleted",),
    ),
    ConsumerDecl(
        name="community-erasure",
        function="community-erasure",
        sources=("coursewave.users",),
        detail_types=("UserDeleted",),
    ),
    # Payments: our own notifications (settled after re-reading the provider), receipts for
    # successes and refunds, and the payer's erasure.
    ConsumerDecl(
        name="payments-events",
        function="payments-events",
        sources=("coursewave.payments", "coursewave.users"),
        detail_types=("PaymentNotified", "UserDeleted"),
        visibility_timeout_seconds=120,
    ),
    # Assessments: the exam timer's hand-off (fed by the exam-timer state machine), and the
    # domain's own asynchronous work (regrades, exports) with the learner's erasure.
    ConsumerDecl(
        name="exam-deadlines",
        function="assessments-timer",
        visibility_timeout_seconds=60,
    ),
    ConsumerDecl(
        name="assessments-events",
        function="assessments-events",
        sources=("coursewave.assessments", "coursewave.users"),
        detail_types=("ExamRegradeRequested", "GradebookExportRequested", "UserDeleted"),
        batch_size=1,
        visibility_timeout_seconds=600,
    ),
    # Notifications: the rows of its table (functions/notifications/rules.py) and the erasure;
    # a fan-out to a course's learners continues on the same queue (env), page by page.
    ConsumerDecl(
        name="notifications-events",
        function="notifications-events",
        sources=tuple(sorted({*notification_rules.sources(), "coursewave.users"})),
        detail_types=tuple(sorted({*notification_rules.detail_types(), "UserDeleted"})),
        env=resources.NOTIFICATIONS_QUEUE.env,
        visibility_timeout_seconds=360,  # 6 times the function's timeout
    ),
    # SES's events of the mail we send (its configuration set → the default bus): a permanent
    # bounce or a complaint stops email to that address.
    ConsumerDecl(
        name="notifications-mail-feedback",
        function="notifications-events",
        sources=("aws.ses",),
        detail_types=("Email Bounced", "Email Complaint Received"),
        on_default_bus=True,
        visibility_timeout_seconds=360,
    ),
    # Certificates: earned on CourseCompleted / ExamPassed (whichever comes last), made from our
    # own CertificateRequested, revoked on a refund (the notifications domain emails the holder).
    ConsumerDecl(
        name="certificates-events",
        function="certificates-worker",
        sources=(
            "coursewave.enrollment",
            "coursewave.assessments",
            "coursewave.certificates",
            "coursewave.payments",
        ),
        detail_types=(
            "CourseCompleted",
            "ExamPassed",
            "CertificateRequested",
            "PaymentRefunded",
        ),
        batch_size=5,
        visibility_timeout_seconds=120,
    ),
    ConsumerDecl(
        name="certificates-erasure",
        function="certificates-worker",
        sources=("coursewave.users",),
        detail_types=("UserDeleted",),
    ),
    # The transcode workflow's work queue (sqs:sendMessage.waitForTaskToken). The worker keeps a
    # message hidden while it works (workers/transcode/keepalive.py), so the timeout only bounds
    # how soon a crashed worker's task is delivered again.
    ConsumerDecl(
        name="transcode",
        function=None,
        env=resources.TRANSCODE_QUEUE.env,
        batch_size=1,
        max_receive_count=3,
        visibility_timeout_seconds=900,
    ),
)

# The event types each analytics consumer receives (the counters' rules and the xAPI rows name
# the same: tests/unit/analytics/test_registry.py); the lake takes every event of the platform.
ANALYTICS_COUNTED = (
    "UserRegistered",
    "EnrollmentCreated",
    "EnrollmentRevoked",
    "LessonCompleted",
    "CourseCompleted",
    "WatchTimeRecorded",
)
XAPI_EVENTS = (
    "EnrollmentCreated",
    "WatchTimeRecorded",
    "LessonCompleted",
    "CourseCompleted",
    "ExamPassed",
    "ExamFailed",
)
LAKE_SOURCES = (
    "coursewave.auth",
    "coursewave.users",
    "coursewave.admin",
    "coursewave.courses",
    "coursewave.enrollment",
    "coursewave.media",
    "coursewave.payments",
    "coursewave.assessments",
    "coursewave.community",
)
CONSUMERS += (
    ConsumerDecl(
        name="analytics-counters",
        function="analytics-counters",
        sources=("coursewave.auth", "coursewave.enrollment"),
        detail_types=ANALYTICS_COUNTED,
    ),
    ConsumerDecl(
        name="analytics-lake",
        function="analytics-lake",
        sources=LAKE_SOURCES,
    ),
    ConsumerDecl(
        name="analytics-xapi",
        function="analytics-xapi",
        sources=("coursewave.enrollment", "coursewave.assessments"),
        detail_types=XAPI_EVENTS,
        visibility_timeout_seconds=120,
    ),
)

CONTAINER_WORKERS: tuple[ContainerWorkerDecl, ...] = (
    # Also answers the transcode state machine's task tokens (states:SendTask*).
    ContainerWorkerDecl(
        name="transcode-worker",
        queue="transcode",
        module="workers.transcode.entry",
        uses=frozenset({TABLE, UPLOADS, MEDIA}),
    ),
)

STREAM_CONSUMERS: tuple[StreamConsumerDecl, ...] = (
    StreamConsumerDecl(name="outbox-relay", function="outbox", entity="OutboxEvent"),
    StreamConsumerDecl(name="code-mailer", function="auth-mailer", entity="CodeRequest"),
    StreamConsumerDecl(
        name="catalog-projection", function="catalog-projector", entity="CatalogRefresh"
    ),
)

SCHEDULES: tuple[ScheduleDecl, ...] = (
    # A callback that never arrives is settled by polling; abandoned payments expire.
    ScheduleDecl(
        name="payments-reconcile",
        function="payments-reconciler",
        rate_minutes=5,
        local_seconds=30,
        local_env="PAYMENTS_RECONCILE_SECONDS",
    ),
)

STATE_MACHINES: tuple[StateMachineDecl, ...] = (
    # An upload's "Object Created" (S3 → the account's default bus) → probe, HLS ladder, publish,
    # record, MediaReady/MediaFailed. Needs dynamodb:UpdateItem on the table, sqs:SendMessage on
    # the work queue, events:PutEvents on the bus, s3:GetObject on uploads and s3:PutObject on
    # media (images and documents are copied as they are).
    StateMachineDecl(
        name="transcode",
        definition="statemachines/transcode.asl.json",
        substitutions={
            "TableName": resources.TABLE.env,
            "EventBusName": resources.EVENT_BUS.env,
            "TranscodeQueueUrl": resources.TRANSCODE_QUEUE.env,
            "MediaBucket": resources.MEDIA_BUCKET.env,
            "UploadsBucket": resources.UPLOADS_BUCKET.env,
        },
        trigger={
            "source": ["aws.s3"],
            "detail-type": ["Object Created"],
            "detail": {
                "bucket": {"name": ["${UploadsBucket}"]},
                "object": {"key": [{"prefix": "uploads/"}]},
            },
        },
        trigger_bus="default",
    ),
    # One per timed exam attempt, started by ExamDeadlineSet on our bus: Wait until fires_at,
    # then sqs:SendMessage to the exam-deadlines queue (EventBridge Scheduler would do too, but
    # moto never fires its schedules, while a Wait runs the same on moto and in AWS).
    StateMachineDecl(
        name="exam-timer",
        definition="statemachines/exam_timer.asl.json",
        substitutions={"ExamDeadlinesQueueUrl": "exam-deadlines"},
        trigger={"source": ["coursewave.assessments"], "detail-type": ["ExamDeadlineSet"]},
        trigger_bus=resources.EVENT_BUS.name,
    ),
)


def function(name: str) -> FunctionDecl:
    for decl in FUNCTIONS:
        if decl.name == name:
            return decl
    raise KeyError(name)


def handler_module(name: str) -> Any:
    return importlib.import_module(function(name).module)


@cache
def apis() -> dict[str, Api]:
    """The ``Api`` of every function that serves HTTP routes, by function name."""
    found = {}
    for decl in FUNCTIONS:
        app = getattr(importlib.import_module(decl.module), "app", None)
        if isinstance(app, Api):
            found[decl.name] = app
    return found


def routes() -> list[RouteSpec]:
    """Every declared route, in declaration order."""
    return [spec for app in apis().values() for spec in app.routes]
