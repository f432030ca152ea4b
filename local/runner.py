"""Start and stop the whole platform locally: moto, resources, pollers, gateway, demo data."""

from __future__ import annotations

import functools
import importlib
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

import requests

from coursewave import resources
from functions import registry
from local import fake_github, fake_lrs, payments, seed
from local.authorizer import JwtAuthorizer
from local.cloud import REGION, MotoCloud, Provisioned, apply_environment, provision
from local.docs import docs_routes
from local.fake_oauth import FAKE_COGNITO_PREFIX, FakeHostedUi
from local.fakes import FakeProviders
from local.gateway import Gateway, serve
from local.mailbox import Mailbox
from local.pollers import (
    HAND_OFF_WAIT_SECONDS,
    Poller,
    ScheduledPoller,
    SqsPoller,
    StateMachineTarget,
    StreamPoller,
    wait_until_idle,
)
from local.web import WebApp
from workers.transcode.settings import CHUNK_WORKERS_ENV

REQUIRED_TOOLS = ("ffmpeg", "ffprobe")
#: How many pollers feed each container worker locally (AWS: the service's task count), and
#: so how many parts of a long video are encoded at once.
WORKER_POOL_ENV = "COURSEWAVE_WORKER_POOL"
DEFAULT_WORKER_POOL = 2
# How long stopping waits for the pollers, all together (they are daemon threads: one still busy
# with a handler is left to the process exit).
POLLERS_STOP_SECONDS = 10.0


def _deliver_over_http(method: str, url: str, headers: dict[str, str], body: bytes) -> int:
    """A provider's webhook/callback, sent to the gateway as the real provider sends it."""
    return requests.request(method, url, headers=headers, data=body, timeout=30).status_code


class StartupError(RuntimeError):
    """Something the developer must fix before the platform can start (shown without a trace)."""


def reserve_port(host: str, port: int) -> socket.socket:
    """Listen on the gateway's port before anything else starts (port 0: any free port), so
    nothing can take it in between."""
    try:
        return socket.create_server((host, port))
    except OSError as exc:
        raise StartupError(
            f"port {port} on {host} is already in use; stop what uses it or set "
            "COURSEWAVE_PORT to another port"
        ) from exc


def check_tools() -> None:
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise StartupError(
            f"missing {', '.join(missing)} on PATH: run `make setup` (installs FFmpeg) "
            "or install it with your package manager"
        )


def cache_asl_parse_trees() -> None:
    """Parse each state machine definition once, not at every execution.

    moto's Step Functions runs ``AmazonStateLanguageParser.parse`` (ANTLR, pure Python) on the
    definition at every StartExecution: 0.3 to 1 s for the transcode workflow before its first
    state runs, a delay AWS does not have. The syntax tree depends on the text alone and is
    only read afterwards, so it is kept per definition; the evaluation components (which hold
    an execution's state) are still built fresh from it each time. Idempotent.
    """
    from antlr4 import CommonTokenStream, InputStream
    from moto.stepfunctions.parser.asl.antlr.runtime.ASLLexer import ASLLexer
    from moto.stepfunctions.parser.asl.antlr.runtime.ASLParser import ASLParser
    from moto.stepfunctions.parser.asl.parse import asl_parser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

    parser_class = asl_parser.AmazonStateLanguageParser
    if getattr(parser_class.parse, "caches_trees", False):
        return

    @functools.lru_cache(maxsize=64)
    def tree_of(definition: str) -> object:
        listener = asl_parser.SyntaxErrorListener()
        parser = ASLParser(CommonTokenStream(ASLLexer(InputStream(definition))))
        parser.removeErrorListeners()
        parser.addErrorListener(listener)
        tree = parser.state_machine()
        if listener.errors:
            raise asl_parser.ASLParserException(errors=listener.errors)  # not cached
        return tree

    def parse(definition: str) -> tuple[object, object]:
        tree = tree_of(definition)
        return Preprocessor().visit(tree), tree

    parse.caches_trees = True  # type: ignore[attr-defined]
    parser_class.parse = staticmethod(parse)  # type: ignore[method-assign,assignment]


