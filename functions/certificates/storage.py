"""Certificate PDFs in the certificates bucket (private), handed out as short-lived SigV4
presigned GETs. Keys are ``certificates/<certificate id>.pdf``: no name in a key."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from coursewave.config import settings

PDF_URL_SECONDS = 300


@cache
def _s3() -> Any:
    # SigV4: boto3 would otherwise presign with SigV2 in us-east-1 (GOTCHAS.md).
    return boto3.client("s3", config=Config(signature_version="s3v4"))


def _bucket() -> str:
    return settings().require("certificates_bucket")


def pdf_key(certificate_id: str) -> str:
    return f"certificates/{certificate_id}.pdf"


def put_pdf(key: str, body: bytes) -> None:
    """Write (or overwrite: the same certificate renders the same bytes) a certificate PDF."""
    _s3().put_object(
        Bucket=_bucket(),
        Key=key,
        Body=body,
        ContentType="application/pdf",
        ServerSideEncryption="AES256",
    )


def delete_pdf(key: str) -> None:
    _s3().delete_object(Bucket=_bucket(), Key=key)


def pdf_url(key: str, certificate_id: str) -> str:
    """A GET URL for the PDF valid ``PDF_URL_SECONDS``, downloaded as ``<id>.pdf``."""
    return _s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": _bucket(),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{certificate_id}.pdf"',
            "ResponseContentType": "application/pdf",
        },
        ExpiresIn=PDF_URL_SECONDS,
    )
