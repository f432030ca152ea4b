"""Gradebook exports in S3: the CSV object and its short-lived download URL (SigV4)."""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.config import Config

from coursewave.config import settings

DOWNLOAD_SECONDS = 300


@cache
def _s3() -> Any:
    # SigV4: boto3 would presign with SigV2 in us-east-1 (docs/GOTCHAS).
    import boto3  # on first use (docs/performance.md)

    return boto3.client("s3", config=Config(signature_version="s3v4"))


def put_csv(key: str, body: bytes, filename: str) -> None:
    _s3().put_object(
        Bucket=settings().require("exports_bucket"),
        Key=key,
        Body=body,
        ContentType="text/csv; charset=utf-8",
        ContentDisposition=f'attachment; filename="{filename}"',
    )


def download_url(key: str) -> str:
    return _s3().generate_presigned_url(
        "get_object",
        Params={"Bucket": settings().require("exports_bucket"), "Key": key},
        ExpiresIn=DOWNLOAD_SECONDS,
    )