def build_pollers(out: Provisioned, log: Callable[[str], None]) -> list[Poller]:
    """What stands in for AWS's event-source mappings, container workers and the EventBridge →
    Step Functions target, from the registry and what was provisioned (not started yet)."""
    pollers: list[Poller] = []
    for worker in registry.CONTAINER_WORKERS:
        pollers.extend(
            SqsPoller(
                f"{worker.name}-{index}",
                out.consumer_queues[worker.queue],
                importlib.import_module(worker.module).lambda_handler,
                log,
                batch_size=1,
                function_name=f"coursewave-{worker.name}",
                target=f"container worker {worker.module}",
                wait_seconds=HAND_OFF_WAIT_SECONDS,  # the workflow waits on this hand-off
            )
            for index in range(worker_pool_size())
        )
    for consumer in registry.CONSUMERS:
        if consumer.function is None:
            continue
        pollers.append(
            SqsPoller(
                consumer.name,
                out.consumer_queues[consumer.name],
                registry.handler_module(consumer.function).lambda_handler,
                log,
                batch_size=consumer.batch_size,
                function_name=f"coursewave-{consumer.function}",
                target=f"function {consumer.function}",
            )
        )
    for stream in registry.STREAM_CONSUMERS:
        pollers.append(
            StreamPoller(
                stream,
                out.table_stream_arn,
                registry.handler_module(stream.function).lambda_handler,
                log,
            )
        )
    for name, queue_url in out.state_machine_queues.items():
        pollers.append(
            StateMachineTarget(
                f"sfn-{name}",
                queue_url,
                out.state_machines[name],
                log,
                wait_seconds=HAND_OFF_WAIT_SECONDS,
            )
        )
    for schedule in registry.SCHEDULES:
        pollers.append(
            ScheduledPoller(
                schedule,
                registry.handler_module(schedule.function).lambda_handler,
                log,
                period_seconds=schedule_period(schedule),
            )
        )
    return pollers


def worker_pool_size() -> int:
    """``COURSEWAVE_WORKER_POOL`` (default 2): the local worker pool's size."""
    raw = os.environ.get(WORKER_POOL_ENV)
    if not raw:
        return DEFAULT_WORKER_POOL
    try:
        size = int(raw)
    except ValueError as exc:
        raise StartupError(f"{WORKER_POOL_ENV}={raw!r} must be a whole number") from exc
    if size < 1:
        raise StartupError(f"{WORKER_POOL_ENV}={raw!r} must be at least 1")
    return size


def schedule_period(schedule: registry.ScheduleDecl) -> float:
    """A schedule's local period: ``local_env`` (seconds) when set, else ``local_seconds``."""
    raw = os.environ.get(schedule.local_env) if schedule.local_env else None
    if not raw:
        return float(schedule.local_seconds)
    try:
        seconds = float(raw)
    except ValueError as exc:
        raise StartupError(f"{schedule.local_env}={raw!r} must be a number of seconds") from exc
    if seconds <= 0:
        raise StartupError(f"{schedule.local_env}={raw!r} must be positive")
    return seconds


