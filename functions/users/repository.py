"""Identity records in the table: the user record and the items that travel with it.

Shared by the auth, users and admin functions (one model of an account, one place that keeps its
index keys, role items and email claim in step). Every change is one transaction guarded by the
record's ``revision`` (or by a status condition), never read-then-write. Use cases get and give
``Account`` values (functions/users/domain.py); the ``User`` item never leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import TransactWriteError

from coursewave.audit import AuditEntry
from coursewave.config import settings
from coursewave.db import Item, condition_failed, connection, key, keyed, transaction
from coursewave.users import (
    DELETED,
    PERSONAL_INDEXES,
    PROFILE,
    EmailClaim,
    User,
    new_user_items,
    normalise_email,
    plain,
)
from functions.users.domain import Account, PersonalData

# Index and bookkeeping attributes: never part of what a user sees of their data.
INTERNAL = frozenset(
    {"PK", "SK", "entity", "revision", "expires_at"}
    | {f"GSI{n}{part}" for n in (1, 2, 3, 4) for part in ("PK", "SK")}
)
# Entities under USER#<id> that the export shows elsewhere (the account) or that are secrets.
NOT_EXPORTED = frozenset({"User", "UserRole"})
# Record fields that are the identity provider's business, not the user's data.
NOT_EXPORTED_FIELDS = ("cognito_username", "sessions_revoked_at")
ACCOUNT_FIELDS = tuple(f.name for f in fields(Account))


class EmailTaken(Exception):
    """Another account holds this email."""


class ConcurrentChange(Exception):
    """The record changed (or left the expected status) since it was read."""


# -- mapping --------------------------------------------------------------------------------


def to_account(user: User) -> Account:
    return Account(**user.as_plain())


def _stored(name: str, value: Any) -> Any:
    """An account field's value as the item attribute holds it."""
    if name == "roles":
        return list(value)
    if name == "preferences":
        return dict(value)
    return value


def to_item(account: Account) -> User:
    return User(**{name: _stored(name, getattr(account, name)) for name in ACCOUNT_FIELDS})


# -- reads ----------------------------------------------------------------------------------


def find(user_id: str) -> Account | None:
    user = User.find(user_id)
    return to_account(user) if user is not None else None


def find_by_email(email: str) -> Account | None:
    """The account that owns an email (GSI4; eventually consistent, like every index read)."""
    for user in User.gsi4.query(key("USEREMAIL", normalise_email(email)), User.GSI4SK == PROFILE):
        return to_account(user) if isinstance(user, User) else None
    return None


def find_by_email_consistent(email: str) -> Account | None:
    """The same, with strongly consistent reads (claim, then record): off the request path."""
    try:
        claim = EmailClaim.get(EmailClaim.pk(email), "CLAIM", consistent_read=True)
    except EmailClaim.DoesNotExist:
        return None
    return find(claim.user_id)


def plain_value(value: dict[str, Any]) -> Any:
    """A DynamoDB attribute value (``{"S": "x"}``, ``{"N": "1"}``, …) as plain Python."""
    kind, data = next(iter(value.items()))
    if kind == "M":
        return {name: plain_value(inner) for name, inner in data.items()}
    if kind == "L":
        return [plain_value(inner) for inner in data]
    if kind == "N":
        return Decimal(data)
    if kind == "NS":
        return {Decimal(number) for number in data}
    if kind == "NULL":
        return None
    return set(data) if kind in ("SS", "BS") else data


def partition_items(partition_key: str, index: str | None = None) -> list[dict[str, Any]]:
    """Every item under one partition key of the table (or of ``index``), as plain Python
    values (for the data export).

    Read raw (not through models) so items of entities this function does not import (other
    domains store learner data under ``USER#<id>`` and in ``PERSONAL_INDEXES``) come back too.
    """
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = connection().query(
            settings().require("table_name"),
            partition_key,
            index_name=index,
            consistent_read=index is None,
            exclusive_start_key=start,
        )
        items += [
            {name: plain_value(value) for name, value in raw.items()}
            for raw in page.get("Items", [])
        ]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def clean(item: dict[str, Any]) -> dict[str, Any]:
    """An item's own fields as JSON-ready values: no keys, no bookkeeping."""
    return {name: plain(value) for name, value in item.items() if name not in INTERNAL}


