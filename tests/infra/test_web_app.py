"""The web app's hosting: a private bucket behind CloudFront with Origin Access Control, HTTPS,
security headers with the shared CSP, the app's routes served as index.html, and /config.json
written at deploy time with the API's URL; every function knows the app's URL."""

from __future__ import annotations

import json
from typing import Any

from coursewave import resources
from infra_cdk.web_app import SPA_ROUTES_CODE, WEB_DIST
from tests.infra.conftest import WEB_APP_URL, Build


def _web_distribution(build: Build) -> dict[str, Any]:
    for distribution in build.resources("AWS::CloudFront::Distribution").values():
        config = distribution["Properties"]["DistributionConfig"]
        if config["Comment"] == "Coursewave web app":
            return config
    raise AssertionError("no web app distribution")


def _headers_policy(build: Build) -> dict[str, Any]:
    policies = build.resources("AWS::CloudFront::ResponseHeadersPolicy")
    for policy in policies.values():
        config = policy["Properties"]["ResponseHeadersPolicyConfig"]
        if config.get("Comment", "").startswith("Coursewave web app"):
            return config
    raise AssertionError("no web app response headers policy")


def _web_bucket_id(build: Build) -> str:
    [(logical_id, _)] = [
        (logical_id, bucket)
        for logical_id, bucket in build.resources("AWS::S3::Bucket").items()
        if logical_id.startswith("WebAppBucket")
    ]
    return logical_id


def test_the_web_bucket_is_private_and_reached_only_through_origin_access_control(
    default: Build,
) -> None:
    bucket_id = _web_bucket_id(default)
    bucket = default.json["Resources"][bucket_id]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "WebsiteConfiguration" not in bucket
    config = _web_distribution(default)
    [origin] = config["Origins"]
    assert "OriginAccessControlId" in origin
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    policy = json.dumps(default.resources("AWS::S3::BucketPolicy"))
    assert "cloudfront.amazonaws.com" in policy and "AWS:SourceArn" in policy


def test_the_app_is_served_over_https_with_security_headers_and_a_strict_csp(
    default: Build,
) -> None:
    config = _web_distribution(default)
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert config["DefaultRootObject"] == "index.html"
    headers = _headers_policy(default)["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    csp = json.dumps(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    # The API's CloudFront URL and the media CDN are reachable from the page.
    assert "connect-src 'self' https://" in csp and "ApiEdge" in csp and "MediaDelivery" in csp


def test_app_routes_are_rewritten_to_index_html_and_assets_are_not(default: Build) -> None:
    [function] = [
        fn["Properties"]
        for fn in default.resources("AWS::CloudFront::Function").values()
        if fn["Properties"]["FunctionConfig"]["Comment"].startswith("The web app's own routes")
    ]
    assert function["FunctionCode"] == SPA_ROUTES_CODE
    assert "indexOf('.') === -1" in SPA_ROUTES_CODE


def test_the_build_and_its_config_are_deployed_with_the_api_url(default: Build) -> None:
    assert (WEB_DIST / "index.html").exists(), "build the web app first: make setup"
    [deployment] = default.resources("Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    assert len(props["SourceObjectKeys"]) == 2  # the build and config.json
    markers = json.dumps(props.get("SourceMarkers", []))
    assert "ApiEdge" in markers  # config.json's api_url is the API's CloudFront URL
    assert props["DistributionPaths"] == ["/index.html", "/config.json"]
    outputs = default.json["Outputs"]
    assert "WebAppUrl" in outputs and "WebAppBucketName" in outputs


def test_every_function_knows_the_web_app_url_the_stack_deploys(default: Build) -> None:
    # Stripe's return pages and the certificates' verification page (the QR code) are the web
    # app's: by default the stack's own distribution.
    [(web_id, _)] = [
        (logical_id, distribution)
        for logical_id, distribution in default.resources("AWS::CloudFront::Distribution").items()
        if distribution["Properties"]["DistributionConfig"]["Comment"] == "Coursewave web app"
    ]
    for decl in default.declarations.functions:
        _, props = default.function(decl.name)
        url = props["Environment"]["Variables"][resources.WEB_APP_URL.env]
        assert url == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [web_id, "DomainName"]}]]}


def test_a_web_app_url_in_context_reaches_every_function(full: Build) -> None:
    for decl in full.declarations.functions:
        _, props = full.function(decl.name)
        assert props["Environment"]["Variables"][resources.WEB_APP_URL.env] == WEB_APP_URL
