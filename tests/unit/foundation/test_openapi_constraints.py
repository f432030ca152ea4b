"""What the OpenAPI document promises about inputs is what the functions enforce (the fuzzer,
tests/e2e/test_fuzz.py, sends whatever the document allows and expects it accepted)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from functions.auth import domain as auth_domain
from functions.auth.models import LoginBody, RegisterBody, ResetBody
from functions.courses import money
from functions.courses.categories import ID_PATTERN
from functions.courses.models import (
    CourseIn,
    CoursePatch,
    LessonPatch,
    NotNullable,
    PriceIn,
    SectionPatch,
)
from functions.media.models import UploadRequest
from functions.users.models import MePatch
from tools import openapi


def _document() -> dict[str, Any]:
    return openapi.build_openapi()


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_a_category_is_documented_as_the_id_form_categories_take() -> None:
    """Categories are data (admins add them): the document gives their form, not a list."""
    document = _document()
    catalog = next(op for key, op in _operations(document) if key == "GET /v1/courses")
    category = next(p for p in catalog["parameters"] if p["name"] == "category")["schema"]

    assert any(option.get("pattern") == ID_PATTERN for option in category["anyOf"])
    schema = document["components"]["schemas"][CourseIn.__name__]
    assert schema["properties"]["category"]["pattern"] == ID_PATTERN
    for bad in ("Astro", "-x", "a b", "x" * 51):
        with pytest.raises(ValidationError):
            CourseIn.model_validate({"category": bad})


def test_an_email_is_documented_as_the_pattern_the_functions_accept() -> None:
    schema = _document()["components"]["schemas"][LoginBody.__name__]["properties"]["email"]

    assert schema["maxLength"] == 254 and schema["pattern"].startswith("^")
    for bad in ("", "no-at-sign", " padded@example.test", "a@b", "a@@b.test"):
        with pytest.raises(ValidationError):
            LoginBody.model_validate({"email": bad, "password": "x"})
    assert LoginBody.model_validate({"email": "Ana@Example.TEST", "password": "x"}).email == (
        "ana@example.test"
    )


def test_a_body_is_required_exactly_when_its_model_has_required_fields() -> None:
    for key, operation in _operations(_document()):
        body = operation.get("requestBody")
        if body is None:
            continue
        (content,) = body["content"].values()
        ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
        schema = _document()["components"]["schemas"][ref]
        assert body["required"] == bool(schema.get("required")), key


def test_the_sign_in_routes_document_their_own_401() -> None:
    # A wrong password or a spent refresh token is our 401 (the envelope), on public routes.
    operations = dict(_operations(_document()))
    for key in ("POST /v1/auth/login", "POST /v1/auth/refresh"):
        assert "401" in operations[key]["responses"], key


def _patterns(node: Any, where: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.append((where, value))
            else:
                found.extend(_patterns(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_patterns(value, f"{where}/{index}"))
    return found


def test_no_documented_pattern_uses_a_class_the_regex_dialects_disagree_on() -> None:
    # \s, \S, \d and \D are different sets in JSON Schema's ECMA-262 (what the fuzzer and
    # clients read), Python's re and pydantic's Rust regex: U+0085 is a space to Python and
    # Rust, not to ECMA; U+FEFF the other way; Arabic-Indic digits are \d to Python only.
    shorthand = re.compile(r"(?<!\\)(?:\\\\)*\\[sSdD]")
    # (``[\s\S]``, "any character", is the same in all three.)
    offending = [
        (where, pattern)
        for where, pattern in _patterns(_document())
        if shorthand.search(pattern.replace(r"[\s\S]", ""))
    ]

    assert offending == []


@pytest.mark.parametrize("char", ["\x85", "\ufeff", "\xa0", "\u2028", "\x1f", "\u3000"])
def test_an_email_with_any_kind_of_space_is_refused_by_pattern_and_validator_alike(
    char: str,
) -> None:
    pattern = _document()["components"]["schemas"][LoginBody.__name__]["properties"]["email"]
    email = f"ana{char}@example.test"

    assert not re.search(pattern["pattern"], email)
    with pytest.raises(ValidationError):
        LoginBody.model_validate({"email": email, "password": "x"})


@pytest.mark.parametrize(
    ("model", "field"), [(RegisterBody, "password"), (ResetBody, "new_password")]
)
def test_the_password_policy_is_documented_where_a_password_is_chosen(
    model: type[BaseModel], field: str
) -> None:
    schema = _document()["components"]["schemas"][model.__name__]["properties"][field]

    assert (schema["minLength"], schema["maxLength"]) == (10, 256)
    assert "two of" in schema["description"]
    # The pattern (no surrounding spaces) is the one the policy applies.
    for password in ("Good-pass-2026", "no space\u3000inside-9", " Lead-space-1", "Trail-9-x\x85"):
        documented = re.search(schema["pattern"], password) is not None
        assert documented == (auth_domain.password_problem(password) is None), repr(password)


def _one_value(schema: dict[str, Any]) -> Any:
    """The single value a schema allows (``const``, or an ``enum`` of one)."""
    values = schema["enum"] if "enum" in schema else [schema["const"]]
    assert len(values) == 1, schema
    return values[0]


def test_the_github_adapter_documents_what_cognito_must_send() -> None:
    operations = dict(_operations(_document()))
    authorize = operations["GET /v1/auth/oidc/github/authorize"]
    params = {p["name"]: p for p in authorize["parameters"]}
    token = operations["POST /v1/auth/oidc/github/token"]["requestBody"]

    assert params["response_type"]["required"] is True
    assert _one_value(params["response_type"]["schema"]) == "code"
    assert params["client_id"]["required"] and params["redirect_uri"]["required"]
    assert list(token["content"]) == ["application/x-www-form-urlencoded"]
    form = _document()["components"]["schemas"][
        token["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert _one_value(form["properties"]["grant_type"]) == "authorization_code"
    assert set(form["required"]) == {"grant_type", "code"}


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(
        option.get("type") == "null" for option in schema.get("anyOf", [])
    )


@pytest.mark.parametrize("model", [CoursePatch, SectionPatch, LessonPatch])
def test_a_patch_documents_null_only_where_null_clears_a_field(model: type[NotNullable]) -> None:
    schema = _document()["components"]["schemas"][model.__name__]["properties"]

    nullable = {name for name, prop in schema.items() if _nullable(prop)}

    assert nullable == set(model.NULLABLE)
    for name, prop in schema.items():
        if name not in model.NULLABLE:
            assert "default" not in prop, name


def test_a_price_currency_is_documented_as_the_iso_4217_codes_accepted() -> None:
    schema = _document()["components"]["schemas"][PriceIn.__name__]["properties"]["currency"]

    assert schema["enum"] == sorted(money.CURRENCY_EXPONENTS)
    for code in schema["enum"]:
        PriceIn.model_validate({"amount": 0, "currency": code})


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (MePatch, {"preferences": {"notifications": {"media": {"in_app": 0}}}}),
        (MePatch, {"preferences": {"notifications": {"media": {"email": "true"}}}}),
        (
            UploadRequest,
            {
                "course_id": "c1",
                "filename": "a.mp4",
                "content_type": "video/mp4",
                "size_bytes": "5",
            },
        ),
    ],
    ids=["0 as a boolean", "a string as a boolean", "a string as an integer"],
)
def test_a_body_takes_json_types_as_documented_not_coerced(
    model: type[BaseModel], body: dict[str, Any]
) -> None:
    # The document says boolean / integer; the fuzzer's negative cases send 0 or "5" and expect
    # a 422 (pydantic's lax mode would coerce them).
    with pytest.raises(ValidationError):
        model.model_validate(body)
