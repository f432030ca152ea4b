"""Admin reads: the user listing (index streams, no Scan) and the audit log.

This module owns how they are read: which index, which partition, which key prefix. Use cases
get ``Account`` values and plain audit entries back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coursewave.audit import AUDIT_PARTITION, AuditEntry
from coursewave.db import Item
from coursewave.errors import BadRequest, ValidationFailed
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import (
    BY_EMAIL,
    BY_NAME,
    PRIVILEGED_ROLES,
    PROFILE,
    User,
    UserRole,
    normalise,
)
from functions.users.public import Account

START, DONE, SEPARATOR = "", "~", "."


@dataclass(frozen=True)
class Stream:
    """One index partition read in key order, optionally by key prefix."""

    index: str
    partition: str
    prefix: str | None = None
    yields_roles: bool = False  # role items: the records are fetched by BatchGet


@dataclass(frozen=True)
class ListingPlan:
    """How a filtered user listing is read without Scan: streams read one after the other,
    filters the index cannot express applied as a FilterExpression (or after BatchGet)."""

    streams: tuple[Stream, ...]
    role: str | None
    status: str | None
    q: str | None

    def keeps(self, user: User) -> bool:
        return (self.role is None or self.role in (user.roles or [])) and (
            self.status is None or user.status == self.status
        )


def listing_plan(role: str | None, status: str | None, q: str | None) -> ListingPlan:
    if q is not None:
        prefix = normalise(q)
        if not prefix:
            raise ValidationFailed.for_field("q", "must contain letters or digits")
        # Email matches first, then name matches (those whose email also matched are skipped).
        streams = (Stream("GSI1", BY_EMAIL, prefix), Stream("GSI2", BY_NAME, prefix))
        return ListingPlan(streams, role, status, prefix)
    if role in PRIVILEGED_ROLES:
        holders = Stream("GSI1", UserRole.holders_key(role), yields_roles=True)
        return ListingPlan((holders,), None, status, None)
    if status is not None:
        return ListingPlan((Stream("GSI3", User.status_key(status)),), role, None, None)
    return ListingPlan((Stream("GSI1", BY_EMAIL),), role, None, None)


def _key_names(index: str | None) -> set[str]:
    names = {"PK", "SK"}
    return names | {f"{index}PK", f"{index}SK"} if index else names


def _decode_states(cursor: str | None, plan: ListingPlan) -> list[Any]:
    """Per stream: START, DONE, or the LastEvaluatedKey to continue from."""
    if cursor is None:
        return [START] * len(plan.streams)
    parts = cursor.split(SEPARATOR)
    if len(parts) != len(plan.streams):
        raise BadRequest("Invalid cursor.")
    states: list[Any] = []
    for part, stream in zip(parts, plan.streams, strict=True):
        if part in (START, DONE):
            states.append(part)
        else:
            states.append(
                decode_cursor(
                    part,
                    key_names=_key_names(stream.index),
                    fixed={f"{stream.index}PK": stream.partition},
                )
            )
    return states


def _encode_states(states: list[Any]) -> str | None:
    if all(state == DONE for state in states):
        return None
    return SEPARATOR.join(
        state if state in (START, DONE) else str(encode_cursor(state)) for state in states
    )


def _page(
    stream: Stream, plan: ListingPlan, limit: int, start: dict[str, Any] | None
) -> tuple[list[Item], dict[str, Any] | None]:
    """One Query round trip on one stream."""
    key_attr = getattr(Item, f"{stream.index}SK")
    condition = key_attr.startswith(stream.prefix) if stream.prefix else None
    filters = None
    if not stream.yields_roles:
        if plan.role is not None:
            filters = User.roles.contains(plan.role)
        if plan.status is not None:
            status = User.status == plan.status
            filters = status if filters is None else filters & status
    data = Item._get_connection().query(
        stream.partition,
        range_key_condition=condition,
        filter_condition=filters,
        index_name=stream.index,
        limit=limit,
        exclusive_start_key=start,
    )
    items = [Item.from_raw_data(raw) for raw in data.get("Items", [])]
    return items, data.get("LastEvaluatedKey")


def _records(items: list[Item], plan: ListingPlan) -> list[User]:
    """Role items → their records (one BatchGetItem), in the items' order, filtered."""
    ids = [item.user_id for item in items if isinstance(item, UserRole)]
    if not ids:
        return []
    found = {user.user_id: user for user in User.batch_get([(User.pk(i), PROFILE) for i in ids])}
    return [found[i] for i in ids if i in found and plan.keeps(found[i])]


def list_users(
    role: str | None, status: str | None, q: str | None, limit: int, cursor: str | None
) -> tuple[list[Account], str | None]:
    """Up to ``limit`` accounts with ``role`` and ``status`` whose email or name starts with
    ``q``; a page may hold fewer when filters drop items (follow the cursor until it is null).
    At most one Query per stream, plus one BatchGet for role streams."""
    plan = listing_plan(role, status, q)
    states = _decode_states(cursor, plan)
    found: list[User] = []
    for position, stream in enumerate(plan.streams):
        if states[position] == DONE:
            continue
        room = limit - len(found)
        if room <= 0:
            break
        start = None if states[position] == START else states[position]
        items, last = _page(stream, plan, room, start)
        if stream.yields_roles:
            users = _records(items, plan)
        else:
            users = [item for item in items if isinstance(item, User)]
        if position > 0 and plan.q:
            # The name stream skips accounts the email stream already listed.
            users = [user for user in users if not normalise(user.email).startswith(plan.q)]
        found += users
        states[position] = last or DONE
        if last:
            break
    return [Account(**user.as_plain()) for user in found], _encode_states(states)


def audit_page(
    *, target_user_id: str | None, actor_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: the whole log (table partition), or by target (GSI1) or actor (GSI2), as
    plain entries (``AuditEntry.as_dict``)."""
    if target_user_id is not None:
        index, partition = "GSI1", AuditEntry.target_key("user", target_user_id)
    elif actor_id is not None:
        index, partition = "GSI2", AuditEntry.actor_key(actor_id)
    else:
        index, partition = None, AUDIT_PARTITION
    hash_name = f"{index}PK" if index else "PK"
    start = decode_cursor(cursor, key_names=_key_names(index), fixed={hash_name: partition})
    data = AuditEntry._get_connection().query(
        partition,
        index_name=index,
        limit=limit,
        exclusive_start_key=start,
        scan_index_forward=False,
    )
    entries = [AuditEntry.from_raw_data(raw).as_dict() for raw in data.get("Items", [])]
    return entries, encode_cursor(data.get("LastEvaluatedKey"))
