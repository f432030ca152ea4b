"""A moto server, and the platform's resources created in it from the shared declarations."""

from __future__ import annotations

import json
import logging
import os
import secrets
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.server import ThreadedMotoServer

from coursewave import resources
from coursewave.config import reset_settings
from functions import registry
from local import moto_cognito, moto_dynamodb, moto_streams, moto_transactions

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
REPO_ROOT = Path(__file__).resolve().parent.parent
MAIL_DOMAIN = "demo.coursewave.dev"


@dataclass
class Provisioned:
    """Names and addresses of what was created: the environment the functions run with."""

    endpoint: str | None
    env: dict[str, str] = field(default_factory=dict)
    consumer_queues: dict[str, str] = field(default_factory=dict)  # consumer name → queue URL
    dead_letter_queues: dict[str, str] = field(default_factory=dict)
    state_machine_queues: dict[str, str] = field(default_factory=dict)  # sm name → bridge queue
    state_machines: dict[str, str] = field(default_factory=dict)  # name → ARN
    table_stream_arn: str = ""
    event_lake_bucket: str = ""  # where Firehose writes the lake (no function reads it)

    @property
    def user_pool_id(self) -> str:
        return self.env[resources.USER_POOL.pool_env]

    @property
    def client_id(self) -> str:
        return self.env[resources.USER_POOL.client_env]

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        base = self.endpoint or f"https://cognito-idp.{REGION}.amazonaws.com"
        return f"{base}/{self.user_pool_id}/.well-known/jwks.json"


def base_environment(endpoint: str | None) -> dict[str, str]:
    """Fake credentials and the endpoint: all it takes to point boto3 and PynamoDB at moto.

    ``endpoint`` is None for moto in-process (``mock_aws``), which needs no endpoint.
    """
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "MOTO_ACCOUNT_ID": ACCOUNT_ID,
        # botocore ≥ 1.40 sends DynamoDB Streams calls to account-based hostnames that moto's
        # in-process interception does not recognise.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        resources.STAGE.env: "local",
        resources.POWERTOOLS_SERVICE: "coursewave",
        resources.POWERTOOLS_NAMESPACE: "Coursewave",
    }
    if endpoint is None:
        del env["AWS_ENDPOINT_URL"]
    return env


class MotoCloud:
    """Owns the moto server thread. Port 0 (the default) binds any free port."""

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.port = port

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server.start()
        self.port = self._server.get_host_and_port()[1]
        # Step Functions' task callbacks go to MOTO_PORT (GOTCHAS.md).
        os.environ["MOTO_PORT"] = str(self.port)
        requests.post(
            f"{self.endpoint}/moto-api/config",
            json={"stepfunctions": {"execute_state_machine": True}},
            timeout=5,
        ).raise_for_status()

    def stop(self) -> None:
        self._server.stop()


def apply_environment(env: dict[str, str]) -> None:
    os.environ.update(env)
    reset_settings()


def provision(endpoint: str | None) -> Provisioned:
    """Create every declared resource in moto; return the functions' environment."""
    moto_dynamodb.install()
    moto_streams.install()
    moto_transactions.install()
    moto_cognito.install()
    apply_environment(base_environment(endpoint))
    out = Provisioned(endpoint=endpoint, env=base_environment(endpoint))
    _table(out)
    _buckets(out)
    _event_lake(out)
    _bus_and_consumers(out)
    _user_pool(out)
    _mail(out)
    _secrets(out)
    _signing_keys(out)
    _operator_secrets(out)
    _state_machines(out)
    apply_environment(out.env)
    return out


def _client(name: str) -> Any:
    return boto3.client(name, region_name=REGION)


def _table(out: Provisioned) -> None:
    decl = resources.TABLE
    name = "coursewave-local"
    attrs = {decl.hash_key, decl.range_key} | {
        k for index in decl.indexes for k in (index.hash_key, index.range_key)
    }
    ddb = _client("dynamodb")
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": decl.hash_key, "KeyType": "HASH"},
            {"AttributeName": decl.range_key, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attrs)],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.hash_key, "KeyType": "HASH"},
                    {"AttributeName": index.range_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in decl.indexes
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    ddb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": decl.ttl_attribute},
    )
    out.table_stream_arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    out.env[decl.env] = name


def _buckets(out: Provisioned) -> None:
    s3 = _client("s3")
    for decl in resources.BUCKETS:
        name = f"coursewave-local-{decl.logical_id.removesuffix('Bucket').lower()}"
        s3.create_bucket(Bucket=name)
        if decl.browser_upload:
            s3.put_bucket_notification_configuration(
                Bucket=name,
                NotificationConfiguration={"EventBridgeConfiguration": {}},
            )
        cors = _browser_cors(decl)
        if cors is not None:
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [cors]})
        out.env[decl.env] = name


