"""What a declared ``use`` means in AWS: the environment it sets and the permissions it grants.

``FunctionDecl.uses`` (and a container worker's ``uses``) name resources; this module is the
one table that turns each name into environment variables plus least-privilege IAM statements.
Besides the ``USES`` table, a use may name a generated secret (``resources.SECRETS``, by its
env in lower case) or a consumer's queue (by ``ConsumerDecl.env``: the URL plus SendMessage).
A ``use`` nothing here knows fails the synth, naming itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from aws_cdk import Arn, ArnFormat, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from coursewave import resources
from functions import registry
from infra_cdk.app_secrets import use_name
from infra_cdk.nag import acknowledge, token_name
from infra_cdk.settings import MailSettings

TABLE_READ = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
TABLE_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)
# Only for functions that serve no HTTP route: DESIGN.md forbids Scan on any request path.
TABLE_SCAN = ("dynamodb:Scan",)
TABLE_ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
BUCKET_OBJECT_ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
)
BUCKET_ACTIONS = ("s3:ListBucket",)
USER_POOL_ACTIONS = tuple(
    f"cognito-idp:{action}"
    for action in (
        "AdminAddUserToGroup",
        "AdminConfirmSignUp",
        "AdminCreateUser",
        "AdminDeleteUser",
        "AdminDisableProviderForUser",
        "AdminDisableUser",
        "AdminEnableUser",
        "AdminGetUser",
        "AdminInitiateAuth",
        "AdminLinkProviderForUser",
        "AdminListGroupsForUser",
        "AdminRemoveUserFromGroup",
        "AdminResetUserPassword",
        "AdminRespondToAuthChallenge",
        "AdminSetUserPassword",
        "AdminUpdateUserAttributes",
        "AdminUserGlobalSignOut",
        "ListUsers",
        "ListUsersInGroup",
    )
)
MAIL_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")
SECRET_READ_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
SIGNING_KEY_ACTIONS = ("kms:Sign", "kms:GetPublicKey")
TASK_TOKEN_ACTIONS = (
    "states:SendTaskSuccess",
    "states:SendTaskFailure",
    "states:SendTaskHeartbeat",
)

MEDIA_CDN_DOMAIN = resources.MEDIA_CDN.domain_env
MEDIA_SIGNING_KEY_ID = resources.MEDIA_CDN.key_id_env
MEDIA_SIGNING_KEY_SECRET = resources.MEDIA_CDN.key_secret_env
MAIL_FROM = resources.MAIL_FROM.env
MAIL_CONFIGURATION_SET = resources.MAIL_CONFIGURATION_SET.env


@dataclass(frozen=True)
class MediaSigning:
    """What a function needs to sign media URLs for the CDN."""

    domain_name: str
    key_secret: secretsmanager.ISecret
    key_secret_name: str
    key_id: str | None  # None until an operator configures a public key


@dataclass
class Platform:
    """The shared resources the stack built, as the access table needs them."""

    table: dynamodb.ITable
    bus: events.IEventBus
    buckets: Mapping[str, s3.IBucket]  # by BucketDecl.env
    user_pool: cognito.IUserPool
    identity_env: Mapping[str, str]  # what a user-pool use puts in the environment
    identity_secret: secretsmanager.ISecret
    secrets: Mapping[str, secretsmanager.ISecret]  # generated secrets, by use name
    mail: MailSettings | None
    media: MediaSigning
    mail_configuration_set: str | None = None  # the SES configuration set mail is sent with
    queues: Mapping[str, sqs.IQueue] = field(default_factory=dict)  # by consumer name
    queue_envs: Mapping[str, str] = field(default_factory=dict)  # ConsumerDecl.env → name
    # Secrets the operator fills (resources.OPERATOR_SECRETS), by their env name.
    operator_secrets: Mapping[str, secretsmanager.ISecret] = field(default_factory=dict)
    # The payments values given in context (infra_cdk.settings.Settings.payment_values).
    payment_values: Mapping[str, str] = field(default_factory=dict)
    # The event lake's delivery stream, and the LRS endpoint given in context (None: no xAPI).
    event_lake: firehose.IDeliveryStream | None = None
    xapi_lrs_endpoint: str | None = None
    # Asymmetric KMS keys (resources.SIGNING_KEYS), by their env name.
    signing_keys: Mapping[str, kms.IKey] = field(default_factory=dict)


@dataclass
class Access:
    """Environment variables and IAM statements a principal gets for its uses, with the
    acknowledgements (rule, reason) the few unavoidable wildcards in them need."""

    env: dict[str, str] = field(default_factory=dict)
    statements: list[iam.PolicyStatement] = field(default_factory=list)
    acknowledgements: dict[str, str] = field(default_factory=dict)

    def add(self, actions: Iterable[str], resources_: Iterable[str]) -> None:
        self.statements.append(
            iam.PolicyStatement(actions=sorted(actions), resources=list(resources_))
        )

    def add_objects(self, bucket: s3.IBucket, actions: Iterable[str]) -> None:
        """Object-level actions on every key of one bucket (S3 ARNs name keys by pattern)."""
        self.add(actions, [bucket.arn_for_objects("*")])
        arn = token_name(bucket.node.default_child, "Arn")  # type: ignore[arg-type]
        self.acknowledgements[f"AwsSolutions-IAM5[Resource::{arn}/*]"] = (
            "Object keys are created at run time (ids in the key), so object actions are granted "
            "on the keys of this one bucket; the actions themselves are listed explicitly."
        )

    def merge(self, other: Access) -> None:
        self.env.update(other.env)
        self.statements += other.statements
        self.acknowledgements.update(other.acknowledgements)

    def grant(self, grantee: iam.IGrantable) -> None:
        for statement in self.statements:
            grantee.grant_principal.add_to_principal_policy(statement)
        for rule, reason in self.acknowledgements.items():
            acknowledge(grantee.grant_principal, rule, reason)  # type: ignore[arg-type]

    def apply(self, grantee: iam.IGrantable, set_env: Callable[[str, str], object]) -> None:
        for name, value in sorted(self.env.items()):
            set_env(name, value)
        self.grant(grantee)


def table_arns(platform: Platform) -> list[str]:
    arn = platform.table.table_arn
    return [arn, *(f"{arn}/index/{index.name}" for index in resources.TABLE.indexes)]


def _table(platform: Platform, access: Access, serves_http: bool) -> None:
    access.env[resources.TABLE.env] = platform.table.table_name
    actions = TABLE_READ + TABLE_WRITE + (() if serves_http else TABLE_SCAN)
    access.add(actions, table_arns(platform))


def _bus(platform: Platform, access: Access, _serves_http: bool) -> None:
    access.env[resources.EVENT_BUS.env] = platform.bus.event_bus_name
    access.add(["events:PutEvents"], [platform.bus.event_bus_arn])


def _user_pool(platform: Platform, access: Access, _serves_http: bool) -> None:
    access.env.update(platform.identity_env)
    access.add(USER_POOL_ACTIONS, [platform.user_pool.user_pool_arn])
    access.add(SECRET_READ_ACTIONS, [platform.identity_secret.secret_arn])


def _bucket(decl: resources.BucketDecl) -> Callable[[Platform, Access, bool], None]:
    def grant(platform: Platform, access: Access, _serves_http: bool) -> None:
        bucket = platform.buckets[decl.env]
        access.env[decl.env] = bucket.bucket_name
        access.add(BUCKET_ACTIONS, [bucket.bucket_arn])
        access.add_objects(bucket, BUCKET_OBJECT_ACTIONS)

    return grant


def _media(platform: Platform, access: Access, serves_http: bool) -> None:
    _bucket(resources.MEDIA_BUCKET)(platform, access, serves_http)
    access.env[MEDIA_CDN_DOMAIN] = platform.media.domain_name
    access.env[MEDIA_SIGNING_KEY_SECRET] = platform.media.key_secret_name
    if platform.media.key_id:
        access.env[MEDIA_SIGNING_KEY_ID] = platform.media.key_id
    access.add(SECRET_READ_ACTIONS, [platform.media.key_secret.secret_arn])


def mail_identity_arns(scope: Stack, mail: MailSettings) -> list[str]:
    """The SES identities mail is sent from: the configured one, else the domain and address."""
    if mail.identity_arn:
        return [mail.identity_arn]
    return [
        Arn.format(
            {
                "service": "ses",
                "resource": "identity",
                "resource_name": name,
                "arn_format": ArnFormat.SLASH_RESOURCE_NAME,
            },
            scope,
        )
        for name in (mail.domain, mail.address)
    ]


def _mail(platform: Platform, access: Access, _serves_http: bool) -> None:
    # Without context mailFrom there is nothing to send from: MAIL_FROM stays unset and
    # coursewave.config names it when a function tries to send (the synth warns as well).
    if platform.mail is None:
        return
    access.env[MAIL_FROM] = platform.mail.from_header
    scope = Stack.of(platform.table)
    resources_sent_with = mail_identity_arns(scope, platform.mail)
    if platform.mail_configuration_set:
        access.env[MAIL_CONFIGURATION_SET] = platform.mail_configuration_set
        resources_sent_with.append(
            Arn.format(
                {
                    "service": "ses",
                    "resource": "configuration-set",
                    "resource_name": platform.mail_configuration_set,
                    "arn_format": ArnFormat.SLASH_RESOURCE_NAME,
                },
                scope,
            )
        )
    access.add(MAIL_ACTIONS, resources_sent_with)


def _payments(platform: Platform, access: Access, _serves_http: bool) -> None:
    """The providers' credentials (read only) and the payments values the deployment sets."""
    secret = platform.operator_secrets[resources.PAYMENTS_SECRET.env]
    access.env[resources.PAYMENTS_SECRET.env] = secret.secret_arn
    access.add(SECRET_READ_ACTIONS, [secret.secret_arn])
    access.env.update(platform.payment_values)


