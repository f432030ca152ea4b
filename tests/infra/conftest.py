"""Two builds of the CDK app, each synthesized once per session (bundling skipped: no pip, no
Docker): ``default`` is exactly what ``make synth`` builds from the registry with the defaults of
cdk.json; ``full`` sets every optional context value (OAuth, signing key, alarm email, SES, no
WAF) and adds probe declarations (tests/infra/probes.py) so every code path is synthesized."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App
from aws_cdk.assertions import Template
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from infra_cdk.app import build_app
from infra_cdk.declarations import Declarations
from infra_cdk.settings import REPO_ROOT
from infra_cdk.stack import CoursewaveStack
from tests.infra.probes import with_probes

SKIP_BUNDLING = {"aws:cdk:bundling-stacks": []}
CALLBACK_URL = "https://app.example.com/auth/callback"
ALARM_EMAIL = "ops@example.com"
GOOGLE_CLIENT_ID = "1234-google.apps.googleusercontent.com"
GITHUB_CLIENT_ID = "Iv1.github-client"
MAIL_FROM = "Coursewave <no-reply@example.com>"
WEB_APP_URL = "https://app.example.com"
# Every payments value (infra_cdk.settings.payment_context_key), so the full build sets them all.
PAYMENT_CONTEXT = {
    "stripeApiBase": "https://api.stripe.com",
    "momoBaseUrl": "https://proxy.momoapi.mtn.com",
    "momoTargetEnvironment": "mtnrwanda",
    "airtelBaseUrl": "https://openapi.airtel.africa",
    "airtelCountry": "UG",
    "platformCommissionBps": "1500",
    "paymentPendingExpiryMinutes": "90",
}


@dataclass
class Build:
    app: App
    stack: CoursewaveStack
    declarations: Declarations
    template: Template

    @cached_property
    def json(self) -> dict[str, Any]:
        """The synthesized template, read once (each Template query is a round trip to jsii)."""
        return self.template.to_json()

    @cached_property
    def routes_json(self) -> dict[str, Any]:
        """The nested stack that holds the HTTP API's routes, integrations and authorizer."""
        return Template.from_stack(self.stack.http_api.routes_stack).to_json()

    def routes(self) -> dict[str, tuple[dict[str, Any], str]]:
        """Each synthesized route by route key: its properties and the logical id (in the main
        template) of the function its integration invokes, resolved through the parameter the
        nested stack receives it by."""
        nested = self.routes_json["Resources"]
        [parameters] = [
            resource["Properties"].get("Parameters", {})
            for resource in self.json["Resources"].values()
            if resource["Type"] == "AWS::CloudFormation::Stack"
        ]
        found: dict[str, tuple[dict[str, Any], str]] = {}
        for resource in nested.values():
            if resource["Type"] != "AWS::ApiGatewayV2::Route":
                continue
            route = resource["Properties"]
            assert route["RouteKey"] not in found, f"{route['RouteKey']} synthesized twice"
            integration = nested[route["Target"]["Fn::Join"][1][1]["Ref"]]["Properties"]
            uri = integration["IntegrationUri"]
            function = uri.get("Fn::GetAtt", None)
            if function is None:
                function = parameters[uri["Ref"]]["Fn::GetAtt"]
            found[route["RouteKey"]] = (route, function[0])
        return found

    def resources(self, type_: str, props: dict[str, Any] | None = None) -> dict[str, Any]:
        """Resources of ``type_`` whose properties include ``props`` (key by key, exactly)."""
        return {
            logical_id: resource
            for logical_id, resource in self.json["Resources"].items()
            if resource["Type"] == type_
            and all(
                resource.get("Properties", {}).get(key) == value
                for key, value in (props or {}).items()
            )
        }

    def function(self, name: str) -> tuple[str, dict[str, Any]]:
        """The logical id and properties of the Lambda function declared as ``name``."""
        wanted = self.stack.names.function(name)
        for logical_id, function in self.resources("AWS::Lambda::Function").items():
            if function["Properties"].get("FunctionName") == wanted:
                return logical_id, function["Properties"]
        raise AssertionError(f"no function {wanted}")

    def only(self, type_: str, props: dict[str, Any] | None = None) -> dict[str, Any]:
        found = self.resources(type_, props)
        assert len(found) == 1, f"expected one {type_} matching {props}, found {len(found)}"
        return next(iter(found.values()))


def cdk_json_context() -> dict[str, Any]:
    """The context the CDK CLI passes from cdk.json (defaults and feature flags)."""
    return json.loads((REPO_ROOT / "cdk.json").read_text())["context"]


def _build(context: dict[str, Any], declarations: Declarations, outdir: Path) -> Build:
    app, stack = build_app(
        context={**cdk_json_context(), **SKIP_BUNDLING, **context},
        declarations=declarations,
        outdir=str(outdir),
    )
    return Build(app, stack, declarations, Template.from_stack(stack))


def public_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture(scope="session")
def default(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return _build({}, Declarations.from_registry(), tmp_path_factory.mktemp("cdk-default"))


@pytest.fixture(scope="session")
def full(tmp_path_factory: pytest.TempPathFactory) -> Build:
    workdir = tmp_path_factory.mktemp("cdk-full")
    context = {
        "stage": "test",
        "oauth": "true",
        "oauthCallbackUrls": CALLBACK_URL,
        "googleClientId": GOOGLE_CLIENT_ID,
        "githubClientId": GITHUB_CLIENT_ID,
        "mediaSigningPublicKey": public_key_pem(),
        "alarmEmail": ALARM_EMAIL,
        "mailFrom": MAIL_FROM,
        "waf": "false",
        "apiThrottleRateLimit": "50",
        "apiThrottleBurstLimit": "80",
        "transcodeImageTag": "v42",
        "workerMinCapacity": "0",
        "workerMaxCapacity": "3",
        "logLevel": "WARNING",
        "xapiLrsEndpoint": "https://lrs.example.com/xapi",
        "webAppUrl": WEB_APP_URL,
        **PAYMENT_CONTEXT,
    }
    return _build(context, with_probes(Declarations.from_registry(), workdir), workdir / "out")


@pytest.fixture(scope="session", params=["default", "full"])
def each_build(request: pytest.FixtureRequest) -> Iterator[Build]:
    yield request.getfixturevalue(request.param)


# First: pytest-xdist's own hook turns the xdist_group marks into the groups it schedules.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep every infra test on one xdist worker, so each build is synthesized once."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.xdist_group("infra"))
