"""The platform's AWS resources, declared once.

The CDK app (``infra_cdk``) and the local runner (``local``) both build their resources from these
declarations: table and indexes, buckets, the event bus, the Cognito user pool. Functions, routes,
consumers and state machines are declared in ``functions/registry.py``, next to the code they run.
Each declaration names the environment variable through which functions learn the resource's
name, so ``coursewave.config`` and the infrastructure cannot disagree: this module is the only
place an environment variable name of the platform is written (``coursewave.config`` takes its
aliases from here; ``infra_cdk`` and ``local`` set the variables through these declarations).
"""

from __future__ import annotations

from typing import NamedTuple

# Each declaration is a ``NamedTuple``: immutable like a frozen dataclass, but its class is built
# without generating and compiling methods (a frozen dataclass costs ~0.5 ms at import, and every
# function imports this module; docs/performance.md).


class Index(NamedTuple):
    name: str
    hash_key: str
    range_key: str


class TableDecl(NamedTuple):
    logical_id: str
    env: str
    hash_key: str
    range_key: str
    indexes: tuple[Index, ...]
    ttl_attribute: str


class BucketDecl(NamedTuple):
    logical_id: str
    env: str
    purpose: str
    browser_upload: bool = False
    expire_after_days: int | None = None


class SecretDecl(NamedTuple):
    """A random secret the stack generates in Secrets Manager (the local runner: in moto).

    Functions receive the secret's id in ``env`` and read the value when they first need it.
    """

    logical_id: str
    env: str
    purpose: str


class OperatorSecretDecl(NamedTuple):
    """A Secrets Manager secret the stack creates empty and the operator fills (JSON object).

    Used for third-party credentials we cannot generate (payment providers). Functions receive
    its id in ``env``; ``keys`` are the JSON keys it holds (docs/deploy.md says where each comes
    from). The local runner generates a value for every key at start (the fakes read the same
    secret), so locally nothing is filled by hand.
    """

    logical_id: str
    env: str
    purpose: str
    keys: tuple[str, ...]


class SigningKeyDecl(NamedTuple):
    """An asymmetric KMS key the stack owns (the local runner: in moto); functions receive its
    id in ``env`` and sign with ``signing_algorithm`` (the private key never leaves KMS)."""

    logical_id: str
    env: str
    purpose: str
    key_spec: str
    signing_algorithm: str


class BusDecl(NamedTuple):
    logical_id: str
    env: str
    name: str


class QueueDecl(NamedTuple):
    """A queue whose URL other code needs (its consumer is declared in ``functions/registry.py``,
    whose ``ConsumerDecl.env`` names this variable)."""

    name: str  # the ConsumerDecl name
    env: str


class MediaCdnDecl(NamedTuple):
    """The CloudFront distribution in front of the media bucket and the key pair signing its URLs.

    Without ``domain_env`` set (local mode), media URLs are S3 presigned GETs.
    """

    domain_env: str
    key_id_env: str
    key_secret_env: str


class ValueDecl(NamedTuple):
    """A value the deployment hands functions, not a resource it creates (a URL, a header name)."""

    env: str
    purpose: str


class PasswordPolicy(NamedTuple):
    min_length: int = 10
    require_lowercase: bool = False
    require_uppercase: bool = False
    require_digits: bool = False
    require_symbols: bool = False


class FederatedProviderDecl(NamedTuple):
    """A sign-in provider federated through the user pool (docs/identity.md).

    ``kind="google"`` is Cognito's native Google provider; ``kind="oidc"`` is an OpenID Connect
    provider whose issuer is ``<API base URL><issuer_path>`` (the GitHub adapter the auth
    function serves: discovery at ``<issuer>/.well-known/openid-configuration``). The client id
    comes from the environment variable ``client_id_env``, the client secret from the identity
    secret's JSON key ``secret_key``.
    """

    name: str  # the Cognito provider name, as in identity_provider=…
    api_name: str  # the {provider} path segment of /v1/auth/oauth/{provider}/…
    kind: str
    client_id_env: str
    secret_key: str
    scopes: tuple[str, ...]
    attribute_mapping: dict[str, str]  # user pool attribute → provider claim
    issuer_path: str | None = None


