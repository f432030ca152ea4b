"""What the platform declares, gathered once from ``functions/registry.py``.

The stack reads this snapshot instead of the registry module so tests can build it with extra
declarations (a consumer, a state machine, a container worker) next to the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from coursewave.api import RouteSpec
from functions import registry
from functions.registry import (
    ConsumerDecl,
    ContainerWorkerDecl,
    FunctionDecl,
    ScheduleDecl,
    StateMachineDecl,
    StreamConsumerDecl,
)


@dataclass(frozen=True)
class Route:
    spec: RouteSpec
    function: str

    @property
    def key(self) -> str:
        return self.spec.route_key

    @property
    def public(self) -> bool:
        return self.spec.access.public


@dataclass(frozen=True)
class Declarations:
    functions: tuple[FunctionDecl, ...]
    routes: tuple[Route, ...]
    default_route_function: str
    consumers: tuple[ConsumerDecl, ...] = ()
    stream_consumers: tuple[StreamConsumerDecl, ...] = ()
    state_machines: tuple[StateMachineDecl, ...] = ()
    container_workers: tuple[ContainerWorkerDecl, ...] = ()
    schedules: tuple[ScheduleDecl, ...] = ()

    @classmethod
    def from_registry(cls) -> Declarations:
        routes = tuple(
            Route(spec=spec, function=function)
            for function, api in registry.apis().items()
            for spec in api.routes
        )
        return cls(
            functions=tuple(registry.FUNCTIONS),
            routes=routes,
            default_route_function=registry.DEFAULT_ROUTE_FUNCTION,
            consumers=tuple(registry.CONSUMERS),
            stream_consumers=tuple(registry.STREAM_CONSUMERS),
            state_machines=tuple(registry.STATE_MACHINES),
            container_workers=tuple(registry.CONTAINER_WORKERS),
            schedules=tuple(registry.SCHEDULES),
        )

    def with_additions(self, **more: tuple[object, ...]) -> Declarations:
        """A copy with extra declarations appended (tests use it to cover empty code paths)."""
        extended = {name: getattr(self, name) + tuple(items) for name, items in more.items()}
        return replace(self, **extended)

    @property
    def http_functions(self) -> frozenset[str]:
        """Functions that serve API routes (they answer requests, so they may never Scan)."""
        return frozenset(route.function for route in self.routes) | {self.default_route_function}
