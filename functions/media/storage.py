"""Media storage: presigned uploads, published files, signed URLs and the playback key.

``UrlSigner`` is the port through which every media URL leaves the platform. The deployment's
configuration picks the implementation: CloudFront signed URLs when a media CDN is configured
(``MEDIA_CDN_DOMAIN``, ``MEDIA_SIGNING_KEY_ID``, ``MEDIA_SIGNING_KEY_SECRET``), otherwise S3
presigned GETs (the local runner, against the moto server).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol
from urllib.parse import quote

from coursewave.clock import epoch_seconds
from coursewave.config import settings
from coursewave.s3 import s3_client


class UrlSigner(Protocol):
    def url(self, key: str, expires_at: int) -> str:
        """A GET URL for ``key`` in the media bucket, valid until ``expires_at`` (epoch s)."""
        ...


class S3PresignedUrls:
    """SigV4 presigned GETs straight from the bucket."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    def url(self, key: str, expires_at: int) -> str:
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=max(1, expires_at - epoch_seconds()),
        )


class CloudFrontSignedUrls:
    """Canned-policy signed URLs of the CloudFront distribution in front of the media bucket."""

    def __init__(self, domain: str, key_id: str, private_key_pem: str) -> None:
        from botocore.signers import CloudFrontSigner
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)

        def rsa_sign(message: bytes) -> bytes:
            # CloudFront's canned-policy signatures are RSA-SHA1 by specification (bandit B303:
            # the signature format is CloudFront's, not ours to choose).
            sha1 = hashes.SHA1()  # noqa: S303  # nosec B303
            return private_key.sign(message, padding.PKCS1v15(), sha1)  # type: ignore[union-attr,call-arg]

        self.domain = domain
        self._signer = CloudFrontSigner(key_id, rsa_sign)

    def url(self, key: str, expires_at: int) -> str:
        return self._signer.generate_presigned_url(
            f"https://{self.domain}/{quote(key)}",
            date_less_than=datetime.fromtimestamp(expires_at, UTC),
        )


@cache
def _secret(secret_id: str) -> str:
    import boto3

    return boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]


def url_signer() -> UrlSigner:
    config = settings()
    if config.media_cdn_domain:
        return _cloudfront_urls(
            config.media_cdn_domain,
            config.require("media_signing_key_id"),
            config.require("media_signing_key_secret"),
        )
    return S3PresignedUrls(config.require("media_bucket"), s3_client())


@cache
def _cloudfront_urls(domain: str, key_id: str, key_secret_id: str) -> CloudFrontSignedUrls:
    return CloudFrontSignedUrls(domain, key_id, _secret(key_secret_id))


def playback_key() -> bytes:
    """The HMAC key of playback tokens, from Secrets Manager (read once per container)."""
    return _secret(settings().require("playback_token_secret")).encode()


def presigned_post(
    key: str, content_type: str, max_size_bytes: int, expires_in: int
) -> tuple[str, dict[str, str]]:
    """(url, form fields) of a SigV4 POST policy bound to ``key`` and ``content_type``."""
    post = s3_client().generate_presigned_post(
        Bucket=settings().require("uploads_bucket"),
        Key=key,  # boto3 adds the exact {"key": key} condition
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_size_bytes]],
        ExpiresIn=expires_in,
    )
    return post["url"], post["fields"]


def read_published_text(key: str) -> str:
    """A published playlist from the media bucket."""
    body = s3_client().get_object(Bucket=settings().require("media_bucket"), Key=key)["Body"]
    return body.read().decode("utf-8")
