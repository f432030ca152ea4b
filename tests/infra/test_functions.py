"""One Lambda function per FunctionDecl, with the Lambda defaults and exactly the environment
and permissions its ``uses`` imply (infra_cdk/access.py)."""

from __future__ import annotations

from typing import Any

import pytest

from coursewave import resources
from functions import registry
from functions.registry import FunctionDecl
from infra_cdk import access
from infra_cdk.app import build_app
from infra_cdk.declarations import Declarations
from tests.infra import probes
from tests.infra.conftest import SKIP_BUNDLING, Build


def _statements(build: Build, function: dict[str, Any]) -> list[dict[str, Any]]:
    role = function["Role"]["Fn::GetAtt"][0]
    found = []
    for policy in build.resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    actions: set[str] = set()
    for statement in statements:
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def test_one_function_per_declaration(each_build: Build) -> None:
    names = {
        each_build.stack.names.function(decl.name) for decl in each_build.declarations.functions
    }
    synthesized = {
        f["Properties"]["FunctionName"]
        for f in each_build.resources("AWS::Lambda::Function").values()
        if "FunctionName" in f["Properties"]
    }

    assert synthesized == names


def _our_layers(build: Build) -> dict[str, Any]:
    """The shared and dependencies layers (not the AWS CLI layer a BucketDeployment brings for
    the web app's upload, which CDK owns)."""
    return {
        logical_id: layer
        for logical_id, layer in build.resources("AWS::Lambda::LayerVersion").items()
        if layer["Properties"].get("Description", "").startswith(("coursewave", "Pinned"))
    }


@pytest.mark.parametrize("decl", registry.FUNCTIONS, ids=lambda d: d.name)
def test_functions_follow_their_declaration_and_the_lambda_defaults(
    default: Build, decl: FunctionDecl
) -> None:
    _, props = default.function(decl.name)
    layers = _our_layers(default)

    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == decl.handler
    assert props["MemorySize"] == decl.memory_mb
    assert props["Timeout"] == decl.timeout_seconds
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["LoggingConfig"]["LogFormat"] == "JSON"
    assert props["LoggingConfig"]["LogGroup"]["Ref"] in default.resources("AWS::Logs::LogGroup")
    assert sorted(layer["Ref"] for layer in props["Layers"]) == sorted(layers)
    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_SERVICE_NAME"] == "coursewave"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert env["COURSEWAVE_STAGE"] == "prod"
    assert "PUBLIC_BASE_URL" in env


def test_layers_are_python312_arm64(default: Build) -> None:
    layers = _our_layers(default)

    assert len(layers) == 2
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_every_log_group_has_a_retention(each_build: Build) -> None:
    groups = each_build.resources("AWS::Logs::LogGroup")

    assert groups
    assert all(g["Properties"].get("RetentionInDays") for g in groups.values())


def test_function_log_groups_keep_a_month(default: Build) -> None:
    for decl in registry.FUNCTIONS:
        _, props = default.function(decl.name)
        group = default.json["Resources"][props["LoggingConfig"]["LogGroup"]["Ref"]]
        assert group["Properties"]["RetentionInDays"] == 30


def test_each_use_sets_its_environment(full: Build) -> None:
    _, props = full.function(probes.FUNCTION)
    env = props["Environment"]["Variables"]
    pool = resources.USER_POOL

    for name in (
        resources.TABLE.env,
        resources.EVENT_BUS.env,
        *(bucket.env for bucket in resources.BUCKETS),
        pool.pool_env,
        pool.client_env,
        pool.secret_env,
        pool.domain_env,
        pool.redirect_uris_env,
        *(provider.client_id_env for provider in pool.providers),
        access.MAIL_FROM,
        access.MEDIA_CDN_DOMAIN,
        access.MEDIA_SIGNING_KEY_ID,
        access.MEDIA_SIGNING_KEY_SECRET,
        probes.EVENTS_CONSUMER.env,
    ):
        assert name in env, name
    assert env[access.MAIL_FROM] == "Coursewave <no-reply@example.com>"
    assert env["COURSEWAVE_STAGE"] == "test"
    assert env["POWERTOOLS_LOG_LEVEL"] == "WARNING"
    assert props["LoggingConfig"]["ApplicationLogLevel"] == "WARN"


def test_each_use_grants_exactly_its_actions(full: Build) -> None:
    _, props = full.function(probes.FUNCTION)

    actions = _actions(_statements(full, props))

    assert set(access.TABLE_READ + access.TABLE_WRITE) <= actions
    assert set(access.USER_POOL_ACTIONS) <= actions
    assert set(access.BUCKET_OBJECT_ACTIONS) <= actions
    assert set(access.MAIL_ACTIONS) <= actions
    assert {"events:PutEvents", "sqs:SendMessage", "secretsmanager:GetSecretValue"} <= actions
    assert not [action for action in actions if "*" in action]


def test_functions_that_answer_requests_may_never_scan(each_build: Build) -> None:
    for decl in each_build.declarations.functions:
        _, props = each_build.function(decl.name)
        actions = _actions(_statements(each_build, props))
        if decl.name in each_build.declarations.http_functions:
            assert "dynamodb:Scan" not in actions, decl.name
        elif registry.TABLE in decl.uses:
            assert "dynamodb:Scan" in actions, decl.name


def test_functions_without_mail_or_user_pool_get_neither(default: Build) -> None:
    for decl in registry.FUNCTIONS:
        _, props = default.function(decl.name)
        actions = _actions(_statements(default, props))
        env = props["Environment"]["Variables"]
        assert (registry.USER_POOL in decl.uses) == (resources.USER_POOL.pool_env in env)
        assert (registry.USER_POOL in decl.uses) == bool(set(access.USER_POOL_ACTIONS) & actions)
        assert (registry.TABLE in decl.uses) == (resources.TABLE.env in env)


def test_every_use_in_the_registry_is_known_to_the_access_table() -> None:
    known = set(access.USES) | {d.env.lower() for d in resources.SECRETS}
    known |= {c.env for c in registry.CONSUMERS if c.env}
    declared = {use for decl in registry.FUNCTIONS for use in decl.uses}
    declared |= {use for worker in registry.CONTAINER_WORKERS for use in worker.uses}

    assert declared <= known, f"uses infra_cdk/access.py cannot grant: {declared - known}"


def test_an_unknown_use_fails_the_synth_naming_it(tmp_path: Any) -> None:
    bad = FunctionDecl(name="bad", module="functions.health.handler", uses=frozenset({"nonsense"}))
    declarations = Declarations.from_registry().with_additions(functions=(bad,))

    with pytest.raises(Exception, match="function bad uses 'nonsense'"):
        build_app(context=SKIP_BUNDLING, declarations=declarations, outdir=str(tmp_path))
