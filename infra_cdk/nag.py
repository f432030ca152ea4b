"""cdk-nag (AwsSolutions) on every synth, and the one way to acknowledge a finding: with a reason.

An acknowledgement is attached to the narrowest construct that causes the finding; its reason
says why the finding does not apply or what compensates for it (docs/deploy.md lists them all).
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct


def enable_checks(app: IConstruct) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge ``rule`` (``AwsSolutions-XX`` or ``AwsSolutions-XX[finding]``) on ``scope``."""
    if not reason.strip():
        raise ValueError(f"acknowledging {rule} needs a reason")
    if not rule.startswith("AwsSolutions-"):
        raise ValueError(f"{rule!r} is not an AwsSolutions rule id")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def token_name(resource: IConstruct, attribute: str | None = None) -> str:
    """How cdk-nag spells a reference to ``resource`` (a CfnElement) in a finding:
    ``<LogicalId.Attribute>`` for ``Fn::GetAtt``, ``<LogicalId>`` for ``Ref``."""
    stack = Stack.of(resource)
    logical_id = stack.resolve(stack.get_logical_id(resource))  # type: ignore[arg-type]
    return f"<{logical_id}.{attribute}>" if attribute else f"<{logical_id}>"
