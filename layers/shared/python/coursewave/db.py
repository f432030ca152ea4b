"""The single DynamoDB table and the one data-access toolkit every repository uses.

Every entity subclasses ``Item`` with a discriminator and implements ``keys()``; the key attributes
(``PK``, ``SK``, ``GSIn*``) are derived from the entity's fields on every write, so they cannot
drift. The table name is read lazily from configuration, never at import time.

Beside the base model: ``Key`` (a ``(PK, SK)`` pair), ``keyed`` (set an instance's computed keys),
``connection`` (the models' low-level connection, for transactions and batch reads),
``condition_failed`` (did a transaction fail on one of its conditions) and ``transaction``.
Only repositories import this module (the import contracts in pyproject.toml say so).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.attributes import DiscriminatorAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from coursewave.config import settings
from coursewave.resources import TABLE, Index

SEP = "#"


def key(*parts: object) -> str:
    """``key("COURSE", "c1") == "COURSE#c1"``."""
    return SEP.join(str(part) for part in parts)


class _TableName:
    """Resolves ``Meta.table_name`` from configuration when PynamoDB first needs it."""

    def __get__(self, instance: object, owner: type) -> str:
        return settings().require("table_name")


def _index(decl: Index) -> GlobalSecondaryIndex:
    """A PynamoDB index built from its declaration in ``resources.TABLE``."""
    meta = type("Meta", (), {"index_name": decl.name, "projection": AllProjection()})
    index_class = type(
        decl.name,
        (GlobalSecondaryIndex,),
        {
            "Meta": meta,
            decl.hash_key: UnicodeAttribute(hash_key=True),
            decl.range_key: UnicodeAttribute(range_key=True),
        },
    )
    return index_class()


class Item(Model):
    """Base of every entity stored in the table."""

    class Meta:
        table_name = _TableName()

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    entity = DiscriminatorAttribute(attr_name="entity")
    expires_at = TTLAttribute(null=True)

    gsi1, gsi2, gsi3, gsi4 = (_index(decl) for decl in TABLE.indexes)

    def keys(self) -> dict[str, str | None]:
        """The entity's key attributes, computed from its fields: ``{"PK": …, "SK": …, …}``."""
        raise NotImplementedError

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        for name, value in self.keys().items():
            setattr(self, name, value)
        return super().serialize(null_check=null_check)


Key = tuple[str, str]  # (PK, SK) of one item
ItemT = TypeVar("ItemT", bound=Item)


def keyed(item: ItemT) -> ItemT:
    """Set the computed key attributes on an instance that was built, not read (PynamoDB needs
    them for update, delete and transactions)."""
    for name, value in item.keys().items():
        setattr(item, name, value)
    return item


def decode(model: type[ItemT], raw: dict[str, Any] | None) -> ItemT | None:
    """A raw item (from a batch read or a raw query) as a ``model`` item, if it is one: None
    for a missing item or one of another entity."""
    if raw is None:
        return None
    attribute = model._get_discriminator_attribute()
    entity = attribute.get_discriminator(model) if attribute is not None else None
    if raw.get("entity", {}).get("S") != entity:
        return None
    return model.from_raw_data(raw)


def connection() -> Connection:
    """The models' own connection: a new ``Connection()`` would build a new botocore session and
    client (tens of milliseconds of model loading) each time."""
    return Item._get_connection().connection


def transaction() -> TransactWrite:
    """A ``TransactWrite`` on the models' connection: ``with transaction() as tx: tx.save(...)``."""
    return TransactWrite(connection=connection())


def condition_failed(exc: TransactWriteError) -> bool:
    """Whether a cancelled transaction failed on one of its conditions (not on a conflict)."""
    return any(
        reason is not None and reason.code == "ConditionalCheckFailed"
        for reason in exc.cancellation_reasons or ()
    )
