"""The worker as an SQS batch handler (``ReportBatchItemFailures``): the local runner's queue
poller feeds it from the same work queue the container long-polls in AWS."""

from __future__ import annotations

import logging
from typing import Any

from workers.transcode.messages import Outcome, Task
from workers.transcode.settings import WorkerSettings
from workers.transcode.worker import Worker

log = logging.getLogger("coursewave.transcode")

_worker: Worker | None = None


def default_worker() -> Worker:
    global _worker
    if _worker is None:
        _worker = Worker(WorkerSettings.from_env())
    return _worker


def lambda_handler(event: dict[str, Any], context: Any, worker: Worker | None = None) -> dict:
    worker = worker or default_worker()
    failures = []
    for record in event.get("Records", []):
        task = Task.parse(record.get("body", ""))
        if task is None:
            log.error("dropping a message that is not a task: %s", record.get("messageId"))
            continue
        if worker.handle(task, record.get("receiptHandle")) is Outcome.RETRY:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
