"""Container workers (``registry.CONTAINER_WORKERS``) on Fargate, fed by their consumer's queue.

Docker is not needed at synth: each worker gets an ECR repository and the service runs the image
tagged context ``transcodeImageTag`` (built and pushed as docs/deploy.md shows). Tasks run on
arm64 in public subnets with a public IP for egress (no NAT gateway to pay for; no inbound rule
exists) and reach S3 through a gateway endpoint.

The service scales out on visible messages and back in when none are visible, which is also the
case while every task is busy with its (hidden) message: scale-in may stop a busy task, whose
job SQS then delivers again. One task always runs by default (context ``workerMinCapacity``), so
a lone long job always finishes; zero is safe once the worker turns on ECS task scale-in
protection while it holds a job (its role may already do so).
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.registry import ContainerWorkerDecl
from infra_cdk.access import TASK_TOKEN_ACTIONS, Platform, access_for
from infra_cdk.compute import base_environment
from infra_cdk.nag import acknowledge, token_name
from infra_cdk.naming import Names
from infra_cdk.settings import Settings
from workers.transcode.settings import CHUNK_WORKERS_ENV

KEEP_IMAGES = 20
EPHEMERAL_STORAGE_GIB = 50
SCALING_STEPS = [
    autoscaling.ScalingInterval(upper=0, change=-1),
    autoscaling.ScalingInterval(lower=1, change=+1),
    autoscaling.ScalingInterval(lower=10, change=+2),
]
TASK_PROTECTION_ACTIONS = ("ecs:GetTaskProtection", "ecs:UpdateTaskProtection")


class ContainerWorkers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        workers: tuple[ContainerWorkerDecl, ...],
        queues: Mapping[str, sqs.IQueue],
        queue_env: Mapping[str, str],
        platform: Platform,
        names: Names,
        settings: Settings,
    ) -> None:
        super().__init__(scope, construct_id)
        flow_logs = logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
            },
            flow_logs={
                "All": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
                )
            },
        )
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=self.vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        self.repositories: dict[str, ecr.Repository] = {}
        self.services: dict[str, ecs_patterns.QueueProcessingFargateService] = {}
        for worker in workers:
            self._worker(worker, queues[worker.queue], queue_env, platform, names, settings)

    def _worker(
        self,
        worker: ContainerWorkerDecl,
        queue: sqs.IQueue,
        queue_env: Mapping[str, str],
        platform: Platform,
        names: Names,
        settings: Settings,
    ) -> None:
        scope = Construct(self, worker.name)
        repository = ecr.Repository(
            scope,
            "Repository",
            repository_name=names.resource(worker.name),
            image_scan_on_push=True,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=KEEP_IMAGES)],
            removal_policy=RemovalPolicy.RETAIN,
        )
        access = access_for(f"container worker {worker.name}", worker.uses, platform)
        environment = {
            **base_environment(settings),
            **{env: queue.queue_url for env, name in queue_env.items() if name == worker.queue},
            **access.env,
            # A long video is split for as many tasks as the service may run at once.
            CHUNK_WORKERS_ENV: str(settings.worker_max_capacity),
        }
        log_group = logs.LogGroup(scope, "Logs", retention=logs.RetentionDays.ONE_MONTH)
        service = ecs_patterns.QueueProcessingFargateService(
            scope,
            "Service",
            cluster=self.cluster,
            queue=queue,
            image=ecs.ContainerImage.from_ecr_repository(
                repository, tag=settings.transcode_image_tag
            ),
            command=list(worker.command),
            cpu=worker.cpu,
            memory_limit_mib=worker.memory_mb,
            ephemeral_storage_gib=EPHEMERAL_STORAGE_GIB,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.ARM64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
            environment=environment,
            log_driver=ecs.LogDrivers.aws_logs(stream_prefix=worker.name, log_group=log_group),
            assign_public_ip=True,
            task_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            min_scaling_capacity=settings.worker_min_capacity,
            max_scaling_capacity=settings.worker_max_capacity,
            scaling_steps=SCALING_STEPS,
            disable_cpu_based_scaling=True,
            cooldown=Duration.minutes(2),
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            # A deployment starts new tasks before it stops old ones, which may hold a job.
            min_healthy_percent=100,
            max_healthy_percent=200,
        )
        task_role = service.task_definition.task_role
        access.grant(task_role)
        task_role.add_to_principal_policy(
            iam.PolicyStatement(actions=list(TASK_TOKEN_ACTIONS), resources=["*"])
        )
        task_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(TASK_PROTECTION_ACTIONS), resources=[self.cluster.arn_for_tasks("*")]
            )
        )
        cluster_name = token_name(self.cluster.node.default_child)  # type: ignore[arg-type]
        acknowledge(
            task_role,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:"
            f"<AWS::AccountId>:task/{cluster_name}/*]",
            "Task scale-in protection is set by the running task on itself, whose id exists "
            "only at run time; the grant is limited to tasks of this cluster.",
        )
        acknowledge(
            service.task_definition.obtain_execution_role(),
            "AwsSolutions-IAM5[Resource::*]",
            "ecr:GetAuthorizationToken (added by CDK to pull the image) has no resource-level "
            "permissions; image pulls themselves are limited to this worker's repository.",
        )
        acknowledge(
            service.task_definition,
            "AwsSolutions-ECS2",
            "The environment holds resource names and URLs only (bucket, queue, table); no "
            "secret is passed to the container.",
        )
        acknowledge(
            task_role,
            "AwsSolutions-IAM5[Resource::*]",
            "states:SendTaskSuccess/Failure/Heartbeat take no resource ARN: the worker answers "
            "the transcode state machine's .waitForTaskToken task with the token it was given.",
        )
        self.repositories[worker.name] = repository
        self.services[worker.name] = service
