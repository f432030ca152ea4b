"""The callers of the authorization matrix, created on first use."""

from __future__ import annotations

from functools import cached_property

import boto3

from coursewave.users import User
from tests.support.cloud import Caller, Platform


class Personas:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    @cached_property
    def student(self) -> Caller:
        return self.platform.user("student")

    @cached_property
    def other_student(self) -> Caller:
        return self.platform.user("student")

    @cached_property
    def instructor(self) -> Caller:
        return self.platform.user("instructor")

    @cached_property
    def other_instructor(self) -> Caller:
        return self.platform.user("instructor")

    @cached_property
    def admin(self) -> Caller:
        return self.platform.user("admin")

    @cached_property
    def banned(self) -> Caller:
        """A user whose token is still valid but whose record says banned."""
        caller = self.platform.user("student")
        user = User.find(caller.user_id)
        assert user is not None
        user.update(actions=[User.status.set("banned")])
        boto3.client("cognito-idp").admin_disable_user(
            UserPoolId=self.platform.provisioned.user_pool_id, Username=caller.email
        )
        return caller
