"""The HTTP layer every route shares: parsing, access checks, error mapping."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ConfigDict, Field

from coursewave.api import (
    MAX_BODY_BYTES,
    PUBLIC,
    Api,
    Reply,
    authorize,
    parse_body,
    parse_query,
    roles,
    token_groups,
)
from coursewave.errors import (
    BadRequest,
    PayloadTooLarge,
    Unauthenticated,
    UnsupportedMediaType,
    ValidationFailed,
)
from local.apigw import LambdaContext, http_api_event


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=5)
    count: int = 0


def _event(body: bytes | str | None, content_type: str = "application/json") -> dict:
    return http_api_event(
        "POST", "/x", route_key="POST /x", body=body, headers={"content-type": content_type}
    )


def test_a_valid_body_parses_into_the_model() -> None:
    thing = parse_body(_event(json.dumps({"title": "ok", "count": 2})), Thing)
    assert thing == Thing(title="ok", count=2)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": "ok", "extra": 1}, "extra", "unknown field"),
        ({}, "title", "Field required"),
        ({"title": "too long"}, "title", "String should have at most 5 characters"),
    ],
)
def test_invalid_bodies_name_the_field(body: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_body(_event(json.dumps(body)), Thing)
    assert {"field": field, "message": message} in caught.value.details["fields"]
    assert caught.value.status == 422


@pytest.mark.parametrize("raw", ["{not json", '{"title":', "\ud800"])
def test_malformed_json_is_a_bad_request(raw: str) -> None:
    with pytest.raises(BadRequest):
        parse_body(_event(raw.encode("utf-8", "surrogatepass")), Thing)


def test_a_json_array_is_not_an_object() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_body(_event("[1, 2]"), Thing)
    assert caught.value.details["fields"][0]["field"] == "body"


def test_oversize_bodies_are_rejected_before_parsing() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_body(_event("x" * (MAX_BODY_BYTES + 1)), Thing)


def test_a_non_json_content_type_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaType):
        parse_body(_event("title=x", "application/x-www-form-urlencoded"), Thing)


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=20, ge=1, le=100)


def test_unknown_query_parameters_are_a_bad_request() -> None:
    event = http_api_event("GET", "/x", route_key="GET /x", query="limit=5&sort=evil")
    with pytest.raises(BadRequest) as caught:
        parse_query(event, Filters)
    assert caught.value.details == {"params": ["sort"]}


def test_out_of_range_query_values_are_validation_errors() -> None:
    event = http_api_event("GET", "/x", route_key="GET /x", query="limit=1000")
    with pytest.raises(ValidationFailed):
        parse_query(event, Filters)


@pytest.mark.parametrize(
    ("raw", "groups"),
    [("[admins instructors]", ["admins", "instructors"]), (["students"], ["students"]), (None, [])],
)
def test_groups_claim_is_read_in_both_api_gateway_forms(raw: object, groups: list[str]) -> None:
    claims = {"sub": "u"} if raw is None else {"sub": "u", "cognito:groups": raw}
    assert token_groups(claims) == groups


def test_a_protected_route_without_claims_is_unauthenticated() -> None:
    event = http_api_event("GET", "/x", route_key="GET /x")
    with pytest.raises(Unauthenticated):
        authorize(roles("admin"), event)
    assert authorize(PUBLIC, event) is None


def test_route_declarations_carry_everything_the_platform_derives() -> None:
    app = Api("things")

    @app.route("POST", "/v1/things/{thing_id}", access=roles("admin"), summary="x", status=201)
    def create(thing_id: str) -> Reply:
        return Reply(201, {"id": thing_id})

    (spec,) = app.routes
    assert spec.route_key == "POST /v1/things/{thing_id}"
    assert spec.path_params == ["thing_id"]
    assert spec.access.roles == frozenset({"admin"})
    assert spec.domain == "things"


def test_unhandled_errors_become_a_500_envelope_without_details() -> None:
    app = Api("boom")

    @app.route("GET", "/v1/boom", access=PUBLIC, summary="explodes")
    def boom() -> None:
        raise RuntimeError("secret internals")

    event = http_api_event("GET", "/v1/boom", route_key="GET /v1/boom")
    response = app.lambda_handler(event, LambdaContext(function_name="boom"))
    body = json.loads(response["body"])
    assert response["statusCode"] == 500
    assert body["error"]["code"] == "INTERNAL"
    assert "secret" not in response["body"]
    assert body["error"]["request_id"] == event["requestContext"]["requestId"]


def test_path_parameters_outside_the_id_alphabet_are_not_found() -> None:
    app = Api("ids")

    @app.route("GET", "/v1/ids/{item_id}", access=PUBLIC, summary="echo")
    def echo(item_id: str) -> dict:
        return {"id": item_id}

    bad = http_api_event("GET", "/v1/ids/a%20b", route_key="GET /v1/ids/{item_id}")
    good = http_api_event("GET", "/v1/ids/abc-1", route_key="GET /v1/ids/{item_id}")
    assert app.lambda_handler(bad, LambdaContext(function_name="ids"))["statusCode"] == 404
    response = app.lambda_handler(good, LambdaContext(function_name="ids"))
    assert json.loads(response["body"]) == {"id": "abc-1"}
