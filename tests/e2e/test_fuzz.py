"""Schemathesis on every declared route, against the generated OpenAPI document (docs/openapi.json),
over HTTP on a local runner of its own.

Each operation runs twice: with a valid access token of a role that may call it and without a
token. The operations of a role share its persona until one leaves the token unusable (the fuzzer
calls ``DELETE /v1/me`` and logs out): before each operation the persona must still be itself
(``GET /v1/me``: 200, its role kept), or a fresh one is made. Checks: the ones issue 9 names (no
5xx; status codes, content types, headers and bodies as documented), invalid input rejected, and
ours: every 4xx that our code answers carries the API.md error envelope. Every failure found is
fixed in the code.

Bounded and deterministic: a fixed seed, derandomized generation, a few examples per operation
(``COURSEWAVE_FUZZ_EXAMPLES`` raises it for a longer local run).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig

from coursewave.api import RouteSpec
from functions import registry
from tests.e2e.conftest import REPO_ROOT, LocalStack, local_runner

OPENAPI = REPO_ROOT / "docs" / "openapi.json"
SEED = 20_269
MAX_EXAMPLES = int(os.environ.get("COURSEWAVE_FUZZ_EXAMPLES", "5"))
PASSWORD = "Fuzz-persona-2026"
ADMIN = "admin@demo.coursewave.dev"
CODE = re.compile(r"code is (\d{6})\b")  # not a number in the name before it
# API Gateway's JWT authorizer answers a missing or bad token itself, with this body (not our
# envelope); the OpenAPI document says so on every route behind it.
GATEWAY_401 = {"message": "Unauthorized"}
OPERATION_ID = re.compile(r"^test_every_route_holds_its_contract\[([A-Z]+ /[^\]]*)\]")

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {
            # Issue 9: "checks: no 5xx, responses conform to the documented schema and status
            # codes, the error envelope on every 4xx our own code answers" (the envelope is
            # error_envelope below) — exactly these:
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            # Kept because it passes: input the document forbids is refused (4xx), never taken.
            "negative_data_rejection": {"enabled": True},
            # Off: "valid data accepted" cannot hold for values only the server issues. A cursor
            # or a 6-digit code the schema allows but the server never issued answers 400 / 422
            # by contract (API.md), as do ids of courses that do not exist (404 is allowed).
            "positive_data_acceptance": {"enabled": False},
            # Off: a method a path does not declare answers 404, as API Gateway's $default route
            # does (../shared/API.md), not 405 with an Allow header. The probes with such methods
            # still run, under every check above (no 5xx).
            "unsupported_method": {"enabled": False},
            "allow_header_conformance": {"enabled": False},
            # Not in the set (stateful or header probes of their own).
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "missing_required_header": {"enabled": False},
            "ignored_auth": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_path(OPENAPI, config=CONFIG)
SPECS: dict[str, RouteSpec] = {
    spec.route_key: spec for app in registry.apis().values() for spec in app.routes
}


def _role_for(spec: RouteSpec) -> str:
    """The least privileged role that may call the route."""
    for role in ("student", "instructor", "admin"):
        if not spec.access.roles or role in spec.access.roles:
            return role
    raise AssertionError(f"{spec.route_key}: no known role may call it")


@dataclass
class FuzzStack:
    stack: LocalStack
    admin_token: str
    tokens: dict[str, str] = field(default_factory=dict)  # role -> its current persona's token

    def token_for(self, spec: RouteSpec) -> str:
        role = _role_for(spec)
        if role not in self.tokens or not self.usable(self.tokens[role], role):
            self.tokens[role] = self.persona(role)
        return self.tokens[role]

    def usable(self, token: str, role: str) -> bool:
        """The persona still exists, may sign in with this token and holds ``role``."""
        me = self.stack.api("GET", "/v1/me", token)
        return me.status_code == 200 and role in me.json()["roles"]

    def make_personas(self, route_keys: set[str]) -> None:
        """One persona for each role these routes need, made side by side: most of a persona's
        time is the wait for its confirmation mail, which overlaps."""
        roles = sorted({_role_for(SPECS[key]) for key in route_keys & set(SPECS)})
        with ThreadPoolExecutor(max_workers=len(roles) or 1) as pool:
            self.tokens.update(zip(roles, pool.map(self.persona, roles), strict=True))

    def persona(self, role: str) -> str:
        """A fresh account holding ``role``; its access token."""
        stack = self.stack
        email = f"fuzz-{role}-{uuid.uuid4().hex[:10]}@example.test"
        answer = stack.api(
            "POST",
            "/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Fuzz Persona"},
        )
        assert answer.status_code == 201, answer.text
        code = None
        deadline = time.monotonic() + 60
        while code is None and time.monotonic() < deadline:
            for mail in stack.mailbox(email):
                found = CODE.search(mail["text"])
                code = found.group(1) if found else None
            if code is None:
                time.sleep(0.1)
        assert code, f"no confirmation code reached {email}"
        confirmed = stack.api("POST", "/v1/auth/confirm", json={"email": email, "code": code})
        assert confirmed.status_code == 204, confirmed.text
        login = stack.api("POST", "/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        if role != "student":
            me = stack.api("GET", "/v1/me", token)
            promoted = stack.api(
                "PATCH",
                f"/v1/admin/users/{me.json()['id']}",
                self.admin_token,
                json={"roles": ["student", role]},
            )
            assert promoted.status_code == 200, promoted.text
        return token


@pytest.fixture(scope="module")
def fuzz_stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzStack]:
    env = {"COURSEWAVE_ACCESS_LOG": "0"}
    with local_runner(tmp_path_factory.mktemp("fuzz-runner"), env) as stack:
        fuzz = FuzzStack(stack, stack.cognito_token(ADMIN)["AccessToken"])
        fuzz.make_personas(_token_routes(request.session.items))
        yield fuzz


def _token_routes(items: list[pytest.Item]) -> set[str]:
    """The route keys this session fuzzes with a token (from the test ids, e.g.
    ``test_every_route_holds_its_contract[GET /v1/me][token]``)."""
    found = (OPERATION_ID.search(item.name) for item in items if item.name.endswith("[token]"))
    return {match.group(1) for match in found if match}


def error_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx our code answers carries the error envelope (API.md); the gateway's own 401 for
    a missing or bad token is API Gateway's body, on routes behind the authorizer only."""
    if not 400 <= response.status_code < 500:
        return None
    body = response.json()
    spec = SPECS[f"{case.operation.method.upper()} {case.operation.path}"]
    if response.status_code == 401 and body == GATEWAY_401:
        assert not spec.access.public, "a public route answered with the gateway's 401"
        return None
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) >= {"code", "message", "details", "request_id"}, body
    assert isinstance(error["code"], str) and error["code"].isupper(), body
    assert isinstance(error["details"], dict) and error["request_id"], body
    return None


