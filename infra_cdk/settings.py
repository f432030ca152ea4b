"""Deployment settings, read once from the CDK context (``cdk.json`` or ``-c key=value``).

Every knob an operator may turn lives here with its default; docs/deploy.md describes each one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from constructs import Node

from coursewave import resources
from infra_cdk.naming import DEFAULT_STAGE

REPO_ROOT = Path(__file__).resolve().parent.parent
STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
PEM_BEGIN = "-----BEGIN PUBLIC KEY-----"
PEM_END = "-----END PUBLIC KEY-----"


class SettingsError(ValueError):
    """A context value the stack cannot be built with."""


@dataclass(frozen=True)
class MailSettings:
    """Where outgoing mail comes from: ``from_header`` as written, ``address`` its bare address."""

    from_header: str
    address: str
    identity_arn: str | None

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]


@dataclass(frozen=True)
class Settings:
    stage: str = DEFAULT_STAGE
    oauth: bool = False
    oauth_callback_urls: tuple[str, ...] = ()
    oauth_client_ids: Mapping[str, str] = field(default_factory=dict)  # provider name → id
    media_signing_public_key: str | None = None
    transcode_image_tag: str = "latest"
    worker_min_capacity: int = 1
    worker_max_capacity: int = 8  # also the number of parts a long video is split into
    alarm_email: str | None = None
    mail: MailSettings | None = None
    throttle_rate_limit: int = 100
    throttle_burst_limit: int = 200
    waf: bool = True
    waf_rate_limit: int = 2000
    waf_auth_rate_limit: int = 100
    waf_media_rate_limit: int = 20000
    log_level: str = "INFO"
    # Payments (docs/deploy.md): env name → value, for the ``resources.PAYMENT_VALUES`` given in
    # context (``payment_context_key``: STRIPE_API_BASE → stripeApiBase). Unset ones keep the
    # defaults of coursewave.config.Settings.
    payment_values: Mapping[str, str] = field(default_factory=dict)
    # The LRS that xAPI statements go to (context xapiLrsEndpoint, https); None: xAPI off.
    xapi_lrs_endpoint: str | None = None
    # Where people reach the web app (context webAppUrl, https): your domain in front of it.
    # None: the stack's own web app distribution (output WebAppUrl).
    web_app_url: str | None = None

    @classmethod
    def from_context(cls, node: Node) -> Settings:
        """Read and validate every setting; raise ``SettingsError`` naming the bad key."""
        get = node.try_get_context
        stage = str(get("stage") or cls.stage)
        if not STAGE_PATTERN.match(stage):
            raise SettingsError(f"context stage={stage!r} must match {STAGE_PATTERN.pattern}")
        settings = cls(
            stage=stage,
            oauth=_flag(get("oauth"), "oauth", default=cls.oauth),
            oauth_callback_urls=_list(get("oauthCallbackUrls")),
            oauth_client_ids={
                provider.name: str(get(client_id_key(provider)))
                for provider in resources.USER_POOL.providers
                if get(client_id_key(provider))
            },
            media_signing_public_key=_public_key(get("mediaSigningPublicKey")),
            transcode_image_tag=str(get("transcodeImageTag") or cls.transcode_image_tag),
            worker_min_capacity=_count(
                get("workerMinCapacity"), "workerMinCapacity", cls.worker_min_capacity
            ),
            worker_max_capacity=_int(
                get("workerMaxCapacity"), "workerMaxCapacity", cls.worker_max_capacity
            ),
            alarm_email=get("alarmEmail") or None,
            mail=_mail(get("mailFrom"), get("sesIdentityArn")),
            throttle_rate_limit=_int(
                get("apiThrottleRateLimit"), "apiThrottleRateLimit", cls.throttle_rate_limit
            ),
            throttle_burst_limit=_int(
                get("apiThrottleBurstLimit"), "apiThrottleBurstLimit", cls.throttle_burst_limit
            ),
            waf=_flag(get("waf"), "waf", default=cls.waf),
            waf_rate_limit=_int(get("wafRateLimit"), "wafRateLimit", cls.waf_rate_limit),
            waf_auth_rate_limit=_int(
                get("wafAuthRateLimit"), "wafAuthRateLimit", cls.waf_auth_rate_limit
            ),
            waf_media_rate_limit=_int(
                get("wafMediaRateLimit"), "wafMediaRateLimit", cls.waf_media_rate_limit
            ),
            log_level=_log_level(get("logLevel")),
            payment_values=_payment_values(get),
            xapi_lrs_endpoint=_https(get("xapiLrsEndpoint"), "xapiLrsEndpoint"),
            web_app_url=_https(get("webAppUrl"), "webAppUrl"),
        )
        if settings.worker_min_capacity > settings.worker_max_capacity:
            raise SettingsError("context workerMinCapacity must not exceed workerMaxCapacity")
        return settings


def client_id_key(provider: resources.FederatedProviderDecl) -> str:
    """The context key of a federated provider's OAuth client id: ``googleClientId``, ..."""
    return f"{provider.api_name}ClientId"


