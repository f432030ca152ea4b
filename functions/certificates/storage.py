"""Certificate PDFs in the certificates bucket (private), handed out as short-lived SigV4
presigned GETs. Keys are ``certificates/<certificate id>.pdf``: no name in a key."""

from __future__ import annotations

from coursewave.config import settings
from coursewave.s3 import s3_client

PDF_URL_SECONDS = 300


def _bucket() -> str:
    return settings().require("certificates_bucket")


def pdf_key(certificate_id: str) -> str:
    return f"certificates/{certificate_id}.pdf"


def put_pdf(key: str, body: bytes) -> None:
    """Write (or overwrite: the same certificate renders the same bytes) a certificate PDF."""
    s3_client().put_object(
        Bucket=_bucket(),
        Key=key,
        Body=body,
        ContentType="application/pdf",
        ServerSideEncryption="AES256",
    )


def delete_pdf(key: str) -> None:
    s3_client().delete_object(Bucket=_bucket(), Key=key)


def pdf_url(key: str, certificate_id: str) -> str:
    """A GET URL for the PDF valid ``PDF_URL_SECONDS``, downloaded as ``<id>.pdf``."""
    return s3_client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": _bucket(),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{certificate_id}.pdf"',
            "ResponseContentType": "application/pdf",
        },
        ExpiresIn=PDF_URL_SECONDS,
    )