def _event_lake(platform: Platform, access: Access, _serves_http: bool) -> None:
    stream = platform.event_lake
    if stream is None:
        raise KeyError("the event lake's delivery stream was not built")
    access.env[resources.EVENT_LAKE.env] = stream.delivery_stream_name
    access.add(["firehose:PutRecordBatch"], [stream.delivery_stream_arn])


def _xapi(platform: Platform, access: Access, _serves_http: bool) -> None:
    """The LRS credentials (read only) and, when configured, its endpoint (unset: xAPI off)."""
    secret = platform.operator_secrets[resources.XAPI_LRS_SECRET.env]
    access.env[resources.XAPI_LRS_SECRET.env] = secret.secret_arn
    access.add(SECRET_READ_ACTIONS, [secret.secret_arn])
    if platform.xapi_lrs_endpoint:
        access.env[resources.XAPI_LRS_ENDPOINT.env] = platform.xapi_lrs_endpoint


def _signing_key(decl: resources.SigningKeyDecl) -> Callable[[Platform, Access, bool], None]:
    """Sign with the key and read its public half; no decrypt, no key administration."""

    def grant(platform: Platform, access: Access, _serves_http: bool) -> None:
        key = platform.signing_keys[decl.env]
        access.env[decl.env] = key.key_arn
        access.add(SIGNING_KEY_ACTIONS, [key.key_arn])

    return grant


