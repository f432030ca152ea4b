"""Every function, API route, event consumer and state machine of the platform, declared once.

The CDK app and the local runner both read this module: the same handler modules, the same
routes (collected from each domain's ``Api``), the same event rules, queues and workflows.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from coursewave.api import Api, RouteSpec

# What a function may touch; the CDK app grants exactly these and sets their environment.
TABLE = "table"
BUS = "bus"
USER_POOL = "user_pool"
UPLOADS = "uploads_bucket"
MEDIA = "media_bucket"
CERTIFICATES = "certificates_bucket"
MAIL = "mail"


@dataclass(frozen=True)
class FunctionDecl:
    name: str
    module: str
    uses: frozenset[str]
    memory_mb: int = 512
    timeout_seconds: int = 15
    description: str = ""

    @property
    def handler(self) -> str:
        return f"{self.module}.lambda_handler"


@dataclass(frozen=True)
class ConsumerDecl:
    """An EventBridge rule on the bus → an SQS queue (+ DLQ) → a function, in batches."""

    name: str
    function: str | None  # None: the queue is drained by a container worker (CONTAINER_WORKERS)
    sources: tuple[str, ...] = ()  # empty: a work queue fed directly (e.g. by a state machine)
    detail_types: tuple[str, ...] = ()
    env: str | None = None  # set when other code needs the queue's URL
    batch_size: int = 10
    max_receive_count: int = 5
    visibility_timeout_seconds: int = 60

    @property
    def pattern(self) -> dict[str, Any]:
        return {"source": list(self.sources), "detail-type": list(self.detail_types)}


@dataclass(frozen=True)
class ContainerWorkerDecl:
    """Long work (FFmpeg) that runs as a container in AWS and as a queue poller locally.

    ``module`` exposes ``main()`` (the container's long-polling loop) and ``lambda_handler`` (an SQS
    batch handler, which the local runner feeds from the same queue).
    """

    name: str
    queue: str  # the ConsumerDecl name of its work queue
    module: str
    uses: frozenset[str]
    cpu: int = 2048
    memory_mb: int = 4096

    @property
    def command(self) -> list[str]:
        return ["python", "-m", self.module]


@dataclass(frozen=True)
class StreamConsumerDecl:
    """A function fed from the table's stream, filtered to one entity type."""

    name: str
    function: str
    entity: str
    batch_size: int = 25


@dataclass(frozen=True)
class StateMachineDecl:
    name: str
    definition: str  # path of the ASL file, relative to the repository root
    # ``${Placeholder}`` in the ASL → the environment variable (resource) whose value replaces it
    substitutions: dict[str, str] = field(default_factory=dict)
    # An EventBridge pattern that starts an execution, and the bus it listens on.
    trigger: dict[str, Any] | None = None
    trigger_bus: str = "default"


FUNCTIONS: tuple[FunctionDecl, ...] = (
    FunctionDecl(
        name="health",
        module="functions.health.handler",
        uses=frozenset({TABLE}),
        memory_mb=256,
        timeout_seconds=10,
        description="Health check and the fallback for unknown routes",
    ),
    FunctionDecl(
        name="outbox",
        module="functions.outbox.handler",
        uses=frozenset({TABLE, BUS}),
        memory_mb=256,
        timeout_seconds=30,
        description="Relays outbox events from the table stream to the event bus",
    ),
)

# Unknown routes reach this function, so their 404 carries the error envelope in AWS too.
DEFAULT_ROUTE_FUNCTION = "health"

CONSUMERS: tuple[ConsumerDecl, ...] = ()

CONTAINER_WORKERS: tuple[ContainerWorkerDecl, ...] = ()

STREAM_CONSUMERS: tuple[StreamConsumerDecl, ...] = (
    StreamConsumerDecl(name="outbox-relay", function="outbox", entity="OutboxEvent"),
)

STATE_MACHINES: tuple[StateMachineDecl, ...] = ()


def function(name: str) -> FunctionDecl:
    for decl in FUNCTIONS:
        if decl.name == name:
            return decl
    raise KeyError(name)


def handler_module(name: str) -> Any:
    return importlib.import_module(function(name).module)


@cache
def apis() -> dict[str, Api]:
    """The ``Api`` of every function that serves HTTP routes, by function name."""
    found = {}
    for decl in FUNCTIONS:
        app = getattr(importlib.import_module(decl.module), "app", None)
        if isinstance(app, Api):
            found[decl.name] = app
    return found


def routes() -> list[RouteSpec]:
    """Every declared route, in declaration order."""
    return [spec for app in apis().values() for spec in app.routes]
