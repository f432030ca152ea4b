"""CloudFront in front of the API and the media bucket, with WAF rate limits (us-east-1)."""

from __future__ import annotations

import json
from typing import Any

from infra_cdk.edge import AUTH_PATH_PREFIX, VIEWER_ADDRESS_HEADER, WAF_REGION
from tests.infra.conftest import Build

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _distribution(build: Build, comment: str) -> dict[str, Any]:
    for distribution in build.resources("AWS::CloudFront::Distribution").values():
        config = distribution["Properties"]["DistributionConfig"]
        if config["Comment"].startswith(comment):
            return config
    raise AssertionError(f"no distribution {comment}")


def _web_acl(build: Build, suffix: str) -> tuple[str, dict[str, Any]]:
    for logical_id, acl in build.resources("AWS::WAFv2::WebACL").items():
        if acl["Properties"]["Name"].endswith(suffix):
            return logical_id, acl["Properties"]
    raise AssertionError(f"no web ACL {suffix}")


def _rate_rules(acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        rule["Name"]: rule["Statement"]["RateBasedStatement"]
        for rule in acl["Rules"]
        if "RateBasedStatement" in rule["Statement"]
    }


def test_the_api_web_acl_has_managed_rules_and_per_ip_rate_limits(default: Build) -> None:
    _, acl = _web_acl(default, "-api")
    managed = [
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for rule in acl["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    ]
    rates = _rate_rules(acl)
    settings = default.stack.settings

    assert acl["Scope"] == "CLOUDFRONT"
    assert "AWSManagedRulesCommonRuleSet" in managed
    assert rates["RatePerIp"]["Limit"] == settings.waf_rate_limit
    assert rates["RatePerIp"]["AggregateKeyType"] == "IP"
    auth = rates["AuthRatePerIp"]
    assert auth["Limit"] == settings.waf_auth_rate_limit < settings.waf_rate_limit
    match = auth["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["SearchString"] == AUTH_PATH_PREFIX
    assert match["PositionalConstraint"] == "STARTS_WITH"
    assert match["FieldToMatch"] == {"UriPath": {}}


def test_web_acls_log_without_the_authorization_header(default: Build) -> None:
    for logging in default.resources("AWS::WAFv2::LoggingConfiguration").values():
        assert logging["Properties"]["RedactedFields"] == [
            {"SingleHeader": {"Name": "authorization"}}
        ]
    assert len(default.resources("AWS::WAFv2::LoggingConfiguration")) == 2


def test_both_distributions_carry_a_web_acl(default: Build) -> None:
    api_acl, _ = _web_acl(default, "-api")
    media_acl, _ = _web_acl(default, "-media")

    assert _distribution(default, "Coursewave API")["WebACLId"] == {"Fn::GetAtt": [api_acl, "Arn"]}
    assert _distribution(default, "Coursewave media")["WebACLId"] == {
        "Fn::GetAtt": [media_acl, "Arn"]
    }


def test_with_waf_the_template_insists_on_us_east_1(default: Build, full: Build) -> None:
    rules = default.json["Rules"]
    waf_rules = [rule for name, rule in rules.items() if "WafRegion" in name]

    assert len(waf_rules) == 1
    assertion = waf_rules[0]["Assertions"][0]["Assert"]
    assert assertion == {"Fn::Equals": [{"Ref": "AWS::Region"}, WAF_REGION]}
    assert not [name for name in full.json.get("Rules", {}) if "WafRegion" in name]
    assert full.resources("AWS::WAFv2::WebACL") == {}


def test_the_api_distribution_forwards_everything_but_host_and_caches_nothing(
    default: Build,
) -> None:
    config = _distribution(default, "Coursewave API")
    behavior = config["DefaultCacheBehavior"]
    origin = config["Origins"][0]

    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert sorted(behavior["AllowedMethods"]) == sorted(
        ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
    )
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert "execute-api" in json.dumps(origin["DomainName"])
    assert config["Logging"]["Prefix"] == "cloudfront/api/"


def test_the_api_learns_the_viewer_address_from_cloudfront_not_the_viewer(full: Build) -> None:
    function_id, function = next(iter(full.resources("AWS::CloudFront::Function").items()))
    associations = _distribution(full, "Coursewave API")["DefaultCacheBehavior"][
        "FunctionAssociations"
    ]
    _, health = full.function("health")

    assert associations == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [function_id, "FunctionARN"]}}
    ]
    code = function["Properties"]["FunctionCode"]
    assert f"headers['{VIEWER_ADDRESS_HEADER}'] = {{ value: event.viewer.ip }}" in code
    assert health["Environment"]["Variables"]["CLIENT_IP_HEADER"] == VIEWER_ADDRESS_HEADER


def test_media_is_private_behind_origin_access_control_and_signed_urls(full: Build) -> None:
    config = _distribution(full, "Coursewave media")
    behavior = config["DefaultCacheBehavior"]
    key_group_id = next(iter(full.resources("AWS::CloudFront::KeyGroup")))

    assert behavior["TrustedKeyGroups"] == [{"Ref": key_group_id}]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "OriginAccessControlId" in config["Origins"][0]
    assert full.only("AWS::CloudFront::PublicKey")["Properties"]["PublicKeyConfig"][
        "EncodedKey"
    ].startswith("-----BEGIN PUBLIC KEY-----")


def test_segment_redirects_share_the_cache_and_can_be_read_by_a_redirected_player(
    full: Build,
) -> None:
    behavior = _distribution(full, "Coursewave media")["DefaultCacheBehavior"]

    # CachingOptimized: no query string in the cache key (each viewer's signature differs)
    assert behavior["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    # CORS-With-Preflight allow-all: a cross-origin redirect arrives with `Origin: null`
    assert behavior["ResponseHeadersPolicyId"] == "60669652-455b-4ae9-85a4-c4c02393f86c"
    assert behavior["AllowedMethods"] == ["GET", "HEAD", "OPTIONS"]


def test_without_a_signing_key_the_media_cdn_refuses_every_request(default: Build) -> None:
    config = _distribution(default, "Coursewave media")
    associations = config["DefaultCacheBehavior"]["FunctionAssociations"]
    locked = [
        f["Properties"]
        for f in default.resources("AWS::CloudFront::Function").values()
        if "statusCode: 403" in f["Properties"]["FunctionCode"]
    ]

    assert default.resources("AWS::CloudFront::KeyGroup") == {}
    assert len(associations) == 1 and associations[0]["EventType"] == "viewer-request"
    assert len(locked) == 1
