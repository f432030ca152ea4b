"""The settings model (``coursewave.config.Settings``): every setting a function may read, with
the environment variable it comes from.

Imported on the first ``coursewave.config.settings()`` call, not when a function's modules are
imported: building a model of this many fields costs a cold start ~10 ms (docs/performance.md).
Add a setting here; read it through ``coursewave.config.settings()``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from coursewave import __version__, resources
from coursewave.errors import ConfigurationError


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    region: str = Field(alias="AWS_REGION")
    stage: str = Field(default="local", alias=resources.STAGE.env)
    version: str = Field(default=__version__, alias="COURSEWAVE_VERSION")
    table_name: str | None = Field(default=None, alias=resources.TABLE.env)
    event_bus_name: str | None = Field(default=None, alias=resources.EVENT_BUS.env)
    user_pool_id: str | None = Field(default=None, alias=resources.USER_POOL.pool_env)
    user_pool_client_id: str | None = Field(default=None, alias=resources.USER_POOL.client_env)
    uploads_bucket: str | None = Field(default=None, alias=resources.UPLOADS_BUCKET.env)
    media_bucket: str | None = Field(default=None, alias=resources.MEDIA_BUCKET.env)
    certificates_bucket: str | None = Field(default=None, alias=resources.CERTIFICATES_BUCKET.env)
    exports_bucket: str | None = Field(default=None, alias=resources.EXPORTS_BUCKET.env)
    certificate_signing_key_id: str | None = Field(
        default=None, alias=resources.CERTIFICATE_SIGNING_KEY.env
    )
    transcode_queue_url: str | None = Field(default=None, alias=resources.TRANSCODE_QUEUE.env)
    mail_from: str | None = Field(default=None, alias=resources.MAIL_FROM.env)
    mail_configuration_set: str | None = Field(
        default=None, alias=resources.MAIL_CONFIGURATION_SET.env
    )
    # Notifications: the HMAC key of unsubscribe links (a Secrets Manager id) and the consumer's
    # own queue, where a fan-out continues page by page.
    unsubscribe_token_secret: str | None = Field(
        default=None, alias=resources.UNSUBSCRIBE_TOKEN_SECRET.env
    )
    notifications_queue_url: str | None = Field(
        default=None, alias=resources.NOTIFICATIONS_QUEUE.env
    )
    public_base_url: str | None = Field(default=None, alias=resources.PUBLIC_BASE_URL.env)
    # Media playback: the Secrets Manager id of the HMAC key of playback tokens, and (in AWS) the
    # CloudFront distribution in front of the media bucket with the key pair that signs its URLs.
    # Without MEDIA_CDN_DOMAIN, media URLs are S3 presigned GETs (local mode).
    playback_token_secret: str | None = Field(
        default=None, alias=resources.PLAYBACK_TOKEN_SECRET.env
    )
    media_cdn_domain: str | None = Field(default=None, alias=resources.MEDIA_CDN.domain_env)
    media_signing_key_id: str | None = Field(default=None, alias=resources.MEDIA_CDN.key_id_env)
    media_signing_key_secret: str | None = Field(
        default=None, alias=resources.MEDIA_CDN.key_secret_env
    )
    # Identity (docs/identity.md). The secret is JSON: code_pepper, oidc_signing_key (PEM),
    # github_client_secret; locally the runner generates one in moto at start.
    identity_secret_id: str | None = Field(default=None, alias=resources.USER_POOL.secret_env)
    # The Cognito domain serving /oauth2/authorize and /oauth2/token (unset: OAuth disabled).
    cognito_domain_url: str | None = Field(default=None, alias=resources.USER_POOL.domain_env)
    # Comma-separated redirect URIs a client may ask OAuth sign-in to return to.
    oauth_redirect_uris: str = Field(default="", alias=resources.USER_POOL.redirect_uris_env)
    github_client_id: str | None = Field(default=None, alias=resources.GITHUB.client_id_env)
    google_client_id: str | None = Field(default=None, alias=resources.GOOGLE.client_id_env)
    github_oauth_url: str = Field(default="https://github.com", alias="GITHUB_OAUTH_URL")
    github_api_url: str = Field(default="https://api.github.com", alias="GITHUB_API_URL")
    # Payments (docs/payments.md): the providers' credentials (a JSON secret the operator fills;
    # locally the runner generates it), their base URLs, and the platform's rules.
    payments_secret_id: str | None = Field(default=None, alias=resources.PAYMENTS_SECRET.env)
    stripe_api_base: str = Field(
        default="https://api.stripe.com", alias=resources.STRIPE_API_BASE.env
    )
    momo_base_url: str | None = Field(default=None, alias=resources.MOMO_BASE_URL.env)
    momo_target_environment: str = Field(
        default="sandbox", alias=resources.MOMO_TARGET_ENVIRONMENT.env
    )
    airtel_base_url: str | None = Field(default=None, alias=resources.AIRTEL_BASE_URL.env)
    airtel_country: str | None = Field(default=None, alias=resources.AIRTEL_COUNTRY.env)
    web_app_url: str | None = Field(default=None, alias=resources.WEB_APP_URL.env)
    platform_commission_bps: int = Field(
        default=2000, ge=0, le=10000, alias=resources.PLATFORM_COMMISSION.env
    )
    payment_pending_expiry_minutes: int = Field(
        default=60, ge=1, alias=resources.PAYMENT_PENDING_EXPIRY.env
    )
    # Analytics (docs/analytics.md): the event lake's delivery stream, and the LRS that xAPI
    # statements go to (no endpoint: none are sent) with its basic-auth secret.
    event_lake_stream: str | None = Field(default=None, alias=resources.EVENT_LAKE.env)
    xapi_lrs_endpoint: str | None = Field(default=None, alias=resources.XAPI_LRS_ENDPOINT.env)
    xapi_lrs_secret_id: str | None = Field(default=None, alias=resources.XAPI_LRS_SECRET.env)
    # A header the trusted proxy in front of the API sets to "<client address>:<port>"
    # (CloudFront: cloudfront-viewer-address); unset: API Gateway's sourceIp is the client.
    client_ip_header: str | None = Field(default=None, alias=resources.CLIENT_IP_HEADER.env)
    # Multiplies every per-address limit of the identity routes (functions/auth/domain.py); the
    # per-email limits stay. Never set in AWS (1); a local runner whose traffic all comes from
    # 127.0.0.1 (the fuzzer's, tests/e2e/test_fuzz.py) raises it so it spends no shared budget.
    auth_rate_limit_ip_factor: int = Field(default=1, ge=1, alias="AUTH_RATE_LIMIT_IP_FACTOR")
    # How long a playback token (and so every media URL) lives: 10 minutes, the ceiling; tests
    # shorten it to play past an expiry (docs/media.md).
    playback_url_ttl_seconds: int = Field(
        default=600, ge=1, le=600, alias="PLAYBACK_URL_TTL_SECONDS"
    )

    @property
    def oauth_redirect_allow_list(self) -> frozenset[str]:
        return frozenset(uri.strip() for uri in self.oauth_redirect_uris.split(",") if uri.strip())

    def require(self, field: str) -> str:
        """The value of an optional setting this caller cannot work without."""
        value = getattr(self, field)
        if not value:
            alias = type(self).model_fields[field].alias
            raise ConfigurationError(f"missing setting {alias}")
        return value
