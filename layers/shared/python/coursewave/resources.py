"""The platform's AWS resources, declared once.

The CDK app (``infra_cdk``) and the local runner (``local``) both build their resources from these
declarations: table and indexes, buckets, the event bus, the Cognito user pool. Functions, routes,
consumers and state machines are declared in ``functions/registry.py``, next to the code they run.
Each declaration names the environment variable through which functions learn the resource's
name, so ``coursewave.config`` and the infrastructure cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str
    range_key: str


@dataclass(frozen=True)
class TableDecl:
    logical_id: str
    env: str
    hash_key: str
    range_key: str
    indexes: tuple[Index, ...]
    ttl_attribute: str


@dataclass(frozen=True)
class BucketDecl:
    logical_id: str
    env: str
    purpose: str
    browser_upload: bool = False
    expire_after_days: int | None = None


@dataclass(frozen=True)
class BusDecl:
    logical_id: str
    env: str
    name: str


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 10
    require_lowercase: bool = False
    require_uppercase: bool = False
    require_digits: bool = False
    require_symbols: bool = False


@dataclass(frozen=True)
class UserPoolDecl:
    logical_id: str
    pool_env: str
    client_env: str
    groups: tuple[str, ...]
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    access_token_minutes: int = 60
    id_token_minutes: int = 60
    refresh_token_days: int = 30


TABLE = TableDecl(
    logical_id="Table",
    env="TABLE_NAME",
    hash_key="PK",
    range_key="SK",
    # Overloaded generic indexes: each entity documents what it stores in them
    # (docs/data-model.md lists every access pattern and the index that serves it).
    indexes=tuple(Index(f"GSI{n}", f"GSI{n}PK", f"GSI{n}SK") for n in (1, 2, 3, 4)),
    ttl_attribute="expires_at",
)

UPLOADS_BUCKET = BucketDecl(
    logical_id="UploadsBucket",
    env="UPLOADS_BUCKET",
    purpose="raw instructor uploads (presigned POST); transcoded then expired",
    browser_upload=True,
    expire_after_days=7,
)
MEDIA_BUCKET = BucketDecl(
    logical_id="MediaBucket",
    env="MEDIA_BUCKET",
    purpose="published HLS renditions and thumbnails, served through signed URLs",
)
CERTIFICATES_BUCKET = BucketDecl(
    logical_id="CertificatesBucket",
    env="CERTIFICATES_BUCKET",
    purpose="issued certificate PDFs",
)
BUCKETS = (UPLOADS_BUCKET, MEDIA_BUCKET, CERTIFICATES_BUCKET)

EVENT_BUS = BusDecl(logical_id="EventBus", env="EVENT_BUS_NAME", name="coursewave")

ROLE_GROUPS = {"student": "students", "instructor": "instructors", "admin": "admins"}

USER_POOL = UserPoolDecl(
    logical_id="UserPool",
    pool_env="USER_POOL_ID",
    client_env="USER_POOL_CLIENT_ID",
    groups=tuple(ROLE_GROUPS.values()),
)


@dataclass(frozen=True)
class CorsPolicy:
    allow_origins: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    allow_methods: tuple[str, ...]
    max_age_seconds: int


CORS = CorsPolicy(
    allow_origins=("*",),
    allow_headers=("authorization", "content-type", "idempotency-key", "x-correlation-id"),
    expose_headers=("retry-after", "x-correlation-id"),
    allow_methods=("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
    max_age_seconds=600,
)
