"""A checker of xAPI 1.0.3 statements (the rules of the spec's "Statement" data model that a
Learning Record Provider must follow): ``problems(statement)`` lists every rule broken."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

# The ADL vocabulary's verbs (http://adlnet.gov/expapi/verbs/…) a statement may use.
ADL_VERBS = frozenset(
    f"http://adlnet.gov/expapi/verbs/{name}"
    for name in (
        "answered",
        "asked",
        "attempted",
        "attended",
        "commented",
        "completed",
        "exited",
        "experienced",
        "failed",
        "imported",
        "initialized",
        "interacted",
        "launched",
        "mastered",
        "passed",
        "preferred",
        "progressed",
        "registered",
        "responded",
        "resumed",
        "scored",
        "shared",
        "suspended",
        "terminated",
        "voided",
    )
)
STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
     "version", "attachments"}
)  # fmt: skip
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
DURATION = re.compile(
    r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def is_iri(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("mailto", "urn"))


def is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and uuid.UUID(value).variant == uuid.RFC_4122
    except ValueError:
        return False


def is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None


def _language_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        LANGUAGE_TAG.match(k) and isinstance(v, str) for k, v in value.items()
    )


def _agent(actor: Any, out: list[str]) -> None:
    if not isinstance(actor, dict):
        out.append("actor: not an object")
        return
    if actor.get("objectType", "Agent") != "Agent":
        out.append("actor: objectType must be Agent")
    present = [ifi for ifi in IFIS if ifi in actor]
    if len(present) != 1:
        out.append(f"actor: exactly one inverse functional identifier, found {present}")
        return
    if "mbox" in actor and not str(actor["mbox"]).startswith("mailto:"):
        out.append("actor.mbox: must be a mailto IRI")
    if "account" in actor:
        account = actor["account"]
        if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
            out.append("actor.account: needs exactly homePage and name")
        elif not is_iri(account["homePage"]) or not isinstance(account["name"], str):
            out.append("actor.account: homePage must be an IRL, name a string")


def _activity(value: Any, where: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        out.append(f"{where}: not an object")
        return
    if value.get("objectType", "Activity") != "Activity":
        out.append(f"{where}: objectType must be Activity")
    if not is_iri(value.get("id")):
        out.append(f"{where}.id: not an IRI")
    definition = value.get("definition")
    if definition is not None:
        if "type" in definition and not is_iri(definition["type"]):
            out.append(f"{where}.definition.type: not an IRI")
        for name in ("name", "description"):
            if name in definition and not _language_map(definition[name]):
                out.append(f"{where}.definition.{name}: not a language map")


def _result(result: Any, out: list[str]) -> None:
    if not isinstance(result, dict):
        out.append("result: not an object")
        return
    score = result.get("score")
    if score is not None:
        scaled = score.get("scaled")
        if scaled is not None and not (isinstance(scaled, int | float) and -1 <= scaled <= 1):
            out.append("result.score.scaled: must be a number in [-1, 1]")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if low is not None and high is not None and not low < high:
            out.append("result.score: min must be below max")
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            out.append("result.score.raw: outside [min, max]")
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            out.append(f"result.{flag}: must be a boolean")
    if "duration" in result and not DURATION.match(str(result["duration"])):
        out.append("result.duration: not an ISO 8601 duration")


def _context(context: Any, out: list[str]) -> None:
    if not isinstance(context, dict):
        out.append("context: not an object")
        return
    if "registration" in context and not is_uuid(context["registration"]):
        out.append("context.registration: not a UUID")
    if "language" in context and not LANGUAGE_TAG.match(str(context["language"])):
        out.append("context.language: not an RFC 5646 tag")
    for kind, activities in (context.get("contextActivities") or {}).items():
        if kind not in ("parent", "grouping", "category", "other"):
            out.append(f"context.contextActivities.{kind}: unknown")
        for index, activity in enumerate(activities if isinstance(activities, list) else [None]):
            _activity(activity, f"context.contextActivities.{kind}[{index}]", out)


def problems(statement: dict[str, Any]) -> list[str]:
    """Every rule ``statement`` breaks (empty: valid)."""
    out: list[str] = []
    unknown = set(statement) - STATEMENT_KEYS
    if unknown:
        out.append(f"unknown properties {sorted(unknown)}")
    if not is_uuid(statement.get("id")):
        out.append("id: not a UUID")
    _agent(statement.get("actor"), out)
    verb = statement.get("verb") or {}
    if verb.get("id") not in ADL_VERBS:
        out.append(f"verb.id: {verb.get('id')!r} is not an ADL verb")
    if "display" in verb and not _language_map(verb["display"]):
        out.append("verb.display: not a language map")
    _activity(statement.get("object"), "object", out)
    if "result" in statement:
        _result(statement["result"], out)
    if "context" in statement:
        _context(statement["context"], out)
    if not is_timestamp(statement.get("timestamp")):
        out.append("timestamp: not an ISO 8601 timestamp with a zone")
    return out
