"""The container's loop (ECS Fargate): long-poll the work queue, one task at a time, until
SIGTERM."""

from __future__ import annotations

import logging
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from workers.transcode.messages import Outcome, Task
from workers.transcode.settings import ConfigurationError, WorkerSettings
from workers.transcode.shutdown import SHUTDOWN, Interrupted
from workers.transcode.worker import Worker

log = logging.getLogger("coursewave.transcode")

POLL_BACKOFF_SECONDS = 5


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = WorkerSettings.from_env()
    if not settings.queue_url:
        raise ConfigurationError("missing setting TRANSCODE_QUEUE_URL")
    worker = Worker(settings, shutdown=SHUTDOWN)
    SHUTDOWN.install()
    log.info("transcode worker polling %s", settings.queue_url)
    while not SHUTDOWN.requested:
        try:
            for message in worker.queue.receive(settings.visibility_seconds):
                process(worker, message)
        except (ClientError, BotoCoreError) as error:
            log.warning("queue unavailable, polling again shortly: %r", error)
            time.sleep(POLL_BACKOFF_SECONDS)
    return 0


def process(worker: Worker, message: dict[str, Any]) -> None:
    """One received message: handled, then deleted unless it is to be retried."""
    receipt = message["ReceiptHandle"]
    task = Task.parse(message["Body"])
    if task is None:
        log.error("dropping a message that is not a task: %s", message["MessageId"])
        outcome = Outcome.DONE
    else:
        try:
            outcome = worker.handle(task, receipt)
        except Interrupted:
            worker.queue.hide(receipt, 0)  # visible again at once, for another worker
            return
    if outcome is Outcome.DONE:
        worker.queue.delete(receipt)
