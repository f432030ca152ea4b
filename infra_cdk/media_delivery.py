"""Playback of the private media bucket through CloudFront with signed URLs.

Players reach a segment through the API's segment path, which redirects to a URL of this
distribution signed for a minute at most (docs/media.md, "Playback"; docs/decisions.md).

The bucket stays private (Origin Access Control); viewers need a URL signed with the private key
whose public half is given as context ``mediaSigningPublicKey``. The private key lives in a
Secrets Manager secret this construct creates (an operator stores the PEM in it; docs/deploy.md).
Until a public key is configured the distribution answers every request with 403.
"""

from __future__ import annotations

from aws_cdk import Annotations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra_cdk.access import MediaSigning
from infra_cdk.edge import acknowledge_distribution
from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names

LOCKED_FUNCTION_CODE = """
function handler(event) {
  return { statusCode: 403, statusDescription: 'Forbidden: no media signing key configured' };
}
"""


class MediaDelivery(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: Names,
        media_bucket: s3.IBucket,
        public_key_pem: str | None,
        web_acl_arn: str | None,
        log_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.signing_key_secret_name = names.secret("media-signing-key")
        self.signing_key_secret = secretsmanager.Secret(
            self,
            "SigningKey",
            secret_name=self.signing_key_secret_name,
            description=(
                "PEM private key whose public half is context mediaSigningPublicKey; "
                "functions sign media URLs with it (docs/deploy.md)."
            ),
        )
        acknowledge(
            self.signing_key_secret,
            "AwsSolutions-SMG4",
            "A CloudFront signing key pair is rotated by an operator: a new public key in "
            "context mediaSigningPublicKey plus the new private key in this secret, deployed "
            "together (docs/deploy.md); a rotation Lambda cannot change the key group.",
        )
        self.public_key: cloudfront.PublicKey | None = None
        trusted_key_groups = None
        function_associations = None
        if public_key_pem:
            self.public_key = cloudfront.PublicKey(
                self,
                "SigningPublicKey",
                encoded_key=public_key_pem,
                comment="Verifies Coursewave signed media URLs",
            )
            trusted_key_groups = [
                cloudfront.KeyGroup(self, "SigningKeyGroup", items=[self.public_key])
            ]
        else:
            Annotations.of(self).add_warning_v2(
                "coursewave:media-signing-key",
                "No context mediaSigningPublicKey: the media CDN answers 403 to every request "
                "until one is configured (docs/deploy.md).",
            )
            function_associations = [
                cloudfront.FunctionAssociation(
                    event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                    function=cloudfront.Function(
                        self,
                        "Locked",
                        code=cloudfront.FunctionCode.from_inline(LOCKED_FUNCTION_CODE),
                        runtime=cloudfront.FunctionRuntime.JS_2_0,
                        comment="Media delivery is closed until a signing key is configured",
                    ),
                )
            ]
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Coursewave media (signed URLs)",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(media_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
                # The query string (Expires, Signature, Key-Pair-Id) is checked at the edge and
                # left out of the cache key: every viewer's own short-lived URL of a segment hits
                # the same cached object.
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                # HLS players in browsers fetch segments cross-origin, through the API's segment
                # redirect: a cross-origin redirect sends `Origin: null`, so only `*` (no
                # credentials: the signature is in the URL) lets the player read the segment.
                response_headers_policy=cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS,
                trusted_key_groups=trusted_key_groups,
                function_associations=function_associations,
            ),
            web_acl_id=web_acl_arn,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/media/",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        acknowledge_distribution(self.distribution, waf=web_acl_arn is not None)

    @property
    def signing(self) -> MediaSigning:
        return MediaSigning(
            domain_name=self.distribution.distribution_domain_name,
            key_secret=self.signing_key_secret,
            key_secret_name=self.signing_key_secret_name,
            key_id=self.public_key.public_key_id if self.public_key else None,
        )
