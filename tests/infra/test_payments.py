"""Payments in AWS: the operator-filled credentials secret, the payments values from context, the
reconciliation schedule, and least-privilege access to each (docs/deploy.md "Payments")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coursewave import resources
from functions import registry
from infra_cdk.settings import Settings, SettingsError, payment_context_key
from tests.infra.conftest import PAYMENT_CONTEXT, Build
from tests.infra.test_settings import Context


def _secret(build: Build) -> tuple[str, dict[str, Any]]:
    found = {
        lid: r
        for lid, r in build.resources("AWS::SecretsManager::Secret").items()
        if lid.startswith("OperatorSecretsPaymentsSecret")
    }
    assert len(found) == 1, found
    return next(iter(found.items()))


def test_the_stack_creates_the_payments_secret_with_every_declared_key_empty(
    default: Build,
) -> None:
    _, secret = _secret(default)
    props = secret["Properties"]

    value = json.loads(props["SecretString"])
    assert sorted(value) == sorted(resources.PAYMENTS_SECRET.keys)
    assert set(value.values()) == {""}, "placeholders only: the operator writes the real values"
    assert props["Name"] == "coursewave/prod/PaymentsSecret"
    assert "PaymentsSecretArn" in default.json["Outputs"]


@pytest.mark.parametrize(
    "name", sorted(d.name for d in registry.FUNCTIONS if registry.PAYMENTS in d.uses)
)
def test_payments_functions_may_read_only_the_payments_secret(default: Build, name: str) -> None:
    _, props = default.function(name)
    secret_id, _ = _secret(default)
    role = props["Role"]["Fn::GetAtt"][0]
    statements = [
        statement
        for policy in default.resources("AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "secretsmanager:GetSecretValue" in statement["Action"]
    ]

    assert {"Ref": secret_id} in [s["Resource"] for s in statements]
    assert props["Environment"]["Variables"][resources.PAYMENTS_SECRET.env] == {"Ref": secret_id}
    assert "secretsmanager:PutSecretValue" not in json.dumps(statements)


def test_payment_values_from_context_reach_the_payments_functions(full: Build) -> None:
    _, props = full.function("payments")
    env = props["Environment"]["Variables"]

    for decl in resources.PAYMENT_VALUES:
        assert env[decl.env] == PAYMENT_CONTEXT[payment_context_key(decl)], decl.env


def test_unset_payment_values_are_left_to_the_settings_defaults(default: Build) -> None:
    _, props = default.function("payments")
    env = props["Environment"]["Variables"]

    assert not {decl.env for decl in resources.PAYMENT_VALUES} & set(env)


def test_the_reconciler_runs_on_the_declared_rate_with_its_own_invoke_only_role(
    default: Build,
) -> None:
    (decl,) = registry.SCHEDULES
    schedule = default.only("AWS::Scheduler::Schedule")["Properties"]
    function_id, _ = default.function(decl.function)

    assert schedule["ScheduleExpression"] == f"rate({decl.rate_minutes} minutes)"
    assert schedule["Target"]["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 0
    role_id = schedule["Target"]["RoleArn"]["Fn::GetAtt"][0]
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in default.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    actions = {s["Action"] for statements in policies for s in statements}
    assert actions == {"lambda:InvokeFunction"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("webAppUrl", "http://app.example.com", "https"),
        ("stripeApiBase", "api.stripe.com", "https"),
        ("platformCommissionBps", "12000", "10000"),
        ("platformCommissionBps", "a lot", "integer"),
        ("paymentPendingExpiryMinutes", "-5", "positive"),
    ],
)
def test_bad_payment_values_are_refused_naming_the_key(key: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=key) as raised:
        Settings.from_context(Context(**{key: value}))  # type: ignore[arg-type]
    assert message in str(raised.value)


def test_payment_context_keys_are_the_env_names_in_camel_case() -> None:
    keys = {payment_context_key(decl) for decl in resources.PAYMENT_VALUES}

    assert keys == set(PAYMENT_CONTEXT)
    found = Settings.from_context(Context(stripeApiBase="https://api.stripe.com/"))  # type: ignore[arg-type]
    assert found.payment_values == {resources.STRIPE_API_BASE.env: "https://api.stripe.com"}
