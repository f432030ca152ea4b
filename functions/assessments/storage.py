"""Gradebook exports in S3: the CSV object and its short-lived download URL (SigV4)."""

from __future__ import annotations

from coursewave.config import settings
from coursewave.s3 import s3_client

DOWNLOAD_SECONDS = 300


def put_csv(key: str, body: bytes, filename: str) -> None:
    s3_client().put_object(
        Bucket=settings().require("exports_bucket"),
        Key=key,
        Body=body,
        ContentType="text/csv; charset=utf-8",
        ContentDisposition=f'attachment; filename="{filename}"',
    )


def download_url(key: str) -> str:
    return s3_client().generate_presigned_url(
        "get_object",
        Params={"Bucket": settings().require("exports_bucket"), "Key": key},
        ExpiresIn=DOWNLOAD_SECONDS,
    )
