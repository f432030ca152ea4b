"""The local runner's hand-offs that the transcode workflow waits on: long polling (a message
is taken as soon as it is sent, no idle back-off in between) and the ASL parsed once."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.stepfunctions.parser.asl.parse.asl_parser import (
    AmazonStateLanguageParser,
    ASLParserException,
)

from functions import registry
from local.pollers import HAND_OFF_WAIT_SECONDS, SqsPoller, StateMachineTarget
from local.runner import build_pollers, cache_asl_parse_trees
from tests.support.cloud import Platform

REPO = Path(__file__).resolve().parents[3]


class CountingEvent(threading.Event):
    """A ``stopping`` event that counts the idle pauses taken on it."""

    def __init__(self) -> None:
        super().__init__()
        self.pauses = 0

    def wait(self, timeout: float | None = None) -> bool:
        self.pauses += 1
        return super().wait(timeout)


def _quiet(_: str) -> None:
    return None


def test_a_long_polling_poller_takes_a_message_as_soon_as_it_is_sent(platform: Platform) -> None:
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName="hand-off")["QueueUrl"]
    handled: list[float] = []
    got = threading.Event()

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        handled.extend(time.monotonic() for _ in event["Records"])
        got.set()
        return {"batchItemFailures": []}

    poller = SqsPoller("hand-off", queue_url, handler, _quiet, batch_size=1, wait_seconds=1)
    poller.stopping = CountingEvent()
    receives: list[float] = []
    real_receive = poller.sqs.receive_message

    def receive(**kwargs: Any) -> Any:
        assert kwargs["WaitTimeSeconds"] == 1
        receives.append(time.monotonic())
        return real_receive(**kwargs)

    poller.sqs.receive_message = receive  # type: ignore[method-assign]
    poller.start()
    try:
        assert poller.idle.wait(10)  # a first long poll came back empty
        time.sleep(2.5)  # a backing-off poller would now pause a whole second between looks
        sent = time.monotonic()
        sqs.send_message(QueueUrl=queue_url, MessageBody="{}")
        assert got.wait(10)
    finally:
        poller.stop()
        poller.join(5)

    assert not poller.is_alive()
    assert handled[0] - sent < 0.8  # taken while the receive was waiting, not a poll later
    assert poller.stopping.pauses == 0  # it waited in ReceiveMessage, never in between
    # ...one receive per second or so while idle, not a busy loop
    assert len([t for t in receives if t < sent]) <= 6
    assert (
        sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        == "0"
    )


def test_a_poller_without_long_polling_still_looks_once_per_poll(platform: Platform) -> None:
    """The in-process test platform drains queues synchronously with ``poll_once``."""
    queue_url = boto3.client("sqs").create_queue(QueueName="drained")["QueueUrl"]
    poller = SqsPoller("drained", queue_url, lambda *_: None, _quiet)
    started = time.monotonic()
    assert poller.poll_once() is False
    assert time.monotonic() - started < 0.5
    assert poller.waits_for_work is False


def test_the_runner_long_polls_the_hand_offs_the_workflow_waits_on(platform: Platform) -> None:
    pollers = build_pollers(platform.provisioned, _quiet)
    sqs_pollers = [p for p in pollers if isinstance(p, SqsPoller)]
    workers = [p for p in sqs_pollers if p.target.startswith("container worker")]
    targets = [p for p in sqs_pollers if isinstance(p, StateMachineTarget)]
    assert len(workers) >= 2 and len(targets) == len(
        [m for m in registry.STATE_MACHINES if m.trigger]
    )
    for poller in workers + targets:
        assert (poller.wait_seconds, poller.waits_for_work) == (HAND_OFF_WAIT_SECONDS, True)
    # The event consumers keep the short idle back-off (tests wait for them to go idle).
    for poller in sqs_pollers:
        if poller not in workers + targets:
            assert (poller.wait_seconds, poller.waits_for_work) == (0, False)


def test_a_definition_is_parsed_once_and_evaluated_from_fresh_components() -> None:
    definition = (REPO / "statemachines/transcode.asl.json").read_text()
    cache_asl_parse_trees()
    cache_asl_parse_trees()  # idempotent: one cache, not a wrapper of a wrapper
    first, tree = AmazonStateLanguageParser.parse(definition)
    second, same_tree = AmazonStateLanguageParser.parse(definition)
    assert same_tree is tree
    assert second is not first  # an execution's state never leaks into the next one
    assert type(second) is type(first)
    for _ in range(2):  # a syntax error is raised every time, never cached as a result
        with pytest.raises(ASLParserException):
            AmazonStateLanguageParser.parse('{"StartAt": "A", "States": {"A": {"Type": }}}')
