"""The platform in-process: moto (``mock_aws``), resources from the declarations, the gateway.

``Platform`` is what integration tests talk to: ``platform.call("GET", "/v1/health")`` goes
through the same authorizer emulation, event building and handler as the local runner, without
sockets. ``platform.user("instructor")`` creates a confirmed user and returns a ``Caller`` with
a real Cognito access token.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
import jwt
from moto import mock_aws

from coursewave import resources
from coursewave.events import OutboxEvent
from functions import registry
from local import payments, seed
from local.apigw import match
from local.authorizer import JwtAuthorizer
from local.cloud import Provisioned, apply_environment, provision
from local.fakes import FakeProviders
from local.gateway import Gateway
from local.mailbox import Mailbox
from local.pollers import Poller, SqsPoller, StreamPoller
from tests.support import authz, fake_providers, moto_state
from tests.support.contracts import validate_detail

ROLE_SETS = {
    "student": ("student",),
    "instructor": ("student", "instructor"),
    "admin": ("student", "admin"),
}
PASSWORD = "Correct-Horse-42"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def error_code(self) -> str | None:
        data = self.json()
        return data.get("error", {}).get("code") if isinstance(data, dict) else None


@dataclass
class Caller:
    user_id: str
    email: str
    token: str
    roles: tuple[str, ...]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Platform:
    provisioned: Provisioned
    gateway: Gateway
    mailbox: Mailbox
    _counter: int = 0
    pollers: list[Poller] = field(default_factory=list)
    # user id → persona name (``Personas`` registers its callers), for the authz records
    persona_names: dict[str, str] = field(default_factory=dict)
    # The payment providers' fakes (Stripe, MTN MoMo, Airtel): knobs, complete(), redeliver().
    providers: FakeProviders | None = None

    def call(
        self,
        method: str,
        path: str,
        *,
        caller: Caller | None = None,
        json_body: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        source_ip: str = "198.51.100.7",
    ) -> Response:
        all_headers = {"content-type": "application/json", **(headers or {})}
        if caller is not None:
            all_headers.update(caller.auth)
        if json_body is not None:
            body = json.dumps(json_body).encode()
        found = match(self.gateway.routes, method, urlsplit(path).path)
        if found is not None:
            authz.record(found[0].spec.route_key, self.persona_of(all_headers))
        status, out_headers, payload = self.gateway.handle(
            method, path, all_headers, body or b"", source_ip
        )
        return Response(int(status), {k.lower(): v for k, v in out_headers.items()}, payload)

    def persona_of(self, headers: dict[str, str]) -> str:
        """Who calls, for the authorization matrix: ``anonymous`` without a bearer token, else
        the persona registered for the token's user (``unlisted`` for anyone else)."""
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not value:
            return authz.ANONYMOUS
        token = value.removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return authz.UNLISTED
        return self.persona_names.get(str(claims.get("sub")), authz.UNLISTED)

    def user(self, role: str = "student", *, name: str | None = None) -> Caller:
        self._counter += 1
        email = f"{role}{self._counter}@example.test"
        user_id = seed.create_user(
            self.provisioned.user_pool_id,
            email,
            name or f"{role.title()} {self._counter}",
            ROLE_SETS[role],
            PASSWORD,
        )
        return Caller(user_id, email, self.token_for(email), ROLE_SETS[role])

    def token_for(self, email: str, password: str = PASSWORD) -> str:
        result = boto3.client("cognito-idp").initiate_auth(
            ClientId=self.provisioned.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        return result["AuthenticationResult"]["AccessToken"]

    def events(self, detail_type: str | None = None) -> list[dict[str, Any]]:
        """Events written to the outbox so far (oldest first), each checked against its contract.

        Returns ``{"source", "detail-type", "detail"}`` dicts, as EventBridge would carry them.
        """
        found = []
        for item in OutboxEvent.scan(OutboxEvent.entity == OutboxEvent):
            if detail_type is None or item.detail_type == detail_type:
                detail = json.loads(item.detail)
                validate_detail(item.detail_type, detail)
                found.append(
                    {"source": item.source, "detail-type": item.detail_type, "detail": detail}
                )
        return sorted(found, key=lambda event: event["detail"]["metadata"]["event_id"])

    def drain(self, rounds: int = 20) -> None:
        """Run the event plumbing (outbox relay, consumers) until nothing is left to do."""
        for _ in range(rounds):
            if not any(poller.poll_once() for poller in self.pollers):
                return


# boto3's default session is kept between platforms: a new one reloads every service model a
# test's first clients need (~0.1 s a service).
MOTO_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "core": {"reset_boto3_session": False},
}