def audit_entries_about(user_id: str, limit: int = 1000) -> list[dict[str, Any]]:
    """Audit entries whose target is this account, newest first (GSI1)."""
    return [
        entry.as_dict()
        for entry in AuditEntry.gsi1.query(
            AuditEntry.target_key("user", user_id), scan_index_forward=False, limit=limit
        )
    ]


def personal_data(user_id: str) -> PersonalData:
    """Everything held about the account: its record, every item under ``USER#<id>`` (what
    other domains store about the learner lands there too), every item in the personal index
    partitions other domains declare, and audit entries about it."""
    items = partition_items(User.pk(user_id))
    for index, suffix in PERSONAL_INDEXES:
        items += partition_items(f"{User.pk(user_id)}#{suffix}", index)
    data: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        entity = str(item.get("entity", "unknown"))
        if entity not in NOT_EXPORTED:
            data.setdefault(entity, []).append(clean(item))
    account = next((clean(i) for i in items if i.get("entity") == "User"), clean({}))
    for name in NOT_EXPORTED_FIELDS:
        account.pop(name, None)
    return PersonalData(
        account=account,
        data=dict(sorted(data.items())),
        audit_log=audit_entries_about(user_id),
    )


# -- writes ---------------------------------------------------------------------------------


def create(account: Account, *extra: Item) -> None:
    """A new account (record, email claim, role items) and ``extra`` items, atomically."""
    user = keyed(to_item(account))
    try:
        with transaction() as tx:
            for item in new_user_items(user):
                tx.save(item, condition=type(item).PK.does_not_exist())
            for item in extra:
                tx.save(item)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise EmailTaken(account.email) from exc
        raise


def _action(name: str, value: Any) -> Any:
    attribute = getattr(User, name)
    return attribute.remove() if value is None else attribute.set(_stored(name, value))


def update(
    account: Account,
    changes: Mapping[str, Any],
    *,
    also_save: Iterable[Item] = (),
    also_delete: Iterable[Item] = (),
) -> Account:
    """Apply ``changes`` (account fields → new values) to the account read as ``account``.

    The record's index keys and role items follow the changed fields; ``also_save`` (audit
    entries, events) and ``also_delete`` join the same transaction. Raises ``ConcurrentChange``
    if the record changed since it was read.
    """
    after = replace(account, **changes, revision=account.revision + 1)
    before_item, after_item = to_item(account), to_item(after)
    actions = [_action(name, value) for name, value in changes.items()]
    actions += [*after_item.key_actions(), User.revision.set(after.revision)]
    guard = User.revision == account.revision
    if not account.revision:
        guard = guard | User.revision.does_not_exist()
    roles_before = {item.role: item for item in before_item.role_items()}
    roles_after = {item.role: item for item in after_item.role_items()}
    if changes.get("status") == DELETED:
        roles_after = {}
    try:
        with transaction() as tx:
            tx.update(keyed(before_item), actions=actions, condition=guard)
            for role, item in roles_after.items():
                if role not in roles_before:
                    tx.save(item)
            for role, item in roles_before.items():
                if role not in roles_after:
                    tx.delete(keyed(item))
            for item in also_save:
                tx.save(item)
            for item in also_delete:
                tx.delete(item)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConcurrentChange(account.user_id) from exc
        raise
    return after


def email_items(email: str, limit: int = 20) -> list[Item]:
    """Key-only instances of the items kept under an email address (claim, codes, pending code
    requests): read raw, so entities of other functions need not be imported here."""
    page = Item._get_connection().query(EmailClaim.pk(email), limit=limit)
    return [Item(PK=raw["PK"]["S"], SK=raw["SK"]["S"]) for raw in page.get("Items", [])]


def erase(account: Account, changes: Mapping[str, Any], *, also_save: Iterable[Item] = ()) -> None:
    """``update`` with the erasure's changes, deleting what the old email address held (the
    address is free again) in the same transaction."""
    update(account, changes, also_save=also_save, also_delete=email_items(account.email))
