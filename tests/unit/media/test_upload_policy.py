"""The presigned POST policy (moto enforces none of it, so the generated policy is the test)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from coursewave.config import reset_settings
from functions.media import domain, storage

BUCKET = "coursewave-test-uploads"


@pytest.fixture(autouse=True)
def uploads_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("UPLOADS_BUCKET", BUCKET)
    reset_settings()
    yield
    reset_settings()


def _policy(fields: dict[str, str]) -> dict:
    return json.loads(base64.b64decode(fields["policy"]))


def test_the_policy_is_sigv4_short_lived_and_binds_key_type_and_size() -> None:
    # Given an accepted video upload
    plan = domain.plan_upload("crs_1", "med_1", "lesson.mp4", "video/mp4", 1234)
    issued = datetime.now(UTC).replace(microsecond=0)  # expirations have whole seconds

    # When its presigned POST is generated
    url, fields = storage.presigned_post(
        plan.key, plan.content_type, plan.max_size_bytes, domain.UPLOAD_TTL_SECONDS
    )
    signed_by = datetime.now(UTC)  # the policy was generated between ``issued`` and now

    # Then the form is SigV4-signed...
    assert url.startswith(f"https://{BUCKET}.s3.")
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert fields["x-amz-credential"].endswith("/us-east-1/s3/aws4_request")
    assert datetime.strptime(fields["x-amz-date"], "%Y%m%dT%H%M%SZ").date() == issued.date()
    assert fields["x-amz-signature"]
    assert fields["key"] == "uploads/crs_1/med_1/source.mp4"
    assert fields["Content-Type"] == "video/mp4"

    # ...and the policy expires within 15 minutes and pins everything that matters
    policy = _policy(fields)
    expiration = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert issued < expiration <= signed_by + timedelta(minutes=15)
    conditions = policy["conditions"]
    assert {"key": "uploads/crs_1/med_1/source.mp4"} in conditions
    assert {"Content-Type": "video/mp4"} in conditions
    assert {"bucket": BUCKET} in conditions
    assert ["content-length-range", 1, 5 * 1024**3] in conditions
    assert {"x-amz-algorithm": "AWS4-HMAC-SHA256"} in conditions
    assert {"x-amz-credential": fields["x-amz-credential"]} in conditions
    assert {"x-amz-date": fields["x-amz-date"]} in conditions


def test_no_condition_lets_the_client_choose_a_key_or_a_type() -> None:
    plan = domain.plan_upload("crs_1", "med_2", "slide.png", "image/png", 10)
    _, fields = storage.presigned_post(plan.key, plan.content_type, plan.max_size_bytes, 900)

    for condition in _policy(fields)["conditions"]:
        # "starts-with" would let the browser pick another key or content type
        assert not (isinstance(condition, list) and condition[0] == "starts-with")
    assert ["content-length-range", 1, 10 * 1024**2] in _policy(fields)["conditions"]
