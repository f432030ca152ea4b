"""The user record: the authority on a caller's roles and status (DESIGN.md §2.4).

Cognito authenticates; this record authorizes. Every authenticated request loads it, so a ban or
a role change takes effect on the very next request whatever the token still says.

Besides the record (``PK=USER#<id>``, ``SK=PROFILE``) a user owns two kinds of small items that
keep lookups off Scan: one ``UserRole`` per privileged role (``instructor``, ``admin``: the admin
listing by role) and one ``EmailClaim`` (``PK=EMAIL#<email>``: an email belongs to one account).
``new_user_items`` returns all of them for a new user; every later change keeps them in step in
the same transaction (functions/users/repository.py). docs/data-model.md lists the keys.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from coursewave.db import Item, key

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

PROFILE = "PROFILE"


def normalise(text: str) -> str:
    """Lower case, accents stripped, whitespace collapsed: the form search keys are built from."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def normalise_email(email: str) -> str:
    """Emails are compared and stored in lower case (Cognito usernames are case-insensitive)."""
    return email.strip().lower()


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

    def keys(self) -> dict[str, str | None]:
        email = normalise(self.email)
        listed = self.status != DELETED
        return {
            "PK": self.pk(self.user_id),
            "SK": PROFILE,
            # every account, by email: the admin listing and email-prefix search
            "GSI1PK": "USERS#EMAIL" if listed else None,
            "GSI1SK": email if listed else None,
            # every account, by name: name-prefix search
            "GSI2PK": "USERS#NAME" if listed else None,
            "GSI2SK": f"{normalise(self.name)}#{self.user_id}" if listed else None,
            # by status (deleted accounts are listed only here)
            "GSI3PK": key("USERS#STATUS", self.status),
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


class UserRole(Item, discriminator="UserRole"):
    """One privileged role of one user: ``GSI1PK=USERS#ROLE#<role>`` lists the role's holders."""

    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    email = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": User.pk(self.user_id),
            "SK": key("ROLE", self.role),
            "GSI1PK": key("USERS#ROLE", self.role),
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
    """Who is calling: the user id from the verified token, roles and status from the record."""

    user_id: str
    email: str
    name: str
    roles: frozenset[str]
    status: str
    # The record the request loaded (consistent read), so handlers need not read it again.
    record: User | None = field(default=None, compare=False, repr=False)

    def has_any_role(self, roles: frozenset[str] | set[str]) -> bool:
        return bool(self.roles & roles)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @classmethod
    def from_user(cls, user: User) -> Principal:
        return cls(
            user_id=user.user_id,
            email=user.email,
            name=user.name,
            roles=frozenset(user.roles or ["student"]),
            status=user.status,
            record=user,
        )
