"""Demo data: the three demo users, in their Cognito groups and with their user records."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from coursewave.clock import now_iso
from coursewave.resources import ROLE_GROUPS
from coursewave.users import ACTIVE, PASSWORD, User, new_user_items, normalise_email
from local.demo_course import seed_demo_course
from local.demo_paid_course import seed_demo_paid_course
from local.demo_video import seed_demo_video

DEMO_DOMAIN = "demo.coursewave.dev"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[str, ...]


DEMO_USERS = (
    DemoUser(f"admin@{DEMO_DOMAIN}", "Ada Admin", ("student", "admin")),
    DemoUser(f"instructor@{DEMO_DOMAIN}", "Ines Instructor", ("student", "instructor")),
    DemoUser(f"student@{DEMO_DOMAIN}", "Sam Student", ("student",)),
)


def generate_password() -> str:
    """A password that satisfies the pool's policy (≥ 10 characters, several classes)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"{core}-{secrets.choice(string.digits)}{secrets.choice(string.ascii_uppercase)}"


def create_user(
    user_pool_id: str, email: str, name: str, roles: tuple[str, ...], password: str
) -> str:
    """A confirmed, active account: a Cognito user with a permanent password in its groups, and
    its record, email claim and role items (as registration + confirmation would leave them)."""
    idp = boto3.client("cognito-idp")
    email = normalise_email(email)
    created = idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
        ],
        MessageAction="SUPPRESS",
    )["User"]
    user_id = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    idp.admin_set_user_password(
        UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True
    )
    for role in roles:
        idp.admin_add_user_to_group(
            UserPoolId=user_pool_id, Username=email, GroupName=ROLE_GROUPS[role]
        )
    moment = now_iso()
    user = User(
        user_id=user_id,
        email=email,
        name=name,
        roles=list(roles),
        status=ACTIVE,
        provider=PASSWORD,
        cognito_username=created["Username"],
        verified_at=moment,
        preferences={},
        created_at=moment,
        updated_at=moment,
        revision=0,
    )
    with TransactWrite(connection=Connection()) as tx:
        for item in new_user_items(user):
            tx.save(item)
    return user_id


def seed_users(user_pool_id: str, password: str) -> dict[str, str]:
    """Create the demo users; returns email → user id."""
    return {
        user.email: create_user(user_pool_id, user.email, user.name, user.roles, password)
        for user in DEMO_USERS
    }


# Feature seeders: each takes the running ``LocalPlatform`` (its ``demo`` users, ``url``, ``log``)
# and adds what its feature needs to look alive. They run in order after the demo users exist.
SEEDERS: list[Callable[[Any], None]] = []

# Courses: a published demo course by the demo instructor (local/demo_course.py).
SEEDERS.append(seed_demo_course)

# Payments: a paid demo course the demo student can buy on the local checkout page
# (local/demo_paid_course.py).
SEEDERS.append(seed_demo_paid_course)

# Media: a generated clip, uploaded and transcoded in the background, then added to the demo
# course as a preview video lesson (local/demo_video.py).
SEEDERS.append(seed_demo_video)
