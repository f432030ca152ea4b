"""State machines: Standard, logged, traced, placeholders bound to the stack's resources, the
permissions those resources imply, and a trigger rule on the declared bus."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra import probes
from tests.infra.conftest import Build


def _state_machine(build: Build, name: str) -> tuple[str, dict[str, Any]]:
    wanted = build.stack.names.state_machine(name)
    for logical_id, machine in build.resources("AWS::StepFunctions::StateMachine").items():
        if machine["Properties"]["StateMachineName"] == wanted:
            return logical_id, machine["Properties"]
    raise AssertionError(f"no state machine {wanted}")


def _role_statements(build: Build, machine: dict[str, Any]) -> list[dict[str, Any]]:
    role = machine["RoleArn"]["Fn::GetAtt"][0]
    statements = []
    for policy in build.resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _granted(statements: list[dict[str, Any]], action: str) -> list[str]:
    resources = []
    for statement in statements:
        actions = statement["Action"]
        actions = actions if isinstance(actions, list) else [actions]
        if action in actions:
            found = statement["Resource"]
            resources += [json.dumps(r) for r in (found if isinstance(found, list) else [found])]
    return resources


@pytest.mark.parametrize("build_name", ["default", "full"])
def test_every_state_machine_is_standard_logged_and_traced(
    request: pytest.FixtureRequest, build_name: str
) -> None:
    build: Build = request.getfixturevalue(build_name)
    for decl in build.declarations.state_machines:
        _, machine = _state_machine(build, decl.name)

        assert machine["StateMachineType"] == "STANDARD"
        assert machine["LoggingConfiguration"]["Level"] == "ALL"
        assert machine["TracingConfiguration"] == {"Enabled": True}
        assert set(machine["DefinitionSubstitutions"]) == set(decl.substitutions)


def test_placeholders_resolve_to_the_resources_their_names_denote(full: Build) -> None:
    _, machine = _state_machine(full, "infra-probe")
    values = machine["DefinitionSubstitutions"]
    table_id = next(iter(full.resources("AWS::DynamoDB::Table")))
    bus_id = next(iter(full.resources("AWS::Events::EventBus")))
    function_id, _ = full.function(probes.FUNCTION)

    assert values["Table"] == {"Ref": table_id}
    assert values["Bus"] == {"Ref": bus_id}
    assert values["Fn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert "MessagingConsumerinfraprobework" in values["Queue"]["Ref"]
    assert "StorageMediaBucket" in values["Media"]["Ref"]


def test_the_role_may_do_what_the_definition_touches_and_answer_task_tokens(full: Build) -> None:
    _, machine = _state_machine(full, "infra-probe")
    statements = _role_statements(full, machine)
    table_id = next(iter(full.resources("AWS::DynamoDB::Table")))

    assert any(table_id in r for r in _granted(statements, "dynamodb:PutItem"))
    assert any("EventBus" in r for r in _granted(statements, "events:PutEvents"))
    assert any("infraprobework" in r for r in _granted(statements, "sqs:SendMessage"))
    assert any("MediaBucket" in r for r in _granted(statements, "s3:PutObject"))
    invoke = _granted(statements, "lambda:InvokeFunction")
    assert any(probes.FUNCTION.replace("-", "") in resource for resource in invoke)
    for action in ("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"):
        assert _granted(statements, action) == ['"*"']
    # Started by S3 "Object Created": it may read what the upload bucket emitted.
    assert any("UploadsBucket" in r for r in _granted(statements, "s3:GetObject"))


def test_a_trigger_starts_the_machine_from_the_declared_bus_with_a_dead_letter_queue(
    each_build: Build,
) -> None:
    for decl in each_build.declarations.state_machines:
        if not decl.trigger:
            continue
        machine_id, _ = _state_machine(each_build, decl.name)
        rule = next(
            r["Properties"]
            for r in each_build.resources("AWS::Events::Rule").values()
            if any(t["Arn"] == {"Ref": machine_id} for t in r["Properties"]["Targets"])
        )
        target = rule["Targets"][0]

        if decl.trigger_bus == "default":
            assert rule["EventBusName"] == "default"
        else:  # the platform's own bus, which the stack creates
            (bus_id,) = each_build.resources("AWS::Events::EventBus")
            assert rule["EventBusName"] == {"Ref": bus_id}
        assert rule["EventPattern"]["source"] == decl.trigger["source"]
        assert rule["EventPattern"]["detail-type"] == decl.trigger["detail-type"]
        assert "${" not in json.dumps(rule["EventPattern"]), "unresolved placeholder"
        assert "DeadLetterConfig" in target
        assert "RoleArn" in target
