"""The declared buckets (``coursewave.resources.BUCKETS``) and the access-log bucket they log to.

Every bucket is private (all public access blocked), TLS-only, encrypted with S3-managed keys
and logs its requests. Derived from each declaration: browser uploads get CORS for presigned POST
and EventBridge notifications ("Object Created" starts the transcode workflow); expiring buckets
are scratch space, so they are not versioned; the others keep old versions for 30 days.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct

from coursewave import resources
from infra_cdk.nag import acknowledge

NONCURRENT_VERSIONS_DAYS = 30
ACCESS_LOGS_DAYS = 90


def private_bucket_props() -> dict[str, object]:
    return {
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "enforce_ssl": True,
        "removal_policy": RemovalPolicy.RETAIN,
    }


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            # CloudFront standard logs are written with ACLs: the owner must be able to read them.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(ACCESS_LOGS_DAYS))],
            **private_bucket_props(),
        )
        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the access-log destination of every other bucket and distribution; "
            "logging it to itself would loop.",
        )
        self.buckets: dict[str, s3.Bucket] = {
            decl.env: self._bucket(decl) for decl in resources.BUCKETS
        }
        if any(decl.browser_upload for decl in resources.BUCKETS):
            _acknowledge_notifications_handler(Stack.of(self))

    def _bucket(self, decl: resources.BucketDecl) -> s3.Bucket:
        expires = decl.expire_after_days is not None
        rules = [s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1))]
        if expires:
            rules.append(s3.LifecycleRule(expiration=Duration.days(decl.expire_after_days)))
        else:
            rules.append(
                s3.LifecycleRule(
                    noncurrent_version_expiration=Duration.days(NONCURRENT_VERSIONS_DAYS)
                )
            )
        return s3.Bucket(
            self,
            decl.logical_id,
            versioned=not expires,
            lifecycle_rules=rules,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"s3/{decl.logical_id}/",
            event_bridge_enabled=decl.browser_upload,
            cors=[self._browser_upload_cors()] if decl.browser_upload else None,
            **private_bucket_props(),
        )

    @staticmethod
    def _browser_upload_cors() -> s3.CorsRule:
        return s3.CorsRule(
            allowed_methods=[s3.HttpMethods.POST],
            allowed_origins=list(resources.CORS.allow_origins),
            allowed_headers=["*"],
            exposed_headers=["ETag"],
            max_age=resources.CORS.max_age_seconds,
        )


def _acknowledge_notifications_handler(stack: Stack) -> None:
    """CDK configures bucket notifications through its own singleton Lambda function."""
    for child in stack.node.children:
        if child.node.id.startswith("BucketNotificationsHandler"):
            acknowledge(
                child,
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSLambdaBasicExecutionRole]",
                "CDK's own deploy-time handler that turns on the bucket's EventBridge "
                "notifications; it only writes its logs with this managed policy.",
            )