def in_process_platform() -> Iterator[Platform]:
    """A platform in the state ``provision`` leaves it, on moto in-process.

    Provisioning (≈60 resources, RSA keys in KMS, parsed workflows, boto3 clients for the
    pollers) is done once per process; every later platform starts from a copy of that moment
    (``tests/support/moto_state.py``), checked empty before it is handed out.
    """
    mock = mock_aws(config=MOTO_CONFIG)
    base = _BASE.get()
    mock.start(reset=base is None)
    try:
        if base is None:
            base = _BASE.build()
        else:
            base.restore()
        out = copy.deepcopy(base.provisioned)
        # What CDK sets on every function and the local runner sets to its own URL: the base of
        # the absolute URLs the API hands out (unsubscribe links in email, playback URLs...) and
        # of the web app's pages (Stripe's return pages, certificates' verification page).
        out.env.setdefault(resources.PUBLIC_BASE_URL.env, fake_providers.API_BASE_URL)
        out.env.setdefault(resources.WEB_APP_URL.env, fake_providers.WEB_APP_URL)
        apply_environment(out.env)
        holder: list[Platform] = []
        providers = fake_providers.start(out, lambda: holder[0].call)
        authorizer = JwtAuthorizer(out.jwks_url, out.issuer, out.client_id)
        gateway = Gateway(
            authorizer, local_handlers=[functools.partial(payments.control, providers)]
        )
        platform = Platform(out, gateway, Mailbox("us-east-1"), providers=providers)
        holder.append(platform)
        platform.pollers = base.fresh_pollers()
        try:
            yield platform
        finally:
            fake_providers.stop(providers)
    finally:
        # The data stays: the next platform overwrites it, and any other ``mock_aws`` resets it.
        mock.stop(remove_data=False)


@dataclass
class _Base:
    """The provisioned moment every platform of this process starts from."""

    provisioned: Provisioned
    state: moto_state.Snapshot
    pollers: list[Poller]

    def restore(self) -> None:
        self.state.restore()
        leaks = moto_state.leftovers()
        if leaks:
            raise AssertionError(
                "moto state leaked into a new platform (a test's data survived the reset): "
                + "; ".join(leaks)
            )

    def fresh_pollers(self) -> list[Poller]:
        """The same pollers (their boto3 clients cost ~50 ms each), with no stream position."""
        for poller in self.pollers:
            if isinstance(poller, StreamPoller):
                poller.iterators.clear()
                poller.pending.clear()
        return list(self.pollers)


class _BaseCache:
    def __init__(self) -> None:
        self._base: _Base | None = None

    def get(self) -> _Base | None:
        return self._base

    def build(self) -> _Base:
        out = provision(None)
        self._base = _Base(copy.deepcopy(out), moto_state.Snapshot.take(), _pollers(out))
        return self._base


_BASE = _BaseCache()


def _pollers(out: Provisioned) -> list[Poller]:
    def report(line: str) -> None:
        print(line)  # captured by pytest, shown when a test fails

    pollers: list[Poller] = [
        StreamPoller(
            stream,
            out.table_stream_arn,
            registry.handler_module(stream.function).lambda_handler,
            report,
        )
        for stream in registry.STREAM_CONSUMERS
    ]
    pollers += [
        SqsPoller(
            consumer.name,
            out.consumer_queues[consumer.name],
            registry.handler_module(consumer.function).lambda_handler,
            report,
            consumer.batch_size,
        )
        for consumer in registry.CONSUMERS
        if consumer.function is not None
    ]
    return pollers
