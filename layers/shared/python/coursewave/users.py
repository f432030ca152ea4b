"""The user record: the authority on a caller's roles and status (DESIGN.md §2.4).

Cognito authenticates; this record authorizes. Every authenticated request loads it, so a ban or
a role change takes effect on the very next request whatever the token still says.

Besides the record (``PK=USER#<id>``, ``SK=PROFILE``) a user owns two kinds of small items that
keep lookups off Scan: one ``UserRole`` per privileged role (``instructor``, ``admin``: the admin
listing by role) and one ``EmailClaim`` (``PK=EMAIL#<email>``: an email belongs to one account).
``new_user_items`` returns all of them for a new user; every later change keeps them in step in
the same transaction (functions/users/repository.py). docs/data-model.md lists the keys.
Only repositories and the request's authorization (``coursewave.api``) touch these items; use
cases work on ``functions.users.domain.Account`` and on ``Principal``, plain values.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from coursewave.db import Item, key, keyed

ROLES = ("student", "instructor", "admin")
# Every account is a student; these roles are granted on top and get a ``UserRole`` item.
PRIVILEGED_ROLES = ("instructor", "admin")

UNVERIFIED = "unverified"  # registered, email not confirmed yet: cannot sign in
ACTIVE = "active"
BANNED = "banned"  # by an admin: cannot sign in, every request answers ACCOUNT_DISABLED
DELETED = "deleted"  # erased by its owner; the anonymised record remains
STATUSES = (UNVERIFIED, ACTIVE, BANNED, DELETED)

# How the account signs in: its own password or a federated provider.
PASSWORD = "password"  # noqa: S105 - a provider name, not a secret
PROVIDERS = (PASSWORD, "google", "github")

# Where higher domains keep a person's items outside their ``USER#<id>`` partition: the index
# partition ``USER#<id>#<suffix>`` of the named index. The data export (users) reads each one;
# users may import no higher domain, so each owner declares its row here (docs/privacy.md).
PERSONAL_INDEXES: tuple[tuple[str, str], ...] = (
    ("GSI1", "PAYMENTS"),  # payments: what the person bought, and how
    ("GSI2", "ATTEMPTS"),  # assessments: exam attempts, with the answers given
    ("GSI1", "CERTIFICATES"),  # certificates: the certificates issued to the person
    ("GSI2", "COMMENTS"),  # community: comments and replies the person wrote
    ("GSI2", "REVIEWS"),  # community: reviews the person wrote
)

PROFILE = "PROFILE"
# Index partitions that list every account: by email (GSI1) and by name (GSI2).
BY_EMAIL = "USERS#EMAIL"
BY_NAME = "USERS#NAME"


def normalise(text: str) -> str:
    """Lower case, accents stripped, whitespace collapsed: the form search keys are built from."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def normalise_email(email: str) -> str:
    """Emails are compared and stored in lower case (Cognito usernames are case-insensitive)."""
    return email.strip().lower()


