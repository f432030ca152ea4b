"""The callers of the authorization matrix, created on first use.

Each persona registers its name with the platform, so the authz harness records who called
(``tests/support/authz.py``): ``student``, ``other_student`` (a second student), ``instructor``
(an instructor who owns nothing of the test's), ``owner`` (the instructor who builds the test's
courses and media; on routes where nothing is owned, just an instructor), ``admin`` and
``banned``. No token is ``anonymous``.
"""

from __future__ import annotations

from functools import cached_property

import boto3

from coursewave.users import User
from tests.support.cloud import Caller, Platform


class Personas:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def _make(self, name: str, role: str) -> Caller:
        caller = self.platform.user(role)
        self.platform.persona_names[caller.user_id] = name
        return caller

    @cached_property
    def student(self) -> Caller:
        return self._make("student", "student")

    @cached_property
    def other_student(self) -> Caller:
        return self._make("other_student", "student")

    @cached_property
    def owner(self) -> Caller:
        """The instructor who owns the test's courses (build them with this caller)."""
        return self._make("owner", "instructor")

    @property
    def instructor(self) -> Caller:
        """The owning instructor, under the name most tests use for it."""
        return self.owner

    @cached_property
    def other_instructor(self) -> Caller:
        """An instructor who owns none of the test's objects."""
        return self._make("instructor", "instructor")

    @cached_property
    def admin(self) -> Caller:
        return self._make("admin", "admin")

    @cached_property
    def banned(self) -> Caller:
        """A user whose token is still valid but whose record says banned."""
        caller = self._make("banned", "student")
        user = User.find(caller.user_id)
        assert user is not None
        user.update(actions=[User.status.set("banned")])
        boto3.client("cognito-idp").admin_disable_user(
            UserPoolId=self.platform.provisioned.user_pool_id, Username=caller.email
        )
        return caller

    def caller(self, name: str) -> Caller | None:
        """The persona called ``name`` (as the harness records it); ``anonymous`` is None."""
        if name == "anonymous":
            return None
        return self.other_instructor if name == "instructor" else getattr(self, name)
