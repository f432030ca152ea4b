"""The S3 client of every domain that reads, writes or presigns objects.

Created on first use: boto3 (with s3transfer) costs a cold start that a function signing no URL
should not pay (docs/performance.md). SigV4 everywhere: boto3 would otherwise presign with SigV2
in us-east-1 (GOTCHAS.md), which S3 refuses for newer buckets and KMS-encrypted objects.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def s3_client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(signature_version="s3v4"))
