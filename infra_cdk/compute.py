"""One Lambda function per ``FunctionDecl``: Python 3.12 on arm64, JSON logs, active tracing.

Lambda defaults live here and only here. Each function gets the environment and the IAM
statements its ``uses`` imply (``infra_cdk.access``), its own role and log group, the handler
code (``functions/``) and two layers: the shared package and the pinned dependencies.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from coursewave import resources
from functions.registry import FunctionDecl
from infra_cdk import bundling
from infra_cdk.access import Platform, access_for
from infra_cdk.declarations import Declarations
from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names
from infra_cdk.settings import Settings

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
SERVICE_NAME = "coursewave"
METRICS_NAMESPACE = "Coursewave"
LAMBDA_LOG_LEVELS = {
    "DEBUG": lambda_.ApplicationLogLevel.DEBUG,
    "INFO": lambda_.ApplicationLogLevel.INFO,
    "WARNING": lambda_.ApplicationLogLevel.WARN,
    "ERROR": lambda_.ApplicationLogLevel.ERROR,
}


def base_environment(settings: Settings) -> dict[str, str]:
    """What every function and container worker gets, whatever it uses."""
    return {
        resources.STAGE.env: settings.stage,
        resources.POWERTOOLS_SERVICE: SERVICE_NAME,
        resources.POWERTOOLS_NAMESPACE: METRICS_NAMESPACE,
        resources.POWERTOOLS_LOG_LEVEL: settings.log_level,
    }


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        declarations: Declarations,
        platform: Platform,
        names: Names,
        settings: Settings,
    ) -> None:
        super().__init__(scope, construct_id)
        self.names = names
        self.settings = settings
        self.layers = [
            lambda_.LayerVersion(
                self,
                "SharedLayer",
                code=bundling.shared_layer_code(),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description="coursewave shared package (layers/shared/python)",
            ),
            lambda_.LayerVersion(
                self,
                "DepsLayer",
                code=bundling.deps_layer_code(),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description="Pinned runtime dependencies (layers/deps/requirements.txt)",
            ),
        ]
        self.code = bundling.functions_code()
        self.functions: dict[str, lambda_.Function] = {}
        stream_consumers = {stream.function for stream in declarations.stream_consumers}
        for decl in declarations.functions:
            function = self._function(decl, reads_stream=decl.name in stream_consumers)
            access_for(
                f"function {decl.name}",
                decl.uses,
                platform,
                serves_http=decl.name in declarations.http_functions,
            ).apply(function, function.add_environment)
            self.functions[decl.name] = function

    def add_environment(self, name: str, value: str) -> None:
        """Set ``name`` on every function (values known only once other constructs exist)."""
        for function in self.functions.values():
            function.add_environment(name, value)

    def _function(self, decl: FunctionDecl, *, reads_stream: bool) -> lambda_.Function:
        scope = Construct(self, decl.name)
        log_group = logs.LogGroup(scope, "Logs", retention=LOG_RETENTION)
        role = iam.Role(
            scope,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Coursewave function {decl.name}",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        function = lambda_.Function(
            scope,
            "Function",
            function_name=self.names.function(decl.name),
            description=decl.description or decl.name,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=decl.handler,
            code=self.code,
            layers=self.layers,
            memory_size=decl.memory_mb,
            timeout=Duration.seconds(decl.timeout_seconds),
            role=role,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=LAMBDA_LOG_LEVELS[self.settings.log_level],
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            environment=base_environment(self.settings),
        )
        stream = " and dynamodb:ListStreams (the table stream event source)" if reads_stream else ""
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "Only actions without resource-level permissions use '*': X-Ray trace writes "
            f"(active tracing){stream}.",
        )
        acknowledge(
            function,
            "AwsSolutions-L1",
            "Pinned to python3.12 on purpose: the dependency layer is built for CPython 3.12 "
            "(manylinux2014_aarch64 wheels); move runtime and layer together.",
        )
        return function
