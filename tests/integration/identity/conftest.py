"""Identity test helpers: accounts through the real routes, codes from the mailbox, and local
HTTP fakes of Cognito's hosted UI/token endpoint and of GitHub (nothing reaches the internet).

One platform (and one set of personas) per test module, not per test: provisioning moto costs
1 to 2 s (most of it the user pool's signing key and the state machines), a persona ~0.3 s, and
these tests create their own accounts anyway. Each test therefore uses fresh emails and its own
client address (rate limits count per address), and asserts on what it created, never on
totals.
"""

from __future__ import annotations

import json
import random
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from coursewave.config import reset_settings
from local.fake_oauth import FakeHostedUi
from tests.support.cloud import Platform, Response, in_process_platform
from tests.support.personas import Personas

PASSWORD = "Pass-word-2026"
FRONTEND = "http://localhost:5173/auth/callback"
CODE = re.compile(r"code is (\d{6})\b")  # not a number in the name before it


@dataclass
class Session:
    """A signed-in account created through the API."""

    user_id: str
    email: str
    access_token: str
    refresh_token: str
    id_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Identity:
    """Drives the auth routes the way a client does, from its own address."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"

    @staticmethod
    def email(prefix: str = "user") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}@example.test"

    def post(self, path: str, body: dict[str, Any], **kwargs: Any) -> Response:
        kwargs.setdefault("source_ip", self.ip)
        return self.platform.call("POST", path, json_body=body, **kwargs)

    def register(self, email: str, password: str = PASSWORD, name: str = "Test User") -> Response:
        return self.post("/v1/auth/register", {"email": email, "password": password, "name": name})

    def mails(self, email: str) -> list[dict[str, Any]]:
        """Every email sent to ``email`` so far, newest first (after the mailer has run)."""
        self.platform.drain()
        return self.platform.mailbox.items(email)

    def code(self, email: str) -> str:
        mails = self.mails(email)
        assert mails, f"no email was sent to {email}"
        found = CODE.search(mails[0]["text"])
        assert found, mails[0]["text"]
        return found.group(1)

    def confirm(self, email: str, code: str | None = None) -> Response:
        return self.post("/v1/auth/confirm", {"email": email, "code": code or self.code(email)})

    def login(self, email: str, password: str = PASSWORD, **kwargs: Any) -> Response:
        return self.post("/v1/auth/login", {"email": email, "password": password}, **kwargs)

    def signed_up(self, name: str = "Test User", email: str | None = None) -> Session:
        """Register, confirm, log in."""
        email = email or self.email()
        registered = self.register(email, name=name)
        assert registered.status == 201, registered.body
        assert self.confirm(email).status == 204
        return self.session(email)

    def session(self, email: str, password: str = PASSWORD) -> Session:
        response = self.login(email, password)
        assert response.status == 200, response.body
        tokens = response.json()
        me = self.platform.call(
            "GET", "/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        return Session(
            user_id=me.json()["id"],
            email=email,
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            id_token=tokens["id_token"],
        )


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    yield from in_process_platform()


@pytest.fixture(scope="module")
def personas(platform: Platform) -> Personas:
    """Shared by a module's tests, which never change them (a test that signs a caller out or
    deletes it makes its own with ``platform.user``)."""
    return Personas(platform)


@pytest.fixture
def identity(platform: Platform) -> Identity:
    return Identity(platform)


# -- local HTTP fakes -----------------------------------------------------------------------

Route = Callable[[str, dict[str, str], dict[str, str]], tuple[int, dict[str, str], bytes]]


class FakeServer:
    """A stdlib HTTP server in a thread: (method, path) → handler(query+form, headers)."""

    def __init__(self, routes: dict[tuple[str, str], Route]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    params.update(parse_qsl(self.rfile.read(length).decode()))
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake.requests.append((self.command, url.path, params))
                route = fake.routes.get((self.command, url.path))
                if route is None:
                    status, out, body = 404, {}, b"{}"
                else:
                    status, out, body = route(url.path, params, headers)
                self.send_response(status)
                for name, value in out.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _adapt(local_route: Callable[[dict[str, str]], tuple[Any, ...]]) -> Route:
    def route(_: str, params: dict[str, str], __: dict[str, str]) -> tuple[int, dict, bytes]:
        status, content_type, body, *extra = local_route(params)
        return status, {"Content-Type": content_type, **(extra[0] if extra else {})}, body

    return route


@dataclass
class HostedUi:
    """The fake Cognito domain (hosted UI + token endpoint) the auth function is pointed at."""

    server: FakeServer
    fake: FakeHostedUi

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def hosted_ui(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostedUi]:
    out = platform.provisioned
    fake = FakeHostedUi(out.user_pool_id, out.client_id, "us-east-1")
    routes = fake.routes(prefix="")
    server = FakeServer(
        {
            ("GET", "/oauth2/authorize"): _adapt(routes["/oauth2/authorize"]),
            ("POST", "/oauth2/token"): _adapt(routes["/oauth2/token"]),
        }
    )
    monkeypatch.setenv("COGNITO_DOMAIN_URL", server.url)
    monkeypatch.setenv("OAUTH_REDIRECT_URIS", f"{FRONTEND}, https://app.example.test/cb")
    reset_settings()
    yield HostedUi(server, fake)
    server.close()
    reset_settings()


@dataclass
class GithubAccount:
    id: int
    login: str
    name: str | None
    emails: list[dict[str, Any]]


@dataclass
class FakeGithub:
    """github.com's OAuth endpoints and api.github.com's /user and /user/emails."""

    server: FakeServer
    codes: dict[str, GithubAccount] = field(default_factory=dict)
    tokens: dict[str, GithubAccount] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def grant(self, account: GithubAccount) -> str:
        """A code GitHub would send back after the user consented."""
        code = f"gh-code-{len(self.codes) + 1}"
        self.codes[code] = account
        return code


def _json(status: int, body: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


@pytest.fixture
def github(
    platform: Platform, monkeypatch: pytest.MonkeyPatch, hosted_ui: HostedUi
) -> Iterator[FakeGithub]:
    fake = FakeGithub(server=None)  # type: ignore[arg-type]

    def access_token(_: str, params: dict[str, str], __: dict[str, str]) -> tuple:
        account = fake.codes.pop(params.get("code", ""), None)
        if account is None or params.get("client_id") != "local-github-client":
            return _json(200, {"error": "bad_verification_code"})
        token = f"gho_{account.id}_{len(fake.tokens)}"
        fake.tokens[token] = account
        return _json(200, {"access_token": token, "token_type": "bearer", "scope": "user:email"})

    def account_of(headers: dict[str, str]) -> GithubAccount | None:
        return fake.tokens.get(headers.get("authorization", "").removeprefix("Bearer "))

    def user(_: str, __: dict[str, str], headers: dict[str, str]) -> tuple:
        account = account_of(headers)
        if account is None:
            return _json(401, {"message": "Bad credentials"})
        return _json(
            200,
            {"id": account.id, "login": account.login, "name": account.name, "avatar_url": None},
        )

    def emails(_: str, __: dict[str, str], headers: dict[str, str]) -> tuple:
        account = account_of(headers)
        return _json(200, account.emails) if account else _json(401, {"message": "Bad"})

    fake.server = FakeServer(
        {
            ("POST", "/login/oauth/access_token"): access_token,
            ("GET", "/user"): user,
            ("GET", "/user/emails"): emails,
        }
    )
    monkeypatch.setenv("GITHUB_OAUTH_URL", fake.url)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://api.coursewave.test")
    reset_settings()
    yield fake
    fake.server.close()
    reset_settings()
