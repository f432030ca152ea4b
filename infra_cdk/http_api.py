"""The HTTP API: one route per declared ``RouteSpec``, each integrated with the Lambda function
that declares it; the Cognito JWT authorizer with the API's authorization scopes
(``Access.scopes``: only access tokens carry them) on every non-public route; ``$default`` to the
fallback function, so unknown routes answer with the API's JSON error envelope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import Duration, NestedStack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from coursewave import resources
from infra_cdk.declarations import Declarations
from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names

ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "userAgent": "$context.identity.userAgent",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class JsonAccessLogs:
    """Stage access logs: one JSON object per request, in ``log_group``."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        return apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS))


class HttpApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: Names,
        throttle_rate_limit: int,
        throttle_burst_limit: int,
    ) -> None:
        super().__init__(scope, construct_id)
        cors = resources.CORS
        self.api = apigwv2.HttpApi(
            self,
            "Api",
            api_name=names.resource("api"),
            description="Coursewave HTTP API",
            create_default_stage=False,
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=list(cors.allow_origins),
                allow_headers=list(cors.allow_headers),
                expose_headers=list(cors.expose_headers),
                allow_methods=[apigwv2.CorsHttpMethod(method) for method in cors.allow_methods],
                max_age=Duration.seconds(cors.max_age_seconds),
            ),
        )
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=throttle_rate_limit, burst_limit=throttle_burst_limit
            ),
            access_log_settings=JsonAccessLogs(self.access_logs),
        )
        self.routes: dict[str, apigwv2.HttpRoute] = {}
        # The routes, their integrations and the JWT authorizer live in a nested stack of their
        # own: one route per declaration is over a hundred resources, and CloudFormation caps a
        # stack at 500 (docs/decisions.md, "The routes are a nested stack").
        self.routes_stack = NestedStack(
            self, "Routes", description="Coursewave HTTP API routes and integrations"
        )

    @property
    def domain_name(self) -> str:
        """``<api-id>.execute-api.<region>.amazonaws.com``, the CloudFront origin."""
        return f"{self.api.api_id}.execute-api.{self.api.stack.region}.{self.api.stack.url_suffix}"

    @property
    def url(self) -> str:
        return f"https://{self.domain_name}/"

    def add_routes(
        self,
        declarations: Declarations,
        functions: Mapping[str, lambda_.IFunction],
        *,
        issuer: str,
        audience: str,
    ) -> None:
        authorizer = authorizers.HttpJwtAuthorizer(
            "CognitoAuthorizer", jwt_issuer=issuer, jwt_audience=[audience]
        )
        integration_for = {
            name: integrations.HttpLambdaIntegration(
                f"{name}-integration",
                function,
                # One invoke permission per function instead of one per route: many routes
                # share a function, and Lambda resource policies are capped at 20 KB.
                scope_permission_to_route=False,
            )
            for name, function in functions.items()
        }
        for route in declarations.routes:
            self.routes[route.key] = self._route(
                route.key,
                apigwv2.HttpRouteKey.with_(route.spec.path, apigwv2.HttpMethod(route.spec.method)),
                integration_for[route.function],
                None if route.public else authorizer,
                route.spec.access.scopes,
            )
        self.routes["$default"] = self._route(
            "$default",
            apigwv2.HttpRouteKey.DEFAULT,
            integration_for[declarations.default_route_function],
            None,
            (),
        )

    def _route(
        self,
        key: str,
        route_key: apigwv2.HttpRouteKey,
        integration: apigwv2.HttpRouteIntegration,
        authorizer: apigwv2.IHttpRouteAuthorizer | None,
        scopes: tuple[str, ...],
    ) -> apigwv2.HttpRoute:
        # The authorization scopes are what keeps ID tokens out: the JWT authorizer checks
        # signature, issuer, audience (an ID token's is the client id) and times, not token_use.
        route = apigwv2.HttpRoute(
            self.routes_stack,
            f"Route {key}",
            http_api=self.api,
            route_key=route_key,
            integration=integration,
            authorizer=authorizer,
            authorization_scopes=list(scopes) or None,
        )
        if authorizer is None:
            acknowledge(
                route,
                "AwsSolutions-APIG4",
                "A public route by declaration (access=PUBLIC: sign-up, sign-in, catalog, "
                "webhooks verified by signature) or the $default fallback that only answers 404; "
                "WAF rate limits apply in front of it.",
            )
        return route
