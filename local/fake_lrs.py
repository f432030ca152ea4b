"""A Learning Record Store stand-in (xAPI 1.0.3, the statements resource only) on 127.0.0.1.

It checks what a real LRS checks at the door — basic auth with the credentials of the LRS secret
the runner generated, the ``X-Experience-API-Version`` header, a statement id that is a UUID and
matches ``statementId`` — and stores statements in memory: ``PUT /xapi/statements?statementId=``
(204; the same statement again: 204; another under that id: 409), ``POST /xapi/statements`` (one
or a list → 200 with their ids), ``GET /xapi/statements[?statementId=]``. ``fail_next`` makes it
answer an error a few times (an LRS outage), for tests of the sender's retries.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIX = "/xapi/statements"


@dataclass
class Store:
    username: str
    password: str
    statements: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, times: int, status: int = 503) -> None:
        with self.lock:
            self.failures += [status] * times

    def authorized(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"

    def put(self, statement_id: str, statement: dict[str, Any]) -> int:
        with self.lock:
            existing = self.statements.get(statement_id)
            if existing is not None:
                return 204 if existing == statement else 409
            self.statements[statement_id] = statement
            return 204


def _uuid(value: object) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    store: Store

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, body: Any = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("X-Experience-API-Version", "1.0.3")
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _checked(self) -> bool:
        if urlsplit(self.path).path != PREFIX:
            self._answer(404, {"error": "no such resource"})
            return False
        if not self.store.authorized(self.headers.get("Authorization")):
            self._answer(401, {"error": "basic auth required"})
            return False
        if not (self.headers.get("X-Experience-API-Version") or "").startswith("1.0."):
            self._answer(400, {"error": "X-Experience-API-Version 1.0.x required"})
            return False
        with self.store.lock:
            failure = self.store.failures.pop(0) if self.store.failures else None
        if failure is not None:
            self._answer(failure, {"error": "unavailable"})
            return False
        return True

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")

    def do_PUT(self) -> None:
        if not self._checked():
            return
        wanted = _uuid((parse_qs(urlsplit(self.path).query).get("statementId") or [""])[0])
        try:
            statement = self._body()
        except ValueError:
            self._answer(400, {"error": "not JSON"})
            return
        if wanted is None or not isinstance(statement, dict):
            self._answer(400, {"error": "statementId (a UUID) and one statement required"})
            return
        if "id" in statement and _uuid(statement["id"]) != wanted:
            self._answer(400, {"error": "the statement's id differs from statementId"})
            return
        self._answer(self.store.put(wanted, {**statement, "id": wanted}))

    def do_POST(self) -> None:
        if not self._checked():
            return
        try:
            body = self._body()
        except ValueError:
            self._answer(400, {"error": "not JSON"})
            return
        batch = body if isinstance(body, list) else [body]
        if not batch or not all(isinstance(s, dict) for s in batch):
            self._answer(400, {"error": "one statement or a list of statements required"})
            return
        ids = []
        for statement in batch:
            statement_id = _uuid(statement.get("id", uuid.uuid4()))
            if statement_id is None or self.store.put(statement_id, statement) == 409:
                self._answer(409 if statement_id else 400, {"error": "conflicting statement"})
                return
            ids.append(statement_id)
        self._answer(200, ids)

    def do_GET(self) -> None:
        if not self._checked():
            return
        wanted = (parse_qs(urlsplit(self.path).query).get("statementId") or [None])[0]
        with self.store.lock:
            if wanted is not None:
                found = self.store.statements.get(_uuid(wanted) or "")
                self._answer(200, found) if found else self._answer(404, {"error": "none"})
                return
            self._answer(200, {"statements": list(self.store.statements.values()), "more": ""})


class FakeLrs:
    """The server on a free port; ``endpoint`` is what ``XAPI_LRS_ENDPOINT`` is set to."""

    def __init__(self, username: str, password: str) -> None:
        self.store = Store(username, password)
        handler = type("Handler", (_Handler,), {"store": self.store})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-lrs")
        self._thread.daemon = True

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/xapi"

    def start(self) -> FakeLrs:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_for(env: dict[str, str]) -> FakeLrs:
    """Start the fake with the credentials of the LRS secret in ``env`` (generated in moto by
    ``local.cloud``) and point ``XAPI_LRS_ENDPOINT`` in ``env`` at it (apply ``env`` after)."""
    import boto3

    from coursewave import resources

    secret = boto3.client("secretsmanager").get_secret_value(
        SecretId=env[resources.XAPI_LRS_SECRET.env]
    )
    value = json.loads(secret["SecretString"])
    lrs = FakeLrs(value["username"], value["password"]).start()
    env[resources.XAPI_LRS_ENDPOINT.env] = lrs.endpoint
    return lrs