class UserPoolDecl(NamedTuple):
    logical_id: str
    pool_env: str
    client_env: str
    groups: tuple[str, ...]
    password_policy: PasswordPolicy = PasswordPolicy()
    access_token_minutes: int = 60
    id_token_minutes: int = 60
    refresh_token_days: int = 30
    # Sign-in is by email (case-insensitive); accounts are created only by the auth function
    # (admin API), which also owns verification codes: Cognito sends no email itself.
    username_attributes: tuple[str, ...] = ("email",)
    self_sign_up: bool = False
    auto_verified_attributes: tuple[str, ...] = ()
    # The app client's flows. The API signs in server-side (ADMIN_USER_PASSWORD_AUTH, with the
    # caller's IP as context data) and refreshes with GetTokensFromRefreshToken, which rotates
    # refresh tokens (REFRESH_TOKEN_AUTH would rule rotation out). Direct USER_PASSWORD_AUTH is
    # enabled only in the local pool, for the test harness (tests/support, tests/e2e).
    auth_flows: tuple[str, ...] = ("ADMIN_USER_PASSWORD_AUTH",)
    local_only_auth_flows: tuple[str, ...] = ("USER_PASSWORD_AUTH",)
    prevent_user_existence_errors: bool = True
    refresh_token_rotation: bool = True
    # Threat protection (Plus feature plan) where the region offers it.
    advanced_security_mode: str = "ENFORCED"
    # Hosted UI / OAuth (authorization code + PKCE only) for federated sign-in; the callback
    # URLs are the deployment's allow-list (env OAUTH_REDIRECT_URIS, infra setting).
    oauth_flows: tuple[str, ...] = ("code",)
    oauth_scopes: tuple[str, ...] = ("openid", "email", "profile", "aws.cognito.signin.user.admin")
    # The authorization scopes every protected route requires (one of them), checked by API
    # Gateway's JWT authorizer. Access tokens carry `aws.cognito.signin.user.admin` from password
    # sign-in and, since the app client allows and the API requests it, from the OAuth code flow;
    # ID tokens carry no scope at all, so they never pass (docs/decisions.md).
    api_scopes: tuple[str, ...] = ("aws.cognito.signin.user.admin",)
    domain_env: str = "COGNITO_DOMAIN_URL"
    redirect_uris_env: str = "OAUTH_REDIRECT_URIS"
    # Secrets Manager secret (JSON) the identity functions read: see coursewave.config.
    secret_env: str = "IDENTITY_SECRET_ID"  # noqa: S105 - an environment variable name
    secret_keys: tuple[str, ...] = (
        "code_pepper",
        "oidc_signing_key",
        "github_client_secret",
        "google_client_secret",
    )
    providers: tuple[FederatedProviderDecl, ...] = ()


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
EXPORTS_BUCKET = BucketDecl(
    logical_id="ExportsBucket",
    env="EXPORTS_BUCKET",
    purpose="gradebook CSV exports (personal data), downloaded through short-lived URLs",
    expire_after_days=1,
)
BUCKETS = (UPLOADS_BUCKET, MEDIA_BUCKET, CERTIFICATES_BUCKET, EXPORTS_BUCKET)


class DeliveryStreamDecl(NamedTuple):
    """A Firehose delivery stream into a bucket of its own, with the Glue table Athena reads it
    through. Functions know the stream (``env``), never the bucket: only Firehose writes there.

    Objects land under ``prefix`` followed by Firehose's default ``YYYY/MM/DD/HH/`` (moto writes
    the same layout), which the table's partition projection ``dt`` maps.
    """

    logical_id: str
    env: str
    bucket_logical_id: str
    purpose: str
    prefix: str
    error_prefix: str
    database: str
    table: str


EVENT_LAKE = DeliveryStreamDecl(
    logical_id="EventLakeStream",
    env="EVENT_LAKE_STREAM",
    bucket_logical_id="EventLakeBucket",
    purpose="the event lake: every domain event as JSON lines by hour, for Athena",
    prefix="events/",
    error_prefix="errors/",
    database="coursewave_events",
    table="events",
)

PLAYBACK_TOKEN_SECRET = SecretDecl(
    logical_id="PlaybackTokenSecret",
    env="PLAYBACK_TOKEN_SECRET",
    purpose="HMAC key of the short-lived HLS playback tokens (functions/media)",
)
UNSUBSCRIBE_TOKEN_SECRET = SecretDecl(
    logical_id="UnsubscribeTokenSecret",
    env="UNSUBSCRIBE_TOKEN_SECRET",
    purpose="HMAC key of the unsubscribe links in notification email (functions/notifications)",
)
SECRETS = (PLAYBACK_TOKEN_SECRET, UNSUBSCRIBE_TOKEN_SECRET)

