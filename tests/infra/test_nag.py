"""cdk-nag (AwsSolutions) runs on every synth; nothing is left unacknowledged and every
acknowledgement says why."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

from infra_cdk import nag
from tests.infra.conftest import Build


def _acknowledgements(root: IConstruct) -> list[tuple[str, str, str]]:
    found = []
    for construct in root.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                data: dict[str, Any] = entry.data
                found += [(construct.node.path, rule, reason) for rule, reason in data.items()]
    return found


def test_no_finding_is_left_unacknowledged(each_build: Build) -> None:
    report = AwsSolutionsChecks().validate_scope(each_build.app)

    findings = [
        f"{v.rule_name} at {[r.construct_path for r in v.violating_resources]}"
        for v in report.violations
    ]
    assert report.success, "\n".join(findings)


def test_every_acknowledgement_has_a_reason(each_build: Build) -> None:
    acknowledgements = _acknowledgements(each_build.app)
    ours = [(path, rule, why) for path, rule, why in acknowledgements if "AwsSolutions-" in rule]

    assert ours
    assert all(reason.strip() for _, _, reason in acknowledgements)  # CDK's own included
    for path, rule, reason in ours:
        assert len(reason.split()) >= 8, f"{path}: {rule} needs a real reason, got {reason!r}"


def test_synth_fails_on_an_unacknowledged_finding(tmp_path: Any) -> None:
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Nagged")
    sqs.Queue(stack, "PlainQueue")  # no DLQ, no TLS-only policy: AwsSolutions errors
    nag.enable_checks(app)

    with pytest.raises(Exception, match=r"ValidationFailed(.|\n)*AwsSolutions-SQS4"):
        app.synth()


def test_an_acknowledgement_without_a_reason_is_refused(tmp_path: Any) -> None:
    app = App(outdir=str(tmp_path))

    with pytest.raises(ValueError, match="needs a reason"):
        nag.acknowledge(app, "AwsSolutions-SQS3", "  ")
    with pytest.raises(ValueError, match="not an AwsSolutions rule"):
        nag.acknowledge(app, "SQS3", "A reason that is long enough to count.")
