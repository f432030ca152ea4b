"""The analytics consumers' rules match the code they feed: the counters' queue carries exactly
the counted events, and the lake's takes every publisher's events."""

from __future__ import annotations

from coursewave.event_models import EVENTS
from functions import registry
from functions.analytics import domain


def _consumer(name: str) -> registry.ConsumerDecl:
    return next(c for c in registry.CONSUMERS if c.name == name)


def test_the_counters_queue_carries_exactly_the_counted_events() -> None:
    counters = _consumer("analytics-counters")
    assert set(counters.detail_types) == set(domain.RULES)
    publishers = {f"coursewave.{EVENTS[name].publisher}" for name in domain.RULES}
    assert set(counters.sources) == publishers


def test_the_lake_takes_every_event_of_every_publisher() -> None:
    lake = _consumer("analytics-lake")
    assert lake.pattern == {"source": list(lake.sources)}  # every detail type
    publishers = {f"coursewave.{model.publisher}" for model in EVENTS.values()}
    assert publishers <= set(lake.sources), "a publisher's events would miss the lake"