# Payments (docs/payments.md). The secret is JSON with these keys; the adapters read it lazily.
PAYMENTS_SECRET = OperatorSecretDecl(
    logical_id="PaymentsSecret",
    env="PAYMENTS_SECRET_ID",
    purpose="payment provider credentials: Stripe, MTN MoMo Collections, Airtel Money",
    keys=(
        "stripe_secret_key",  # sk_live_… / sk_test_…
        "stripe_webhook_secret",  # whsec_… of the webhook endpoint
        "momo_api_user",  # the API user (a UUID) of the Collections product
        "momo_api_key",
        "momo_subscription_key",  # Ocp-Apim-Subscription-Key of the Collections product
        "momo_callback_token",  # a random value we append to the callback URL (?token=)
        "airtel_client_id",
        "airtel_client_secret",
        "airtel_callback_secret",  # HMAC key of Airtel's callback (when Airtel sends one)
    ),
)
# xAPI (docs/analytics.md): the LRS's basic-auth credentials, read by the statement sender.
XAPI_LRS_SECRET = OperatorSecretDecl(
    logical_id="XapiLrsSecret",
    env="XAPI_LRS_SECRET_ID",
    purpose="the Learning Record Store's basic-auth credentials (xAPI statements)",
    keys=("username", "password"),
)
OPERATOR_SECRETS = (PAYMENTS_SECRET, XAPI_LRS_SECRET)
XAPI_LRS_ENDPOINT = ValueDecl(
    env="XAPI_LRS_ENDPOINT",
    purpose="the LRS's xAPI endpoint (https://lrs.example/xapi); unset: no statements are sent",
)

STRIPE_API_BASE = ValueDecl(
    env="STRIPE_API_BASE", purpose="Stripe's API base URL (https://api.stripe.com; local: fake)"
)
MOMO_BASE_URL = ValueDecl(
    env="MOMO_BASE_URL",
    purpose="MTN MoMo API base URL (https://sandbox.momodeveloper.mtn.com or the live host)",
)
MOMO_TARGET_ENVIRONMENT = ValueDecl(
    env="MOMO_TARGET_ENVIRONMENT", purpose="MTN MoMo X-Target-Environment (sandbox, mtnrwanda…)"
)
AIRTEL_BASE_URL = ValueDecl(
    env="AIRTEL_BASE_URL",
    purpose="Airtel Money API base URL (https://openapiuat.airtel.africa or the live host)",
)
AIRTEL_COUNTRY = ValueDecl(env="AIRTEL_COUNTRY", purpose="Airtel Money X-Country (UG, RW, …)")
PLATFORM_COMMISSION = ValueDecl(
    env="PLATFORM_COMMISSION_BPS",
    purpose="the platform's commission on each payment, in basis points (2000 = 20 %)",
)
PAYMENT_PENDING_EXPIRY = ValueDecl(
    env="PAYMENT_PENDING_EXPIRY_MINUTES",
    purpose="age after which the reconciler expires a payment the provider still reports pending",
)
PAYMENT_VALUES = (
    STRIPE_API_BASE,
    MOMO_BASE_URL,
    MOMO_TARGET_ENVIRONMENT,
    AIRTEL_BASE_URL,
    AIRTEL_COUNTRY,
    PLATFORM_COMMISSION,
    PAYMENT_PENDING_EXPIRY,
)
# The environment the ``payments`` use (functions/registry.py PAYMENTS) sets on a function.
PAYMENTS_ENV = (PAYMENTS_SECRET.env, *(decl.env for decl in PAYMENT_VALUES))

# Certificates (docs/certificates.md): the key that signs Open Badges credentials (VC-JWT RS256).
CERTIFICATE_SIGNING_KEY = SigningKeyDecl(
    logical_id="CertificateSigningKey",
    env="CERTIFICATE_SIGNING_KEY_ID",
    purpose="signs certificates' Open Badges 3.0 credentials (VC-JWT, RS256)",
    key_spec="RSA_2048",
    signing_algorithm="RSASSA_PKCS1_V1_5_SHA_256",
)
SIGNING_KEYS = (CERTIFICATE_SIGNING_KEY,)

EVENT_BUS = BusDecl(logical_id="EventBus", env="EVENT_BUS_NAME", name="coursewave")

TRANSCODE_QUEUE = QueueDecl(name="transcode", env="TRANSCODE_QUEUE_URL")
# The notifications consumer's own queue: a fan-out to a course's learners continues there, one
# roster page per message (functions/notifications/consumer.py).
NOTIFICATIONS_QUEUE = QueueDecl(name="notifications-events", env="NOTIFICATIONS_QUEUE_URL")
QUEUES = (TRANSCODE_QUEUE, NOTIFICATIONS_QUEUE)

MEDIA_CDN = MediaCdnDecl(
    domain_env="MEDIA_CDN_DOMAIN",
    key_id_env="MEDIA_SIGNING_KEY_ID",
    key_secret_env="MEDIA_SIGNING_KEY_SECRET",  # noqa: S106 - an environment variable name
)

