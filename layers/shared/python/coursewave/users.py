"""The user record: the authority on a caller's roles and status (DESIGN.md §2.4).

Cognito authenticates; this record authorizes. Every authenticated request loads it, so a ban or
a role change takes effect on the very next request whatever the token still says.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute

from coursewave.db import Item, key

ROLES = ("student", "instructor", "admin")
ACTIVE = "active"


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

    @staticmethod
    def pk(user_id: str) -> str:
        return key("USER", user_id)

    def keys(self) -> dict[str, str | None]:
        return {"PK": self.pk(self.user_id), "SK": "PROFILE"}

    @classmethod
    def find(cls, user_id: str) -> User | None:
        try:
            return cls.get(cls.pk(user_id), "PROFILE", consistent_read=True)
        except cls.DoesNotExist:
            return None


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user id from the verified token, roles and status from the record."""

    user_id: str
    email: str
    name: str
    roles: frozenset[str]
    status: str

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
        )
