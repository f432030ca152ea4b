"""Identity records in the table: the user record and the items that travel with it.

Shared by the auth, users and admin functions (one model of an account, one place that keeps its
index keys, role items and email claim in step). Every change is one transaction guarded by the
record's ``revision`` (or by a status condition), never read-then-write.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from coursewave.audit import AuditEntry
from coursewave.config import settings
from coursewave.db import Item, key
from coursewave.users import (
    DELETED,
    PROFILE,
    EmailClaim,
    User,
    new_user_items,
    normalise_email,
)

VERIFY = "verify"
RESET = "reset"


class EmailTaken(Exception):
    """Another account holds this email."""


class ConcurrentChange(Exception):
    """The record changed (or left the expected status) since it was read."""


class VerificationCode(Item, discriminator="VerificationCode"):
    """The one live code of a purpose for an email: only its keyed hash is stored."""

    email = UnicodeAttribute()
    purpose = UnicodeAttribute()  # verify | reset
    user_id = UnicodeAttribute()
    cognito_username = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    expires_at = TTLAttribute()

    @staticmethod
    def sk(purpose: str) -> str:
        return key("CODE", purpose.upper())

    def keys(self) -> dict[str, str | None]:
        return {"PK": EmailClaim.pk(self.email), "SK": self.sk(self.purpose)}


class CodeRequest(Item, discriminator="CodeRequest"):
    """A request to send a code to an address, if it belongs to an account that may have one.

    Written by the request (the same write whether or not the account exists) and processed
    from the table stream by ``functions.auth.mailer``, off the request path, so neither the
    answer nor its timing tells a caller whether the email is registered.
    """

    request_id = UnicodeAttribute()
    email = UnicodeAttribute()
    purpose = UnicodeAttribute()  # verify | reset
    requested_at = UnicodeAttribute()
    expires_at = TTLAttribute()

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": EmailClaim.pk(self.email),
            "SK": key("CODEREQUEST", self.purpose.upper(), self.request_id),
        }


def with_keys(item: Item) -> Item:
    """Set the computed key attributes on an instance that was built, not read."""
    for name, value in item.keys().items():
        setattr(item, name, value)
    return item


def connection() -> Connection:
    """The models' own connection, for transactions: a new ``Connection()`` would build a new
    botocore session and client (tens of milliseconds of model loading) each time."""
    return Item._get_connection().connection


def condition_failed(exc: TransactWriteError) -> bool:
    return any(
        reason is not None and reason.code == "ConditionalCheckFailed"
        for reason in exc.cancellation_reasons
    )


# -- reads ----------------------------------------------------------------------------------


def find(user_id: str) -> User | None:
    return User.find(user_id)


def find_by_email(email: str) -> User | None:
    """The account that owns an email (GSI4; eventually consistent, like every index read)."""
    for user in User.gsi4.query(key("USEREMAIL", normalise_email(email)), User.GSI4SK == PROFILE):
        return user if isinstance(user, User) else None
    return None


def find_by_email_consistent(email: str) -> User | None:
    """The same, with strongly consistent reads (claim, then record): off the request path."""
    try:
        claim = EmailClaim.get(EmailClaim.pk(email), "CLAIM", consistent_read=True)
    except EmailClaim.DoesNotExist:
        return None
    return User.find(claim.user_id)


def copy(user: User) -> User:
    return User.from_raw_data(user.serialize())


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


def partition_items(partition_key: str) -> list[dict[str, Any]]:
    """Every item under one partition key, as plain Python values (for the data export).

    Read raw (not through models) so items of entities this function does not import (other
    domains store learner data under ``USER#<id>``) come back too.
    """
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = connection().query(
            settings().require("table_name"),
            partition_key,
            consistent_read=True,
            exclusive_start_key=start,
        )
        items += [
            {name: plain_value(value) for name, value in raw.items()}
            for raw in page.get("Items", [])
        ]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def audit_entries_about(user_id: str, limit: int = 1000) -> list[AuditEntry]:
    """Audit entries whose target is this account, newest first (GSI1)."""
    return list(
        AuditEntry.gsi1.query(
            AuditEntry.target_key("user", user_id), scan_index_forward=False, limit=limit
        )
    )


# -- writes ---------------------------------------------------------------------------------


def create(user: User, *extra: Item) -> None:
    """A new account (record, email claim, role items) and ``extra`` items, atomically."""
    with_keys(user)
    try:
        with TransactWrite(connection=connection()) as tx:
            for item in new_user_items(user):
                tx.save(item, condition=type(item).PK.does_not_exist())
            for item in extra:
                tx.save(item)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise EmailTaken(user.email) from exc
        raise


def _action(name: str, value: Any) -> Any:
    attribute = getattr(User, name)
    return attribute.remove() if value is None else attribute.set(value)


def update(
    user: User,
    changes: dict[str, Any],
    *,
    also_save: Iterable[Item] = (),
    also_delete: Iterable[Item] = (),
) -> User:
    """Apply ``changes`` to the record read as ``user``, with everything derived from them.

    The record's index keys and role items follow the changed fields; ``also_save`` and
    ``also_delete`` (audit entries, events, the email claim) join the same transaction. Raises
    ``ConcurrentChange`` if the record changed since it was read.
    """
    after = copy(user)
    for name, value in changes.items():
        setattr(after, name, value)
    after.revision = (user.revision or 0) + 1
    actions = [_action(name, value) for name, value in changes.items()]
    actions += [*after.key_actions(), User.revision.set(after.revision)]
    guard = User.revision == user.revision
    if not user.revision:
        guard = guard | User.revision.does_not_exist()
    roles_before = {item.role: item for item in user.role_items()}
    roles_after = {item.role: item for item in after.role_items()}
    if changes.get("status") == DELETED:
        roles_after = {}
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(with_keys(copy(user)), actions=actions, condition=guard)
            for role, item in roles_after.items():
                if role not in roles_before:
                    tx.save(item)
            for role, item in roles_before.items():
                if role not in roles_after:
                    tx.delete(with_keys(item))
            for item in also_save:
                tx.save(item)
            for item in also_delete:
                tx.delete(with_keys(item))
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConcurrentChange(user.user_id) from exc
        raise
    return after


def email_items(email: str, limit: int = 20) -> list[Item]:
    """The items kept under an email address (claim, codes, pending code requests)."""
    return list(Item.query(EmailClaim.pk(email), limit=limit))


def record_key(user_id: str) -> User:
    """A key-only instance of a record, for conditional updates that need no read first."""
    return with_keys(User(user_id=user_id, email="-", name="-", created_at="-"))
