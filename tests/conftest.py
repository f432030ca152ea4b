"""Settings every suite shares. Fake AWS credentials are set before anything creates a client."""

from __future__ import annotations

import os

for _name in list(os.environ):
    if _name.startswith("AWS_"):
        del os.environ[_name]
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "COURSEWAVE_ACCESS_LOG": "0",
    }
)

import moto  # noqa: E402,F401  - patches botocore before any client exists

from local import moto_transactions  # noqa: E402
from tests.support import botocore_data  # noqa: E402

botocore_data.share_loader()
moto_transactions.install()

pytest_plugins = ["tests.support.authz", "pytester"]
