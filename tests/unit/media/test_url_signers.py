"""The two UrlSigner implementations: S3 presigned (local) and CloudFront signed (AWS)."""

from __future__ import annotations

import base64
import time
from urllib.parse import parse_qs, urlsplit

import boto3
from botocore.config import Config
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from functions.media.storage import CloudFrontSignedUrls, S3PresignedUrls


def test_s3_urls_are_sigv4_and_expire_with_the_grant() -> None:
    client = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="s3v4"))
    signer = S3PresignedUrls("coursewave-test-media", client)

    url = signer.url("media/med_1/run/720p/seg_00000.ts", int(time.time()) + 600)

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path.endswith("/media/med_1/run/720p/seg_00000.ts")
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 590 <= int(query["X-Amz-Expires"][0]) <= 600
    assert query["X-Amz-Signature"]


def test_cloudfront_urls_carry_a_verifiable_canned_policy_signature() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    signer = CloudFrontSignedUrls("d111.cloudfront.net", "K2JCJMDEHXQW5F", pem)
    expires = int(time.time()) + 600

    url = signer.url("media/med_1/run/720p/seg 1.ts", expires)

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://d111.cloudfront.net/media/med_1/run/720p/seg%201.ts"
    )
    assert query["Expires"] == [str(expires)]
    assert query["Key-Pair-Id"] == ["K2JCJMDEHXQW5F"]
    policy = (
        '{"Statement":[{"Resource":"https://d111.cloudfront.net/media/med_1/run/720p/seg%201.ts",'
        f'"Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}'
    )
    signature = base64.b64decode(
        query["Signature"][0].replace("-", "+").replace("_", "=").replace("~", "/")
    )
    key.public_key().verify(signature, policy.encode(), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