def _browser_cors(decl: resources.BucketDecl) -> dict[str, Any] | None:
    """What lets the web app reach a bucket from its page: presigned POSTs to an upload bucket
    (the CDK app's bucket CORS rule), and the media players' GETs of signed playlists and
    segments (in AWS the media CloudFront's CORS response-headers policy answers those)."""
    common = {
        "AllowedOrigins": list(resources.CORS.allow_origins),
        "AllowedHeaders": ["*"],
        "MaxAgeSeconds": resources.CORS.max_age_seconds,
    }
    if decl.browser_upload:
        return {**common, "AllowedMethods": ["POST"], "ExposeHeaders": ["ETag"]}
    if decl is resources.MEDIA_BUCKET:
        return {**common, "AllowedMethods": ["GET", "HEAD"]}
    return None


def _event_lake(out: Provisioned) -> None:
    """The lake's delivery stream into its bucket (moto writes each put at once, in the same
    ``<prefix>YYYY/MM/DD/HH/`` layout Firehose uses)."""
    decl = resources.EVENT_LAKE
    name = f"coursewave-local-{decl.logical_id.removesuffix('Stream').lower()}"
    bucket = f"{name}-bucket"
    _client("s3").create_bucket(Bucket=bucket)
    out.event_lake_bucket = bucket
    _client("firehose").create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/coursewave-event-lake",
            "BucketARN": f"arn:aws:s3:::{bucket}",
            "Prefix": decl.prefix,
            "ErrorOutputPrefix": decl.error_prefix,
        },
    )
    out.env[decl.env] = name


def _queue_with_dlq(name: str, max_receive_count: int, visibility: int) -> tuple[str, str]:
    sqs = _client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
            ),
        },
    )["QueueUrl"]
    return url, dlq_url


def _queue_arn(url: str) -> str:
    return _client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]


def _rule_to_queue(bus: str, rule: str, pattern: dict[str, Any], queue_url: str) -> None:
    events = _client("events")
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(
        Rule=rule, EventBusName=bus, Targets=[{"Id": "queue", "Arn": _queue_arn(queue_url)}]
    )


def _bus_and_consumers(out: Provisioned) -> None:
    bus = resources.EVENT_BUS.name
    _client("events").create_event_bus(Name=bus)
    out.env[resources.EVENT_BUS.env] = bus
    for consumer in registry.CONSUMERS:
        url, dlq = _queue_with_dlq(
            f"coursewave-{consumer.name}",
            consumer.max_receive_count,
            consumer.visibility_timeout_seconds,
        )
        out.consumer_queues[consumer.name] = url
        out.dead_letter_queues[consumer.name] = dlq
        if consumer.sources:
            on = "default" if consumer.on_default_bus else bus
            _rule_to_queue(on, f"coursewave-{consumer.name}", consumer.pattern, url)
        if consumer.env:
            out.env[consumer.env] = url


def _user_pool(out: Provisioned) -> None:
    decl = resources.USER_POOL
    policy = decl.password_policy
    idp = _client("cognito-idp")
    pool = idp.create_user_pool(
        PoolName="coursewave-local",
        UsernameAttributes=list(decl.username_attributes),
        UsernameConfiguration={"CaseSensitive": False},
        AutoVerifiedAttributes=list(decl.auto_verified_attributes),
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": not decl.self_sign_up},
        Policies={
            "PasswordPolicy": {
                "MinimumLength": policy.min_length,
                "RequireLowercase": policy.require_lowercase,
                "RequireUppercase": policy.require_uppercase,
                "RequireNumbers": policy.require_digits,
                "RequireSymbols": policy.require_symbols,
            }
        },
    )["UserPool"]
    flows = (*decl.auth_flows, *decl.local_only_auth_flows)
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="coursewave-api",
        ExplicitAuthFlows=[f"ALLOW_{flow}" for flow in flows],
        PreventUserExistenceErrors="ENABLED" if decl.prevent_user_existence_errors else "LEGACY",
        AccessTokenValidity=decl.access_token_minutes,
        IdTokenValidity=decl.id_token_minutes,
        RefreshTokenValidity=decl.refresh_token_days,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
    )["UserPoolClient"]
    for group in decl.groups:
        idp.create_group(UserPoolId=pool["Id"], GroupName=group)
    out.env[decl.pool_env] = pool["Id"]
    out.env[decl.client_env] = client["ClientId"]
    # The identity secret (code pepper, the GitHub adapter's signing key, provider secrets) is
    # generated here, as AWS keeps it in Secrets Manager; the redirect allow-list starts with a
    # web front end's dev server (the runner adds its own demo page).
    secret = _client("secretsmanager").create_secret(
        Name="coursewave-local-identity", SecretString=json.dumps(_identity_secret())
    )
    out.env[decl.secret_env] = secret["ARN"]
    out.env[resources.GITHUB.client_id_env] = "local-github-client"
    out.env[resources.GOOGLE.client_id_env] = "local-google-client"
    out.env[decl.redirect_uris_env] = LOCAL_FRONTEND_CALLBACK


