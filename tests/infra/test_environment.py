"""The environment the CDK app sets and the one ``coursewave.config.Settings`` reads are the same
names, all declared in ``coursewave.resources``.

Every variable set on a function or container worker is one ``Settings`` reads (Powertools' own
and the worker's own ``WorkerSettings`` aside); every ``Settings`` field that names a declared
resource is set on exactly the functions whose ``uses`` declare that resource (a work queue's
URL: also on the worker that drains it).
"""

from __future__ import annotations

from typing import Any

import pytest

from coursewave import resources
from coursewave.config import Settings
from functions import registry
from infra_cdk.app_secrets import use_name
from tests.infra import probes
from tests.infra.conftest import Build
from workers.transcode.settings import WORKER_ENV

SETTINGS_ENV = frozenset(field.alias for field in Settings.model_fields.values() if field.alias)
LIBRARY_ENV = frozenset(resources.POWERTOOLS_ENV)
# Set by ecs_patterns.QueueProcessingFargateService on its container, besides the queue's URL.
PATTERN_ENV = frozenset({"QUEUE_NAME"})
PROBE_ENV = frozenset({probes.EVENTS_CONSUMER.env, probes.WORK_CONSUMER.env})

POOL = resources.USER_POOL
# What each declared use puts in the environment, in the ``full`` build (every option set).
USE_ENV: dict[str, frozenset[str]] = {
    registry.TABLE: frozenset({resources.TABLE.env}),
    registry.BUS: frozenset({resources.EVENT_BUS.env}),
    registry.USER_POOL: frozenset(
        {
            POOL.pool_env,
            POOL.client_env,
            POOL.secret_env,
            POOL.domain_env,
            POOL.redirect_uris_env,
            *(provider.client_id_env for provider in POOL.providers),
        }
    ),
    registry.UPLOADS: frozenset({resources.UPLOADS_BUCKET.env}),
    registry.MEDIA: frozenset(
        {
            resources.MEDIA_BUCKET.env,
            resources.MEDIA_CDN.domain_env,
            resources.MEDIA_CDN.key_id_env,
            resources.MEDIA_CDN.key_secret_env,
        }
    ),
    registry.CERTIFICATES: frozenset({resources.CERTIFICATES_BUCKET.env}),
    registry.EXPORTS: frozenset({resources.EXPORTS_BUCKET.env}),
    registry.MAIL: frozenset({resources.MAIL_FROM.env, resources.MAIL_CONFIGURATION_SET.env}),
    registry.PAYMENTS: frozenset(resources.PAYMENTS_ENV),
    registry.EVENT_LAKE: frozenset({resources.EVENT_LAKE.env}),
    registry.XAPI: frozenset({resources.XAPI_LRS_SECRET.env, resources.XAPI_LRS_ENDPOINT.env}),
    registry.CERTIFICATE_SIGNING: frozenset({resources.CERTIFICATE_SIGNING_KEY.env}),
    **{use_name(decl): frozenset({decl.env}) for decl in resources.SECRETS},
    **{decl.env: frozenset({decl.env}) for decl in resources.QUEUES},
}
EVERY_FUNCTION = frozenset(
    {
        resources.STAGE.env,
        resources.PUBLIC_BASE_URL.env,
        resources.WEB_APP_URL.env,
        resources.CLIENT_IP_HEADER.env,
    }
)


def _function_env(build: Build) -> dict[str, frozenset[str]]:
    envs = {}
    for decl in build.declarations.functions:
        _, props = build.function(decl.name)
        envs[decl.name] = frozenset(props.get("Environment", {}).get("Variables", {}))
    return envs


def _worker_env(build: Build) -> dict[str, frozenset[str]]:
    envs = {}
    for _, task in build.resources("AWS::ECS::TaskDefinition").items():
        for container in task["Properties"]["ContainerDefinitions"]:
            command: list[Any] = container.get("Command", [])
            envs[" ".join(command)] = frozenset(e["Name"] for e in container.get("Environment", []))
    return envs


def test_every_variable_the_cdk_app_sets_is_one_settings_reads(each_build: Build) -> None:
    allowed = SETTINGS_ENV | LIBRARY_ENV | PROBE_ENV
    envs = _function_env(each_build)
    workers = _worker_env(each_build)
    assert workers, "no container worker to check"

    unread = {name: sorted(env - allowed) for name, env in envs.items() if env - allowed}
    unread |= {
        name: sorted(env - allowed - PATTERN_ENV - WORKER_ENV)
        for name, env in workers.items()
        if env - allowed - PATTERN_ENV - WORKER_ENV
    }
    assert unread == {}, "set by the CDK app, read by no Settings field"


def test_each_function_gets_exactly_the_variables_of_its_uses(full: Build) -> None:
    envs = _function_env(full)

    for decl in full.declarations.functions:
        expected = EVERY_FUNCTION | LIBRARY_ENV
        for use in decl.uses:
            expected |= USE_ENV.get(use, frozenset({use}) & PROBE_ENV)
        assert envs[decl.name] == expected, decl.name


@pytest.mark.parametrize(
    "alias", sorted(SETTINGS_ENV & resources.declared_env_names()), ids=lambda alias: alias
)
def test_every_resource_settings_reads_is_set_where_it_is_used(full: Build, alias: str) -> None:
    envs = _function_env(full)
    users = {
        decl.name
        for decl in full.declarations.functions
        if alias in EVERY_FUNCTION or any(alias in USE_ENV.get(use, ()) for use in decl.uses)
    }

    on_workers = {name for name, env in _worker_env(full).items() if alias in env}

    # A work queue's URL also reaches the container worker draining it (not a function use).
    assert users or on_workers, f"{alias}: no declared use sets it"
    assert {name for name, env in envs.items() if alias in env} == users


def test_settings_reads_every_declared_resource() -> None:
    assert resources.declared_env_names() <= SETTINGS_ENV