STAGE = ValueDecl(env="COURSEWAVE_STAGE", purpose="the deployment's stage (local, prod, …)")
MAIL_FROM = ValueDecl(env="MAIL_FROM", purpose="the From header of platform mail (mail use)")
PUBLIC_BASE_URL = ValueDecl(
    env="PUBLIC_BASE_URL", purpose="where clients reach the API (absolute URLs it hands out)"
)
WEB_APP_URL = ValueDecl(
    env="WEB_APP_URL",
    purpose="where people reach the web app (Stripe's return pages, certificates' verification"
    " page)",
)
CLIENT_IP_HEADER = ValueDecl(
    env="CLIENT_IP_HEADER",
    purpose="the header a trusted proxy sets to '<client address>:<port>' (CloudFront's)",
)
MAIL_CONFIGURATION_SET = ValueDecl(
    env="MAIL_CONFIGURATION_SET",
    purpose="the SES configuration set platform mail is sent with (its bounce and complaint "
    "events reach the notifications domain)",
)
VALUES = (STAGE, MAIL_FROM, PUBLIC_BASE_URL, WEB_APP_URL, CLIENT_IP_HEADER, MAIL_CONFIGURATION_SET)

# Read by AWS Lambda Powertools (not by coursewave.config): set on every function and worker.
POWERTOOLS_SERVICE = "POWERTOOLS_SERVICE_NAME"
POWERTOOLS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE"
POWERTOOLS_LOG_LEVEL = "POWERTOOLS_LOG_LEVEL"
POWERTOOLS_ENV = (POWERTOOLS_SERVICE, POWERTOOLS_NAMESPACE, POWERTOOLS_LOG_LEVEL)

ROLE_GROUPS = {"student": "students", "instructor": "instructors", "admin": "admins"}

GOOGLE = FederatedProviderDecl(
    name="Google",
    api_name="google",
    kind="google",
    client_id_env="GOOGLE_CLIENT_ID",
    secret_key="google_client_secret",  # noqa: S106 - a key name in the secret
    scopes=("openid", "email", "profile"),
    attribute_mapping={"email": "email", "email_verified": "email_verified", "name": "name"},
)
GITHUB = FederatedProviderDecl(
    name="GitHub",
    api_name="github",
    kind="oidc",
    client_id_env="GITHUB_CLIENT_ID",
    secret_key="github_client_secret",  # noqa: S106 - a key name in the secret
    scopes=("openid", "email", "profile"),
    attribute_mapping={"email": "email", "email_verified": "email_verified", "name": "name"},
    issuer_path="/v1/auth/oidc/github",
)

USER_POOL = UserPoolDecl(
    logical_id="UserPool",
    pool_env="USER_POOL_ID",
    client_env="USER_POOL_CLIENT_ID",
    groups=tuple(ROLE_GROUPS.values()),
    providers=(GOOGLE, GITHUB),
)


class CorsPolicy(NamedTuple):
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


def declared_env_names() -> frozenset[str]:
    """Every environment variable the declarations above name (Powertools' aside)."""
    pool = USER_POOL
    return frozenset(
        {
            TABLE.env,
            EVENT_BUS.env,
            *(decl.env for decl in BUCKETS),
            *(decl.env for decl in SECRETS),
            *(decl.env for decl in SIGNING_KEYS),
            *(decl.env for decl in QUEUES),
            *(decl.env for decl in VALUES),
            *PAYMENTS_ENV,
            EVENT_LAKE.env,
            XAPI_LRS_SECRET.env,
            XAPI_LRS_ENDPOINT.env,
            MEDIA_CDN.domain_env,
            MEDIA_CDN.key_id_env,
            MEDIA_CDN.key_secret_env,
            pool.pool_env,
            pool.client_env,
            pool.secret_env,
            pool.domain_env,
            pool.redirect_uris_env,
            *(provider.client_id_env for provider in pool.providers),
        }
    )


class WebAppPolicy(NamedTuple):
    """The web app's response headers, one definition for the local runner and CloudFront: a
    strict Content Security Policy (scripts and styles from the app's own origin only, no inline
    code) that lets the page reach the API, the upload and media origins and the video embeds."""

    embed_origins: tuple[str, ...] = (
        "https://www.youtube-nocookie.com",
        "https://www.dailymotion.com",
    )
    referrer_policy: str = "strict-origin-when-cross-origin"
    config_path: str = "/config.json"

    def content_security_policy(self, api_origin: str, data_origins: tuple[str, ...]) -> str:
        data = " ".join(data_origins)
        connect = " ".join(source for source in ("'self'", api_origin, data) if source)
        return "; ".join(
            [
                "default-src 'none'",
                "script-src 'self'",
                "style-src 'self'",
                f"img-src 'self' data: {data}",
                f"media-src 'self' blob: {data}",
                f"connect-src {connect}",
                f"frame-src {' '.join(self.embed_origins)}",
                "font-src 'self'",
                "manifest-src 'self'",
                "form-action 'self'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
            ]
        )


WEB_APP = WebAppPolicy()
