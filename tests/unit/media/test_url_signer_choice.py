"""Which ``UrlSigner`` playback uses (``functions.media.storage.url_signer``): CloudFront signed
URLs with the private key read from Secrets Manager when a media CDN is configured (AWS), S3
presigned GETs otherwise (the local runner); a CDN configured without its key is an error, never
a silent fall-back to unsigned or S3 URLs. The signers themselves: ``test_url_signers.py``."""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from moto import mock_aws

from coursewave.config import settings
from coursewave.errors import ConfigurationError
from functions.media import storage

CDN = "d111.cloudfront.net"
KEY_ID = "K2JCJMDEHXQW5F"
SECRET_NAME = "coursewave-test/media-signing-key"


def _clear_caches() -> None:
    settings.cache_clear()
    storage._secret.cache_clear()
    storage._cloudfront_urls.cache_clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("MEDIA_CDN_DOMAIN", "MEDIA_SIGNING_KEY_ID", "MEDIA_SIGNING_KEY_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIA_BUCKET", "coursewave-test-media")
    _clear_caches()
    with mock_aws():
        yield
    _clear_caches()


@pytest.fixture
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _store_key(key: rsa.RSAPrivateKey) -> str:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return boto3.client("secretsmanager").create_secret(Name=SECRET_NAME, SecretString=pem)["ARN"]


def _configure_cdn(monkeypatch: pytest.MonkeyPatch, secret_id: str) -> None:
    monkeypatch.setenv("MEDIA_CDN_DOMAIN", CDN)
    monkeypatch.setenv("MEDIA_SIGNING_KEY_ID", KEY_ID)
    monkeypatch.setenv("MEDIA_SIGNING_KEY_SECRET", secret_id)
    settings.cache_clear()


@pytest.mark.usefixtures("aws")
def test_with_a_media_cdn_urls_are_cloudfront_signed_with_the_key_from_the_secret(
    monkeypatch: pytest.MonkeyPatch, signing_key: rsa.RSAPrivateKey
) -> None:
    _configure_cdn(monkeypatch, _store_key(signing_key))
    expires = int(time.time()) + 600

    signer = storage.url_signer()
    url = signer.url("media/med_1/run/720p/seg_00000.ts", expires)

    assert isinstance(signer, storage.CloudFrontSignedUrls)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        f"https://{CDN}/media/med_1/run/720p/seg_00000.ts"
    )
    assert query["Key-Pair-Id"] == [KEY_ID] and query["Expires"] == [str(expires)]
    assert "X-Amz-Signature" not in query
    # Signed with the secret's key: its public half verifies the canned policy.
    policy = (
        f'{{"Statement":[{{"Resource":"https://{CDN}/media/med_1/run/720p/seg_00000.ts",'
        f'"Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}'
    )
    signature = base64.b64decode(
        query["Signature"][0].replace("-", "+").replace("_", "=").replace("~", "/")
    )
    signing_key.public_key().verify(
        signature,
        policy.encode(),
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303 - CloudFront's canned policy is RSA-SHA1
    )


@pytest.mark.usefixtures("aws")
def test_the_signing_key_is_read_from_secrets_manager_once_per_container(
    monkeypatch: pytest.MonkeyPatch, signing_key: rsa.RSAPrivateKey
) -> None:
    secret_arn = _store_key(signing_key)
    _configure_cdn(monkeypatch, secret_arn)
    reads: list[str] = []
    real = storage._secret.__wrapped__

    def counting(secret_id: str) -> str:
        reads.append(secret_id)
        return real(secret_id)

    monkeypatch.setattr(storage, "_secret", functools.cache(counting))
    storage._cloudfront_urls.cache_clear()

    first = storage.url_signer()
    second = storage.url_signer()

    assert first is second
    assert reads == [secret_arn]


@pytest.mark.usefixtures("aws")
def test_a_media_cdn_without_its_signing_key_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEDIA_CDN_DOMAIN", CDN)
    monkeypatch.setenv("MEDIA_SIGNING_KEY_ID", KEY_ID)
    settings.cache_clear()

    with pytest.raises(ConfigurationError, match="MEDIA_SIGNING_KEY_SECRET"):
        storage.url_signer()


@pytest.mark.usefixtures("aws")
def test_a_missing_secret_fails_loudly_instead_of_signing_with_s3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _configure_cdn(monkeypatch, "coursewave-test/no-such-secret")

    with pytest.raises(boto3.client("secretsmanager").exceptions.ResourceNotFoundException):
        storage.url_signer()


@pytest.mark.usefixtures("aws")
def test_without_a_media_cdn_urls_are_s3_presigned_sigv4() -> None:
    signer = storage.url_signer()
    url = signer.url("media/med_1/run/720p/seg_00000.ts", int(time.time()) + 600)

    assert isinstance(signer, storage.S3PresignedUrls)
    assert signer.bucket == "coursewave-test-media"
    assert parse_qs(urlsplit(url).query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
