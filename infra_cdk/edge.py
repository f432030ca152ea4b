"""CloudFront in front of the API, and the WAF web ACLs on both distributions.

HTTP APIs cannot be associated with WAF, so the API is served through a CloudFront distribution
(no caching; every method; all viewer headers except Host, so ``Authorization`` and the query
string reach API Gateway) and the CLOUDFRONT-scoped web ACL is attached there. Such a web ACL
exists only in us-east-1: with WAF enabled the stack must be deployed there, which a template
rule checks before anything is created (docs/deploy.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws, CfnRule, CfnRuleAssertion, Fn
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names
from infra_cdk.settings import Settings

WAF_REGION = "us-east-1"
WAF_WINDOW_SECONDS = 300
AUTH_PATH_PREFIX = "/v1/auth/"
# The common rule set blocks bodies over 8 KB; the API accepts up to 1 MB (API.md), so that
# one rule only counts.
COMMON_RULES_COUNT_ONLY = ("SizeRestrictions_BODY",)
# The viewer's address, written by CloudFront (never taken from the viewer) for the functions'
# CLIENT_IP_HEADER: behind CloudFront, API Gateway's sourceIp is a CloudFront edge.
VIEWER_ADDRESS_HEADER = "x-coursewave-viewer-address"
VIEWER_ADDRESS_CODE = f"""
function handler(event) {{
  event.request.headers['{VIEWER_ADDRESS_HEADER}'] = {{ value: event.viewer.ip }};
  return event.request;
}}
"""


@dataclass(frozen=True)
class RateRule:
    name: str
    limit: int  # requests per IP per 5 minutes
    path_prefix: str | None = None


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _managed_rule(
    name: str, priority: int, count_only: tuple[str, ...] = ()
) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                    for rule in count_only
                ]
                or None,
            )
        ),
        visibility_config=_visibility(name),
    )


def _rate_rule(rule: RateRule, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    scope_down = None
    if rule.path_prefix:
        scope_down = wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                positional_constraint="STARTS_WITH",
                search_string=rule.path_prefix,
                text_transformations=[
                    wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="LOWERCASE")
                ],
            )
        )
    return wafv2.CfnWebACL.RuleProperty(
        name=rule.name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP",
                limit=rule.limit,
                evaluation_window_sec=WAF_WINDOW_SECONDS,
                scope_down_statement=scope_down,
            )
        ),
        visibility_config=_visibility(rule.name),
    )


class WebFirewall(Construct):
    """A CLOUDFRONT-scoped web ACL: AWS managed rules, then per-IP rate limits; logged."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: Names,
        name: str,
        rate_rules: tuple[RateRule, ...],
        common_rules: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        rules = []
        if common_rules:
            rules.append(_managed_rule("AWSManagedRulesCommonRuleSet", 0, COMMON_RULES_COUNT_ONLY))
            rules.append(_managed_rule("AWSManagedRulesKnownBadInputsRuleSet", 1))
        rules += [_rate_rule(rule, 10 + i) for i, rule in enumerate(rate_rules)]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=names.resource(name),
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(names.resource(name)),
            rules=rules,
        )
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=names.waf_log_group(name),
            retention=logs.RetentionDays.ONE_MONTH,
        )
        wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[
                # WAF wants the log group ARN without the trailing ":*".
                Fn.select(0, Fn.split(":*", log_group.log_group_arn))
            ],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                    single_header={"Name": "authorization"}
                )
            ],
        )

    @property
    def arn(self) -> str:
        return self.web_acl.attr_arn


class EdgeFirewalls(Construct):
    """The API's and the media CDN's web ACLs (none with context ``waf=false``).

    Media gets only a generous per-IP rate limit: a player fetches a segment every few seconds
    and a classroom may share one address; the API gets the managed rule sets as well, and a
    much stricter limit on sign-in, registration and password-reset paths.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, names: Names, settings: Settings
    ) -> None:
        super().__init__(scope, construct_id)
        self.api_acl_arn: str | None = None
        self.media_acl_arn: str | None = None
        if not settings.waf:
            return
        require_waf_region(self)
        self.api_acl_arn = WebFirewall(
            self,
            "Api",
            names=names,
            name="api",
            common_rules=True,
            rate_rules=(
                RateRule("RatePerIp", settings.waf_rate_limit),
                RateRule("AuthRatePerIp", settings.waf_auth_rate_limit, AUTH_PATH_PREFIX),
            ),
        ).arn
        self.media_acl_arn = WebFirewall(
            self,
            "Media",
            names=names,
            name="media",
            common_rules=False,
            rate_rules=(RateRule("RatePerIp", settings.waf_media_rate_limit),),
        ).arn


def require_waf_region(scope: Construct) -> None:
    """Fail the deployment early, with a clear message, outside us-east-1."""
    CfnRule(
        scope,
        "WafRegion",
        assertions=[
            CfnRuleAssertion(
                assert_=Fn.condition_equals(Aws.REGION, WAF_REGION),
                assert_description=(
                    "With WAF enabled this stack must be deployed to us-east-1 (CLOUDFRONT-scoped "
                    "web ACLs exist only there); deploy with -c waf=false elsewhere."
                ),
            )
        ],
    )


def acknowledge_distribution(distribution: cloudfront.Distribution, *, waf: bool) -> None:
    acknowledge(
        distribution,
        "AwsSolutions-CFR1",
        "Coursewave serves learners worldwide; no country is excluded by policy.",
    )
    acknowledge(
        distribution,
        "AwsSolutions-CFR4",
        "Served on the default *.cloudfront.net certificate (no custom domain configured), "
        "where CloudFront cannot pin a minimum TLS version; viewers are redirected to HTTPS.",
    )
    if not waf:
        acknowledge(
            distribution,
            "AwsSolutions-CFR2",
            "WAF disabled by the operator (context waf=false) to deploy outside us-east-1; "
            "API Gateway stage throttling still applies.",
        )


class ApiDistribution(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_domain_name: str,
        web_acl_arn: str | None,
        log_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Coursewave API",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.HttpOrigin(
                    api_domain_name,
                    protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                    origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                ),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                        function=cloudfront.Function(
                            self,
                            "ViewerAddress",
                            code=cloudfront.FunctionCode.from_inline(VIEWER_ADDRESS_CODE),
                            runtime=cloudfront.FunctionRuntime.JS_2_0,
                            comment="Passes the viewer's IP address to the API",
                        ),
                    )
                ],
            ),
            web_acl_id=web_acl_arn,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/api/",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
        )
        acknowledge_distribution(self.distribution, waf=web_acl_arn is not None)

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"