@dataclass
class LocalPlatform:
    port: int
    host: str = "127.0.0.1"
    demo_password: str | None = None
    seed_demo: bool = True
    log: Callable[[str], None] = print
    cloud: MotoCloud | None = None
    provisioned: Provisioned | None = None
    pollers: list[Poller] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    mailbox: Mailbox | None = None
    demo: dict[str, str] = field(default_factory=dict)
    providers: FakeProviders | None = None
    lrs: fake_lrs.FakeLrs | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        check_tools()
        listener = reserve_port(self.host, self.port)
        self.port = listener.getsockname()[1]
        self.cloud = MotoCloud()
        self.cloud.start()
        cache_asl_parse_trees()
        self.log(f"moto server on {self.cloud.endpoint} (Step Functions execution on)")
        self.provisioned = provision(self.cloud.endpoint)
        # Absolute URLs the API hands out (e.g. playback URLs) point at this gateway.
        env = self.provisioned.env
        env[resources.PUBLIC_BASE_URL.env] = self.url
        # Stripe's success/cancel pages: the developer's web app when WEB_APP_URL is set, else
        # this gateway (the fake's checkout page then returns here).
        env[resources.WEB_APP_URL.env] = os.environ.get(resources.WEB_APP_URL.env) or self.url
        # OAuth sign-in goes through the local stand-in for Cognito's hosted UI (fake_oauth);
        # its demo landing page is an allowed redirect URI besides the front end's.
        env[resources.USER_POOL.domain_env] = f"{self.url}{FAKE_COGNITO_PREFIX}"
        env[resources.USER_POOL.redirect_uris_env] += f",{self.url}/_local/oauth/callback"
        # The GitHub OIDC adapter calls GitHub: locally, a stand-in that knows no code or token.
        env["GITHUB_OAUTH_URL"] = env["GITHUB_API_URL"] = f"{self.url}{fake_github.PREFIX}"
        # The payment providers' fakes (local/fakes): the adapters' base URLs point at them and
        # their webhooks/callbacks come back to this gateway over HTTP, as the real ones would.
        self.providers = payments.start_fakes(env, self.url, _deliver_over_http, asynchronous=True)
        # xAPI statements go to a local LRS stand-in (local/fake_lrs.py), with basic auth.
        self.lrs = fake_lrs.start_for(env)
        # A long video is split for as many workers as the pool has (AWS: the service's maximum).
        env.setdefault(
            CHUNK_WORKERS_ENV, os.environ.get(CHUNK_WORKERS_ENV) or str(worker_pool_size())
        )
        apply_environment(env)
        self.log(f"payment provider fakes (Stripe, MTN MoMo, Airtel) on {self.providers.url}")
        self.log(f"fake LRS (xAPI statements) on {self.lrs.endpoint}/statements")
        self.log(
            f"provisioned: table, {len(registry.CONSUMERS)} consumer queue(s) with DLQs, "
            f"{len(registry.STATE_MACHINES)} state machine(s), user pool, buckets, event bus"
        )
        self.mailbox = Mailbox(REGION)
        self._start_pollers()
        authorizer = JwtAuthorizer(
            self.provisioned.jwks_url, self.provisioned.issuer, self.provisioned.client_id
        )
        hosted_ui = FakeHostedUi(self.provisioned.user_pool_id, self.provisioned.client_id, REGION)
        local_routes = {
            "/_local/mailbox": self.mailbox.route,
            **docs_routes(self.url),
            **hosted_ui.routes(FAKE_COGNITO_PREFIX),
            **fake_github.routes(),
        }
        gateway = Gateway(
            authorizer,
            local_routes,
            log=self._request_log,
            local_handlers=[functools.partial(payments.control, self.providers)],
            # The web app at /: uploads and media come from moto's S3 (CloudFront in AWS).
            site=WebApp(data_origins=(self.provisioned.endpoint,)),
        )
        self.server = serve(gateway, self.host, self.port, listener)
        threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True).start()
        if self.seed_demo:
            self._seed()

    def _request_log(self, line: str) -> None:
        if os.environ.get("COURSEWAVE_ACCESS_LOG", "1") != "0":
            self.log(line)

    def _start_pollers(self) -> None:
        assert self.provisioned is not None
        self.pollers = build_pollers(self.provisioned, self.log)
        for poller in self.pollers:
            poller.start()

    def _seed(self) -> None:
        assert self.provisioned is not None
        password = self.demo_password or seed.generate_password()
        self.demo = seed.seed_users(self.provisioned.user_pool_id, password)
        self.demo_password = password
        for seeder in seed.SEEDERS:
            seeder(self)
        # Projections fed by the table stream (the catalog, events) catch up before the banner,
        # so the demo data is visible from the first request.
        streams = [poller for poller in self.pollers if isinstance(poller, StreamPoller)]
        if not wait_until_idle(streams, timeout=20):
            self.log("demo data: stream consumers still busy; the catalog may lag a moment")

    def write_state(self, path: Path) -> None:
        """What tests and tools need to talk to this instance (no secrets beyond local ones)."""
        assert self.provisioned is not None
        state = {
            "url": self.url,
            "moto_endpoint": self.provisioned.endpoint,
            "env": self.provisioned.env,
            "demo_password": self.demo_password,
            "demo_users": self.demo,
            "fake_providers_url": self.providers.url if self.providers else None,
            "fake_lrs_endpoint": self.lrs.endpoint if self.lrs else None,
            "event_lake_bucket": self.provisioned.event_lake_bucket,
        }
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(state, indent=2))
        partial.replace(path)  # atomic: a reader never sees half a file

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        deadline = time.monotonic() + POLLERS_STOP_SECONDS  # for all of them, not each
        for poller in self.pollers:
            poller.join(timeout=max(0.0, deadline - time.monotonic()))
        if self.providers is not None:
            self.providers.stop()
        if self.lrs is not None:
            self.lrs.stop()
        if self.cloud is not None:
            self.cloud.stop()
