"""Table-driven authorization matrices: who calls, what comes back, that a refusal wrote nothing.

``run(platform, personas, "PATCH", path, [Case("student", 403), ...], json_body=...)`` sends the
request once per case, as the named persona (``tests/support/personas.py``: ``anonymous``,
``student``, ``other_student``, ``instructor``, ``owner``, ``admin``, ``banned``), and checks:

* the status (and the error code, when the case names one; a banned caller's 403 is always
  ``ACCOUNT_DISABLED``);
* a 401 is either API Gateway's own answer (``{"message": "Unauthorized"}``, what the JWT
  authorizer sends in AWS and the local gateway copies) or our envelope with ``UNAUTHENTICATED``;
  every other 4xx carries the error envelope with a request id;
* every refused request (any 4xx) leaves the table — records, counters, outbox, audit log —
  exactly as it was (``tests/support/snapshot.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.cloud import Platform, Response
from tests.support.personas import Personas
from tests.support.snapshot import TableSnapshot, assert_unchanged

GATEWAY_UNAUTHORIZED = {"message": "Unauthorized"}
GATEWAY_FORBIDDEN = {"message": "Forbidden"}
_SAME: Any = object()


@dataclass(frozen=True)
class Case:
    persona: str
    status: int
    code: str | None = None
    path: str | None = None  # instead of the matrix's path (e.g. an object of the caller's own)
    json_body: Any = _SAME  # instead of the matrix's body
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.persona} ({self.label})" if self.label else self.persona


def run(
    platform: Platform,
    personas: Personas,
    method: str,
    path: str,
    cases: list[Case],
    *,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    source_ip: str | None = None,
) -> dict[str, Response]:
    """Every case in order; returns the responses by case name."""
    out: dict[str, Response] = {}
    for case in cases:
        caller = personas.caller(case.persona)
        refused = case.status >= 400
        before = TableSnapshot.take(platform) if refused else None
        response = platform.call(
            method,
            case.path or path,
            caller=caller,
            json_body=json_body if case.json_body is _SAME else case.json_body,
            headers=headers,
            **({"source_ip": source_ip} if source_ip else {}),
        )
        where = f"{method} {case.path or path} as {case.name}"
        assert response.status == case.status, (where, response.status, response.body[:500])
        if case.code is not None:
            assert response.error_code == case.code, (where, response.body[:500])
        if case.persona == "banned" and case.status == 403:
            assert response.error_code == "ACCOUNT_DISABLED", (where, response.body[:500])
        if refused:
            check_refusal(response, where)
            assert before is not None
            assert_unchanged(platform, before, where)
        out[case.name] = response
    return out


def check_refusal(response: Response, where: str) -> None:
    body = response.json()
    if response.status == 401 and body == GATEWAY_UNAUTHORIZED:
        return  # the JWT authorizer's own answer (no envelope in AWS either)
    if response.status == 403 and body == GATEWAY_FORBIDDEN:
        return  # the JWT authorizer's insufficient-scope answer
    assert isinstance(body, dict) and "error" in body, (where, response.body[:500])
    assert body["error"]["request_id"], where
    if response.status == 401:
        assert body["error"]["code"] == "UNAUTHENTICATED", where


def same_for_everyone(status: int, *, owner: bool = False, code: str | None = None) -> list[Case]:
    """A route whose answer does not depend on the caller (public routes, where a token changes
    nothing): every persona, the owner too when the route addresses an owned object."""
    names = ["anonymous", "student", "other_student", "instructor", "admin", "banned"]
    if owner:
        names.insert(4, "owner")
    return [Case(name, status, code) for name in names]