def plain(value: Any) -> Any:
    """Stored values as JSON-ready Python (numbers, maps and sets from DynamoDB included)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    return value


class User(Item, discriminator="User"):
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    avatar_url = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute, default=lambda: ["student"])
    status = UnicodeAttribute(default=ACTIVE)
    preferences = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    # Identity details (issue 3). All optional, so records written before them still load.
    cognito_username = UnicodeAttribute(null=True)
    provider = UnicodeAttribute(default=PASSWORD)
    verified_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    # Epoch seconds of the last "sign out everywhere" (logout, ban, password reset, deletion):
    # access tokens issued before its whole second and refresh tokens issued before it are void.
    sessions_revoked_at = NumberAttribute(null=True)
    # Incremented by every change made through the identity repository; the condition of the
    # next change (optimistic concurrency without read-then-write races).
    revision = NumberAttribute(default=0)

    @staticmethod
    def pk(user_id: str) -> str:
        return key("USER", user_id)

    @staticmethod
    def status_key(status: str) -> str:
        """``GSI3PK``: the accounts in one status."""
        return key("USERS#STATUS", status)

    def keys(self) -> dict[str, str | None]:
        email = normalise(self.email)
        listed = self.status != DELETED
        return {
            "PK": self.pk(self.user_id),
            "SK": PROFILE,
            # every account, by email: the admin listing and email-prefix search
            "GSI1PK": BY_EMAIL if listed else None,
            "GSI1SK": email if listed else None,
            # every account, by name: name-prefix search
            "GSI2PK": BY_NAME if listed else None,
            "GSI2SK": f"{normalise(self.name)}#{self.user_id}" if listed else None,
            # by status (deleted accounts are listed only here)
            "GSI3PK": self.status_key(self.status),
            "GSI3SK": email,
            # sign-in lookup: the account that owns an email
            "GSI4PK": key("USEREMAIL", normalise_email(self.email)) if listed else None,
            "GSI4SK": PROFILE if listed else None,
        }

    def key_actions(self) -> list[Any]:
        """SET/REMOVE actions that bring the stored index keys in line with this instance.

        ``update()`` does not go through ``serialize()``, so every update that changes a field
        the keys derive from (email, name, status) adds these actions.
        """
        actions: list[Any] = []
        for name, value in self.keys().items():
            if name in ("PK", "SK"):
                continue
            attribute = getattr(type(self), name)
            actions.append(attribute.remove() if value is None else attribute.set(value))
        return actions

    def role_items(self) -> list[UserRole]:
        return [
            UserRole(user_id=self.user_id, role=role, email=normalise(self.email))
            for role in sorted(set(self.roles or []) & set(PRIVILEGED_ROLES))
        ]

    @classmethod
    def find(cls, user_id: str) -> User | None:
        try:
            return cls.get(cls.pk(user_id), PROFILE, consistent_read=True)
        except cls.DoesNotExist:
            return None

    def as_plain(self) -> dict[str, Any]:
        """The record's own fields as plain values (no keys): what ``Account`` is built from."""
        return {
            "user_id": self.user_id,
            "email": self.email,
            "name": self.name,
            "created_at": self.created_at,
            "roles": tuple(self.roles or ["student"]),
            "status": self.status,
            "avatar_url": self.avatar_url,
            "preferences": plain(self.preferences),
            "provider": self.provider or PASSWORD,
            "updated_at": self.updated_at,
            "cognito_username": self.cognito_username,
            "verified_at": self.verified_at,
            "deleted_at": self.deleted_at,
            "sessions_revoked_at": self.sessions_revoked_at,
            "revision": int(self.revision or 0),
        }

    @classmethod
    def key_only(cls, user_id: str) -> User:
        """A key-only instance of a record, for conditional updates that need no read first."""
        return keyed(cls(user_id=user_id, email="-", name="-", created_at="-"))


class UserRole(Item, discriminator="UserRole"):
    """One privileged role of one user: ``GSI1PK=USERS#ROLE#<role>`` lists the role's holders."""

    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    email = UnicodeAttribute()

    @staticmethod
    def holders_key(role: str) -> str:
        """``GSI1PK``: the holders of one role."""
        return key("USERS#ROLE", role)

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": User.pk(self.user_id),
            "SK": key("ROLE", self.role),
            "GSI1PK": self.holders_key(self.role),
            "GSI1SK": self.email,
        }


class EmailClaim(Item, discriminator="EmailClaim"):
    """An email address taken by one account (written with the account, conditionally)."""

    email = UnicodeAttribute()
    user_id = UnicodeAttribute()

    @staticmethod
    def pk(email: str) -> str:
        return key("EMAIL", normalise_email(email))

    def keys(self) -> dict[str, str | None]:
        return {"PK": self.pk(self.email), "SK": "CLAIM"}


def new_user_items(user: User) -> list[Item]:
    """The items a new account consists of: its record, its email claim, its role items."""
    claim = EmailClaim(email=normalise_email(user.email), user_id=user.user_id)
    return [user, claim, *user.role_items()]


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user id from the verified token, roles and status from the record.

    The other fields are the rest of the account as plain values, from the same consistent read,
    so a handler that needs them (``/v1/me``, logout) does not read the record again. No storage
    record travels with a principal.
    """

    user_id: str
    email: str
    name: str
    roles: frozenset[str]
    status: str
    role_list: tuple[str, ...] = ()  # ``roles`` in the record's order
    avatar_url: str | None = None
    preferences: Mapping[str, Any] = field(default_factory=dict, hash=False)
    provider: str = PASSWORD
    created_at: str = ""
    updated_at: str | None = None
    verified_at: str | None = None
    deleted_at: str | None = None
    cognito_username: str | None = None
    sessions_revoked_at: float | None = None
    revision: int = 0

    def has_any_role(self, roles: frozenset[str] | set[str]) -> bool:
        return bool(self.roles & roles)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @classmethod
    def from_user(cls, user: User) -> Principal:
        fields = user.as_plain()
        roles = fields.pop("roles")
        return cls(**fields, roles=frozenset(roles), role_list=roles)