def payment_context_key(decl: resources.ValueDecl) -> str:
    """The context key of a payments value: its env name in camelCase (STRIPE_API_BASE →
    stripeApiBase)."""
    first, *rest = decl.env.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


# Payments values that are whole numbers; the rest are URLs (https) or short codes.
PAYMENT_NUMBERS = frozenset(
    {resources.PLATFORM_COMMISSION.env, resources.PAYMENT_PENDING_EXPIRY.env}
)
PAYMENT_URLS = frozenset(
    {
        resources.STRIPE_API_BASE.env,
        resources.MOMO_BASE_URL.env,
        resources.AIRTEL_BASE_URL.env,
    }
)


def _payment_values(get: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for decl in resources.PAYMENT_VALUES:
        key = payment_context_key(decl)
        raw = get(key)
        if raw is None or str(raw).strip() == "":
            continue
        text = str(raw).strip()
        if decl.env in PAYMENT_NUMBERS:
            commission = decl.env == resources.PLATFORM_COMMISSION.env
            number = _count(text, key, 0) if commission else _int(text, key, 0)
            if commission and number > 10000:
                raise SettingsError(f"context {key}={text!r} must be at most 10000 (100 %)")
            text = str(number)
        elif decl.env in PAYMENT_URLS:
            if not text.startswith("https://"):
                raise SettingsError(f"context {key}={text!r} must be an https:// URL")
            text = text.rstrip("/")
        values[decl.env] = text
    return values


def _https(value: Any, key: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.startswith("https://"):
        raise SettingsError(f"context {key}={text!r} must be an https:// URL")
    return text.rstrip("/")


def _flag(value: Any, key: str, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise SettingsError(f"context {key}={value!r} must be true or false")


def _int(value: Any, key: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"context {key}={value!r} must be an integer") from exc
    if number <= 0:
        raise SettingsError(f"context {key}={value!r} must be positive")
    return number


def _count(value: Any, key: str, default: int) -> int:
    """A non-negative integer (zero allowed)."""
    if value in (0, "0"):
        return 0
    return _int(value, key, default)


def _list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(item.strip() for item in items if item.strip())


def _log_level(value: Any) -> str:
    level = str(value or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"context logLevel={value!r} must be DEBUG, INFO, WARNING or ERROR")
    return level


def _public_key(value: Any) -> str | None:
    """The PEM itself, or the path (relative to the repository) of a file holding it."""
    if not value:
        return None
    text = str(value).strip()
    if not text.startswith("-----BEGIN"):
        path = Path(text) if Path(text).is_absolute() else REPO_ROOT / text
        if not path.is_file():
            raise SettingsError(
                f"context mediaSigningPublicKey={text!r} is neither a PEM nor a readable file"
            )
        text = path.read_text().strip()
    if not (text.startswith(PEM_BEGIN) and text.endswith(PEM_END)):
        raise SettingsError(
            "context mediaSigningPublicKey must be a PEM 'PUBLIC KEY' (see docs/deploy.md)"
        )
    return text + "\n"


def _mail(mail_from: Any, identity_arn: Any) -> MailSettings | None:
    if not mail_from:
        if identity_arn:
            raise SettingsError("context sesIdentityArn needs mailFrom as well")
        return None
    header = str(mail_from).strip()
    address = parseaddr(header)[1]
    if "@" not in address:
        raise SettingsError(f"context mailFrom={header!r} has no email address")
    if identity_arn and not str(identity_arn).startswith("arn:"):
        raise SettingsError(f"context sesIdentityArn={identity_arn!r} is not an ARN")
    return MailSettings(from_header=header, address=address, identity_arn=identity_arn or None)
