"""Container workers: an ECR repository and an arm64 Fargate service draining their queue."""

from __future__ import annotations

import json

import pytest

from tests.infra import probes
from tests.infra.conftest import Build
from workers.transcode.settings import CHUNK_WORKERS_ENV


@pytest.mark.parametrize("build_name", ["default", "full"])
def test_every_worker_has_a_scanned_repository_and_an_arm64_task(
    request: pytest.FixtureRequest, build_name: str
) -> None:
    build: Build = request.getfixturevalue(build_name)
    names = build.stack.names
    repositories = {
        repository["Properties"]["RepositoryName"]: repository
        for repository in build.resources("AWS::ECR::Repository").values()
    }
    tasks = [t["Properties"] for t in build.resources("AWS::ECS::TaskDefinition").values()]

    for worker in build.declarations.container_workers:
        repository = repositories[names.resource(worker.name)]
        assert repository["Properties"]["ImageScanningConfiguration"] == {"ScanOnPush": True}
        assert repository["DeletionPolicy"] == "Retain"
        task = next(t for t in tasks if t["ContainerDefinitions"][0]["Command"] == worker.command)
        assert task["RuntimePlatform"]["CpuArchitecture"] == "ARM64"
        assert task["Cpu"] == str(worker.cpu)
        assert task["Memory"] == str(worker.memory_mb)
        assert task["RequiresCompatibilities"] == ["FARGATE"]


def test_the_image_tag_comes_from_context(full: Build) -> None:
    task = next(
        t["Properties"]
        for t in full.resources("AWS::ECS::TaskDefinition").values()
        if t["Properties"]["ContainerDefinitions"][0]["Command"] == list(probes.WORKER.command)
    )
    image = json.dumps(task["ContainerDefinitions"][0]["Image"])

    assert image.endswith(':v42"]]}')


def test_the_worker_gets_its_queue_and_the_resources_it_uses(full: Build) -> None:
    task = next(
        t["Properties"]
        for t in full.resources("AWS::ECS::TaskDefinition").values()
        if t["Properties"]["ContainerDefinitions"][0]["Command"] == list(probes.WORKER.command)
    )
    env = {e["Name"] for e in task["ContainerDefinitions"][0]["Environment"]}
    role = task["TaskRoleArn"]["Fn::GetAtt"][0]
    actions = set()
    for policy in full.resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                value = statement["Action"]
                actions.update([value] if isinstance(value, str) else value)

    assert {probes.WORK_CONSUMER.env, "UPLOADS_BUCKET", "MEDIA_BUCKET"} <= env
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "s3:GetObject", "s3:PutObject"} <= actions
    assert {"states:SendTaskSuccess", "states:SendTaskHeartbeat"} <= actions
    assert "ecs:UpdateTaskProtection" in actions


def test_workers_scale_on_queue_depth_within_the_configured_bounds(each_build: Build) -> None:
    targets = each_build.resources("AWS::ApplicationAutoScaling::ScalableTarget")
    settings = each_build.stack.settings

    assert len(targets) == len(each_build.declarations.container_workers)
    for target in targets.values():
        assert target["Properties"]["MinCapacity"] == settings.worker_min_capacity
        assert target["Properties"]["MaxCapacity"] == settings.worker_max_capacity
    policies = each_build.resources("AWS::ApplicationAutoScaling::ScalingPolicy")
    assert policies
    assert all(p["Properties"]["PolicyType"] == "StepScaling" for p in policies.values())


def test_one_worker_runs_by_default_so_a_lone_long_job_always_finishes(default: Build) -> None:
    targets = default.resources("AWS::ApplicationAutoScaling::ScalableTarget")

    assert targets
    assert {target["Properties"]["MinCapacity"] for target in targets.values()} == {1}


def test_the_cluster_has_container_insights_and_the_vpc_flow_logs(full: Build) -> None:
    cluster = full.only("AWS::ECS::Cluster")["Properties"]

    assert {"Name": "containerInsights", "Value": "enabled"} in cluster["ClusterSettings"]
    assert full.resources("AWS::EC2::FlowLog")
    assert full.resources("AWS::EC2::NatGateway") == {}


def test_long_videos_are_split_for_as_many_tasks_as_the_service_may_run(full: Build) -> None:
    settings = full.stack.settings
    task = next(
        t["Properties"]
        for t in full.resources("AWS::ECS::TaskDefinition").values()
        if t["Properties"]["ContainerDefinitions"][0]["Command"] == list(probes.WORKER.command)
    )
    env = {e["Name"]: e["Value"] for e in task["ContainerDefinitions"][0]["Environment"]}

    assert env[CHUNK_WORKERS_ENV] == str(settings.worker_max_capacity) == "3"  # from context
    targets = full.resources("AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert {t["Properties"]["MaxCapacity"] for t in targets} == {settings.worker_max_capacity}


def test_the_default_capacity_covers_eight_parallel_parts(default: Build) -> None:
    assert default.stack.settings.worker_max_capacity == 8
