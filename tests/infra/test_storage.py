"""Buckets: private, TLS-only, encrypted, logged; uploads expire and feed EventBridge."""

from __future__ import annotations

from typing import Any

import pytest

from coursewave import resources
from infra_cdk.storage import NONCURRENT_VERSIONS_DAYS
from tests.infra.conftest import Build

BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}


def _bucket(build: Build, decl: resources.BucketDecl) -> tuple[str, dict[str, Any]]:
    found = {
        logical_id: bucket
        for logical_id, bucket in build.resources("AWS::S3::Bucket").items()
        if logical_id.startswith(f"Storage{decl.logical_id}")
    }
    assert len(found) == 1, f"one bucket for {decl.logical_id}"
    return next(iter(found.items()))


def _denies_insecure_transport(build: Build, logical_id: str) -> bool:
    for policy in build.resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] != {"Ref": logical_id}:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            condition = statement.get("Condition", {}).get("Bool", {})
            if statement["Effect"] == "Deny" and condition.get("aws:SecureTransport") == "false":
                return True
    return False


@pytest.mark.parametrize("decl", resources.BUCKETS, ids=lambda d: d.logical_id)
def test_every_declared_bucket_is_private_encrypted_tls_only_and_logged(
    default: Build, decl: resources.BucketDecl
) -> None:
    logical_id, bucket = _bucket(default, decl)
    props = bucket["Properties"]

    assert props["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert _denies_insecure_transport(default, logical_id)
    assert props["LoggingConfiguration"]["LogFilePrefix"] == f"s3/{decl.logical_id}/"
    assert bucket["DeletionPolicy"] == "Retain"
    rules = props["LifecycleConfiguration"]["Rules"]
    assert {"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}, "Status": "Enabled"} in [
        {k: v for k, v in rule.items() if k != "Id"} for rule in rules
    ]


def test_the_access_log_bucket_is_private_and_tls_only(default: Build) -> None:
    logs = {k: v for k, v in default.resources("AWS::S3::Bucket").items() if "AccessLogs" in k}
    assert len(logs) == 1
    logical_id, bucket = next(iter(logs.items()))
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert _denies_insecure_transport(default, logical_id)


def test_uploads_expire_abort_stale_multipart_and_allow_browser_post(default: Build) -> None:
    decl = resources.UPLOADS_BUCKET
    _, bucket = _bucket(default, decl)
    props = bucket["Properties"]

    rules = props["LifecycleConfiguration"]["Rules"]
    assert any(rule.get("ExpirationInDays") == decl.expire_after_days for rule in rules)
    assert "VersioningConfiguration" not in props
    cors = props["CorsConfiguration"]["CorsRules"]
    assert cors[0]["AllowedMethods"] == ["POST"]
    assert cors[0]["AllowedOrigins"] == list(resources.CORS.allow_origins)


def test_browser_upload_buckets_send_events_to_eventbridge(default: Build) -> None:
    notifications = default.only("Custom::S3BucketNotifications")
    uploads_id, _ = _bucket(default, resources.UPLOADS_BUCKET)

    assert notifications["Properties"]["BucketName"] == {"Ref": uploads_id}
    assert notifications["Properties"]["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {}
    }


LASTING = [decl for decl in resources.BUCKETS if decl.expire_after_days is None]


@pytest.mark.parametrize("decl", LASTING, ids=lambda d: d.logical_id)
def test_lasting_buckets_are_versioned_and_expire_old_versions(
    default: Build, decl: resources.BucketDecl
) -> None:
    _, bucket = _bucket(default, decl)
    props = bucket["Properties"]

    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert any(
        rule.get("NoncurrentVersionExpiration") == {"NoncurrentDays": NONCURRENT_VERSIONS_DAYS}
        for rule in props["LifecycleConfiguration"]["Rules"]
    )