@pytest.mark.parametrize("caller", ["token", "anonymous"])
@schema.parametrize()
def test_every_route_holds_its_contract(case: Any, caller: str, fuzz_stack: FuzzStack) -> None:
    spec = SPECS[f"{case.operation.method.upper()} {case.operation.path}"]
    headers: dict[str, str] = {}
    if caller == "token":
        headers["Authorization"] = f"Bearer {fuzz_stack.token_for(spec)}"
    with requests.Session() as session:
        case.call_and_validate(
            base_url=fuzz_stack.stack.url,
            session=session,
            headers=headers,
            additional_checks=[error_envelope],
            timeout=30,
        )


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND"])
def test_a_method_no_route_has_answers_404_from_default(fuzz_stack: FuzzStack, method: str) -> None:
    # API Gateway sends every method it has no route for to $default; the local gateway too
    # (its HTTP server used to answer 501 with an HTML page for methods it had no handler for).
    answer = fuzz_stack.stack.api(method, "/v1/health")

    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "NOT_FOUND"


def test_the_github_adapter_answers_an_unknown_token_as_github_would(
    fuzz_stack: FuzzStack,
) -> None:
    # Found by the fuzzer: locally the adapter called the real api.github.com (unreachable
    # here) and answered 5xx; GitHub answers 401 for a token it never issued, and so must we.
    answer = fuzz_stack.stack.api(
        "GET", "/v1/auth/oidc/github/userinfo", headers={"Authorization": "Bearer gho_unknown"}
    )

    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] == "UNAUTHENTICATED"


def test_an_operation_that_deletes_its_persona_leaves_the_next_one_a_fresh_persona(
    fuzz_stack: FuzzStack,
) -> None:
    spec = SPECS["DELETE /v1/me"]
    deleted = fuzz_stack.token_for(spec)
    assert fuzz_stack.stack.api("DELETE", "/v1/me", deleted).status_code == 202

    fresh = fuzz_stack.token_for(spec)

    assert fresh != deleted and not fuzz_stack.usable(deleted, _role_for(spec))
    assert fuzz_stack.stack.api("GET", "/v1/me", fresh).status_code == 200