USES: dict[str, Callable[[Platform, Access, bool], None]] = {
    registry.TABLE: _table,
    registry.BUS: _bus,
    registry.USER_POOL: _user_pool,
    registry.UPLOADS: _bucket(resources.UPLOADS_BUCKET),
    registry.MEDIA: _media,
    registry.CERTIFICATES: _bucket(resources.CERTIFICATES_BUCKET),
    registry.EXPORTS: _bucket(resources.EXPORTS_BUCKET),
    registry.MAIL: _mail,
    registry.PAYMENTS: _payments,
    registry.EVENT_LAKE: _event_lake,
    registry.XAPI: _xapi,
    registry.CERTIFICATE_SIGNING: _signing_key(resources.CERTIFICATE_SIGNING_KEY),
}


def _secret(platform: Platform, access: Access, use: str) -> None:
    decl = next(d for d in resources.SECRETS if use_name(d) == use)
    secret = platform.secrets[use]
    access.env[decl.env] = secret.secret_arn
    access.add(SECRET_READ_ACTIONS, [secret.secret_arn])


def _queue(platform: Platform, access: Access, env_name: str) -> None:
    queue = platform.queues[platform.queue_envs[env_name]]
    access.env[env_name] = queue.queue_url
    access.add(["sqs:SendMessage"], [queue.queue_arn])


def access_for(
    owner: str, uses: Iterable[str], platform: Platform, *, serves_http: bool = False
) -> Access:
    """The environment and grants for ``uses``; a consumer's ``env`` name is a use too."""
    access = Access()
    for use in sorted(uses):
        if use in USES:
            USES[use](platform, access, serves_http)
        elif use in platform.secrets:
            _secret(platform, access, use)
        elif use in platform.queue_envs:
            _queue(platform, access, use)
        else:
            known = sorted(USES) + sorted(platform.secrets) + sorted(platform.queue_envs)
            raise KeyError(
                f"{owner} uses {use!r}, which infra_cdk/access.py does not know "
                f"(known: {', '.join(known)})"
            )
    return access
