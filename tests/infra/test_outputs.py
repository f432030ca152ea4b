"""Stack outputs are the contract deploy scripts and contract tests read."""

from __future__ import annotations

from coursewave import resources
from tests.infra.conftest import Build

ALWAYS = {
    "ApiUrl",
    "ApiDirectUrl",
    "UserPoolId",
    "UserPoolClientId",
    "EventBusName",
    "TableName",
    "MediaCdnDomain",
    "MediaSigningKeySecret",
    "AlarmTopicArn",
    *(f"{decl.logical_id}Name" for decl in resources.BUCKETS),
}


def test_outputs_name_every_endpoint_and_resource(default: Build, full: Build) -> None:
    default_outputs = set(default.json["Outputs"])
    full_outputs = set(full.json["Outputs"])

    assert default_outputs >= ALWAYS
    assert ALWAYS | {"HostedUiDomain", "InfraProbeWorkerRepositoryUri"} <= full_outputs
    assert "HostedUiDomain" not in default_outputs


def test_the_stack_stays_well_under_the_cloudformation_resource_limit(each_build: Build) -> None:
    counts = {
        "main": len(each_build.json["Resources"]),
        "routes (nested)": len(each_build.routes_json["Resources"]),
    }

    # 500 is CloudFormation's hard limit per stack; past 400 it is time to split again.
    assert all(count < 400 for count in counts.values()), counts