LOCAL_FRONTEND_CALLBACK = "http://localhost:5173/auth/callback"
MAIL_CONFIGURATION_SET = "coursewave-local-mail"


def _identity_secret() -> dict[str, str]:
    return {
        "code_pepper": secrets.token_urlsafe(32),
        "oidc_signing_key": _local_signing_key(),
        "github_client_secret": secrets.token_urlsafe(24),
        "google_client_secret": secrets.token_urlsafe(24),
    }


@cache
def _local_signing_key() -> str:
    """One RSA key per process: generating it costs ~50 ms, and each test provisions anew."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _mail(out: Provisioned) -> None:
    _client("ses").verify_domain_identity(Domain=MAIL_DOMAIN)
    out.env[resources.MAIL_FROM.env] = f"Coursewave <no-reply@{MAIL_DOMAIN}>"
    # As the stack does: mail is sent with a configuration set whose events reach the default
    # bus (moto keeps the set; a test publishes the SES events themselves).
    _client("sesv2").create_configuration_set(ConfigurationSetName=MAIL_CONFIGURATION_SET)
    out.env[resources.MAIL_CONFIGURATION_SET.env] = MAIL_CONFIGURATION_SET


def _secrets(out: Provisioned) -> None:
    """Random secrets, generated in Secrets Manager as the stack does in AWS."""
    manager = _client("secretsmanager")
    for decl in resources.SECRETS:
        secret = manager.create_secret(
            Name=f"coursewave-local-{decl.logical_id}", SecretString=secrets.token_urlsafe(48)
        )
        out.env[decl.env] = secret["ARN"]


def _signing_keys(out: Provisioned) -> None:
    """Asymmetric KMS keys, created in moto as the stack creates them in AWS (moto signs)."""
    kms = _client("kms")
    for decl in resources.SIGNING_KEYS:
        key = kms.create_key(
            KeySpec=decl.key_spec, KeyUsage="SIGN_VERIFY", Description=decl.purpose
        )["KeyMetadata"]
        out.env[decl.env] = key["KeyId"]


def _operator_secrets(out: Provisioned) -> None:
    """Secrets an operator fills in AWS (payment provider credentials): locally a random value
    per key, which the provider fakes (local/fakes) check as the real providers would."""
    manager = _client("secretsmanager")
    for decl in resources.OPERATOR_SECRETS:
        value = {key: _local_credential(key) for key in decl.keys}
        secret = manager.create_secret(
            Name=f"coursewave-local-{decl.logical_id}", SecretString=json.dumps(value)
        )
        out.env[decl.env] = secret["ARN"]


def _local_credential(key: str) -> str:
    if key == "stripe_secret_key":
        return f"sk_test_local_{secrets.token_urlsafe(24)}"
    if key == "stripe_webhook_secret":
        return f"whsec_local_{secrets.token_urlsafe(24)}"
    if key == "momo_api_user":
        return str(uuid.uuid4())  # MTN's API users are UUIDs
    return secrets.token_urlsafe(24)


def _state_machines(out: Provisioned) -> None:
    sfn = _client("stepfunctions")
    for decl in registry.STATE_MACHINES:
        definition = decl.render(
            (REPO_ROOT / decl.definition).read_text(), lambda env: _resolve(out, env)
        )
        arn = sfn.create_state_machine(
            name=f"coursewave-{decl.name}",
            definition=definition,
            roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/coursewave-{decl.name}",
            type="STANDARD",
        )["stateMachineArn"]
        out.state_machines[decl.name] = arn
        if decl.trigger:
            # moto's EventBridge cannot target Step Functions: route the rule to a queue that
            # the runner drains into StartExecution (local/pollers.py).
            url, dlq = _queue_with_dlq(f"coursewave-sfn-{decl.name}", 5, 30)
            pattern = decl.trigger_pattern(lambda env: _resolve(out, env))
            _rule_to_queue(decl.trigger_bus, f"coursewave-sfn-{decl.name}", pattern, url)
            out.state_machine_queues[decl.name] = url
            out.dead_letter_queues[f"sfn-{decl.name}"] = dlq


def _resolve(out: Provisioned, name: str) -> str:
    """A substitution value: an environment value, or a consumer queue's URL."""
    if name in out.env:
        return out.env[name]
    if name in out.consumer_queues:
        return out.consumer_queues[name]
    raise KeyError(f"state machine substitution refers to unknown resource {name!r}")
