"""The transcode worker's entry points, as ``registry.ContainerWorkerDecl.module`` names them:
``main`` is the container's command (``python -m workers.transcode.entry``), ``lambda_handler``
the SQS batch handler the local runner feeds."""

from __future__ import annotations

import sys

from workers.transcode.container import main
from workers.transcode.local_adapter import lambda_handler

__all__ = ["lambda_handler", "main"]

if __name__ == "__main__":
    sys.exit(main())
