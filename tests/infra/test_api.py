"""The HTTP API mirrors the route declarations: one route each, the right authorizer, a
``$default`` fallback, CORS from ``coursewave.resources.CORS``, throttling and JSON access logs."""

from __future__ import annotations

import json
from typing import Any

from coursewave import resources
from functions import registry
from tests.infra import probes
from tests.infra.conftest import Build


def _routes(build: Build) -> dict[str, dict[str, Any]]:
    return {key: route for key, (route, _function) in build.routes().items()}


def _integration_function(build: Build, route: dict[str, Any]) -> str:
    """The logical id of the Lambda function a route's integration invokes."""
    return build.routes()[route["RouteKey"]][1]


def test_every_registry_route_becomes_exactly_one_api_route(default: Build) -> None:
    declared = [spec.route_key for spec in registry.routes()]

    synthesized = _routes(default)

    assert set(synthesized) == {*declared, "$default"}
    assert len(synthesized) == len(declared) + 1


def test_each_route_invokes_the_function_that_declares_it(each_build: Build) -> None:
    routes = _routes(each_build)

    for route in each_build.declarations.routes:
        expected = each_build.function(route.function)[0]
        assert _integration_function(each_build, routes[route.key]) == expected, route.key


def test_protected_routes_need_the_jwt_and_public_routes_do_not(each_build: Build) -> None:
    routes = _routes(each_build)

    for route in each_build.declarations.routes:
        synthesized = routes[route.key]
        if route.public:
            assert synthesized.get("AuthorizationType", "NONE") == "NONE", route.key
            assert "AuthorizerId" not in synthesized, route.key
        else:
            assert synthesized["AuthorizationType"] == "JWT", route.key
            assert "AuthorizerId" in synthesized, route.key


def test_every_protected_route_requires_the_access_token_scope(each_build: Build) -> None:
    """The JWT authorizer does not check token_use, and an ID token's aud is the client id: the
    authorization scopes (carried by access tokens only) are what keeps ID tokens out."""
    routes = _routes(each_build)
    scopes = list(resources.USER_POOL.api_scopes)
    assert scopes

    for route in each_build.declarations.routes:
        synthesized = routes[route.key]
        if route.public:
            assert "AuthorizationScopes" not in synthesized, route.key
        else:
            assert synthesized["AuthorizationScopes"] == scopes, route.key
    assert "AuthorizationScopes" not in routes["$default"]


def test_the_app_client_can_grant_the_api_scopes_in_the_oauth_flow(full: Build) -> None:
    """Federated sign-in's access tokens must carry the routes' scope too: the client allows it
    and the API asks for it (functions/auth/oauth.py requests USER_POOL.oauth_scopes)."""
    client = full.only("AWS::Cognito::UserPoolClient")["Properties"]

    assert set(resources.USER_POOL.api_scopes) <= set(client["AllowedOAuthScopes"])
    assert set(resources.USER_POOL.api_scopes) <= set(resources.USER_POOL.oauth_scopes)


def test_the_probe_build_really_has_a_protected_route(full: Build) -> None:
    route = _routes(full)[f"GET {probes.PROTECTED_PATH}"]

    assert route["AuthorizationType"] == "JWT"


def test_unknown_routes_fall_back_to_the_declared_function_without_authorizer(
    each_build: Build,
) -> None:
    fallback = _routes(each_build)["$default"]

    assert fallback.get("AuthorizationType", "NONE") == "NONE"
    expected = each_build.function(registry.DEFAULT_ROUTE_FUNCTION)[0]
    assert _integration_function(each_build, fallback) == expected


def test_the_jwt_authorizer_trusts_the_user_pool_and_its_app_client(full: Build) -> None:
    authorizer = full.only("AWS::ApiGatewayV2::Authorizer")["Properties"]
    pool_id = next(iter(full.resources("AWS::Cognito::UserPool")))
    client_id = next(iter(full.resources("AWS::Cognito::UserPoolClient")))

    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["JwtConfiguration"]["Audience"] == [{"Ref": client_id}]
    issuer = json.dumps(authorizer["JwtConfiguration"]["Issuer"])
    assert "https://cognito-idp." in issuer
    assert pool_id in issuer


def test_cors_comes_from_the_declaration(default: Build) -> None:
    cors = default.only("AWS::ApiGatewayV2::Api")["Properties"]["CorsConfiguration"]
    declared = resources.CORS

    assert cors["AllowOrigins"] == list(declared.allow_origins)
    assert cors["AllowHeaders"] == list(declared.allow_headers)
    assert cors["ExposeHeaders"] == list(declared.expose_headers)
    assert cors["AllowMethods"] == list(declared.allow_methods)
    assert cors["MaxAge"] == declared.max_age_seconds


def test_stage_throttles_and_logs_json(each_build: Build) -> None:
    stage = each_build.only("AWS::ApiGatewayV2::Stage")["Properties"]
    settings = each_build.stack.settings

    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == settings.throttle_rate_limit
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == settings.throttle_burst_limit
    log_format = json.loads(stage["AccessLogSettings"]["Format"])
    assert log_format["requestId"] == "$context.requestId"
    assert log_format["status"] == "$context.status"
    assert "DestinationArn" in stage["AccessLogSettings"]


def test_context_sets_the_throttling(full: Build) -> None:
    stage = full.only("AWS::ApiGatewayV2::Stage")["Properties"]

    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 50
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 80


def test_one_invoke_permission_per_api_function(each_build: Build) -> None:
    permissions = [  # the integrations, and so their permissions, are in the routes' stack
        resource
        for resource in each_build.routes_json["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Permission"
        and resource["Properties"].get("Principal") == "apigateway.amazonaws.com"
    ]
    functions = {route.function for route in each_build.declarations.routes}
    functions.add(each_build.declarations.default_route_function)

    assert len(permissions) == len(functions)
