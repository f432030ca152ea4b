"""The web app (``web/dist``) in a private S3 bucket behind CloudFront.

Origin Access Control (the bucket has no public access and no website endpoint), HTTPS only, and
the security headers of the shared ``WEB_APP`` policy — the same Content Security Policy the local
runner sends, with the API, upload and media origins of this stack. ``/config.json`` is written at
deploy time with the API's URL, so one build runs against any stage. Paths without a file
extension are the app's own routes (``/courses/…``, Stripe's return page ``/payments/…``): a
viewer-request function serves ``index.html`` for them; a missing asset is still a 403/404.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Annotations, Duration, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from coursewave.resources import WEB_APP
from infra_cdk.edge import acknowledge_distribution
from infra_cdk.nag import acknowledge, token_name
from infra_cdk.settings import REPO_ROOT
from infra_cdk.storage import private_bucket_props

WEB_DIST = REPO_ROOT / "web" / "dist"
HSTS_SECONDS = 63072000  # two years
SPA_ROUTES_CODE = """
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) { request.uri = '/index.html'; }
  return request;
}
"""


class WebApp(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_url: str,
        upload_bucket: s3.IBucket,
        media_domain: str,
        web_acl_arn: str | None,
        log_bucket: s3.IBucket,
        dist: Path = WEB_DIST,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            server_access_logs_bucket=log_bucket,
            server_access_logs_prefix="s3/WebApp/",
            **private_bucket_props(),
        )
        region = Stack.of(self).region
        data_origins = (
            f"https://{media_domain}",
            # A presigned POST names the bucket's global or regional endpoint.
            f"https://{upload_bucket.bucket_name}.s3.amazonaws.com",
            f"https://{upload_bucket.bucket_name}.s3.{region}.amazonaws.com",
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Coursewave web app: CSP and security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=WEB_APP.content_security_policy(api_url, data_origins),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(HSTS_SECONDS),
                    include_subdomains=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Coursewave web app",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                        function=cloudfront.Function(
                            self,
                            "AppRoutes",
                            code=cloudfront.FunctionCode.from_inline(SPA_ROUTES_CODE),
                            runtime=cloudfront.FunctionRuntime.JS_2_0,
                            comment="The web app's own routes are index.html",
                        ),
                    )
                ],
            ),
            web_acl_id=web_acl_arn,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/web/",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        acknowledge_distribution(self.distribution, waf=web_acl_arn is not None)
        self.url = f"https://{self.distribution.distribution_domain_name}"
        self._deploy(dist, api_url)

    def _deploy(self, dist: Path, api_url: str) -> None:
        if not (dist / "index.html").exists():
            Annotations.of(self).add_warning_v2(
                "coursewave:web-not-built",
                f"{dist} is not built: the web app bucket is deployed empty. Run `make setup` "
                "(it builds web/) before `make deploy`.",
            )
            return
        s3_deployment.BucketDeployment(
            self,
            "Deploy",
            sources=[
                s3_deployment.Source.asset(str(dist)),
                s3_deployment.Source.json_data(
                    WEB_APP.config_path.lstrip("/"), {"api_url": api_url, "local_mode": False}
                ),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/index.html", WEB_APP.config_path],
            memory_limit=512,
        )
        stack = Stack.of(self)
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                _acknowledge_deployment_handler(child, self.bucket)


# CDK's BucketDeployment handler (a singleton Lambda function CDK creates and manages): what its
# role may do, finding by finding.
DEPLOYMENT_HANDLER_FINDINGS = {
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSLambdaBasicExecutionRole]": "it writes only its own logs with this managed policy",
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-"
    "<AWS::AccountId>-<AWS::Region>/*]": "it reads the build from CDK's asset bucket",
    "AwsSolutions-IAM5[Resource::*]": "CloudFront invalidations cannot be scoped to a resource",
    "AwsSolutions-L1": "its Python runtime is the one aws-cdk-lib ships the handler for",
    **{
        f"AwsSolutions-IAM5[Action::{action}]": "CDK's grants for reading the asset and "
        "replacing the bucket's objects"
        for action in (
            "s3:GetBucket*",
            "s3:GetObject*",
            "s3:List*",
            "s3:Abort*",
            "s3:DeleteObject*",
        )
    },
}


def _acknowledge_deployment_handler(handler: Construct, bucket: s3.Bucket) -> None:
    for rule, reason in DEPLOYMENT_HANDLER_FINDINGS.items():
        acknowledge(handler, rule, f"CDK's BucketDeployment handler: {reason}.")
    arn = token_name(bucket.node.default_child, "Arn")  # type: ignore[arg-type]
    bucket_objects = f"AwsSolutions-IAM5[Resource::{arn}/*]"
    acknowledge(handler, bucket_objects, "It writes every file of the build into the web bucket.")
