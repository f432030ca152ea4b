"""Route declarations and the HTTP layer every API function shares.

A route is declared once, with ``@app.route(method, path, access=…)`` on its handler function.
That declaration feeds the Lambda's router (Powertools ``APIGatewayHttpResolver``), the CDK routes
and authorizer settings, the local gateway, ``docs/openapi.json`` and the authorization-matrix
test harness.

The wrapper around each handler does what every route needs, in one place: it resolves and checks
the caller (``Principal``; the user record is authoritative for roles and status), parses the JSON
body and the query string into pydantic models that forbid unknown fields, and maps results and
``DomainError``s to responses with the API.md error envelope.
"""

from __future__ import annotations

import base64
import inspect
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from pydantic import BaseModel, ValidationError

from coursewave.errors import (
    AccountDisabled,
    BadRequest,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthenticated,
    UnsupportedMediaType,
    ValidationFailed,
    envelope,
)
from coursewave.json_depth import MAX_JSON_DEPTH, nests_deeper_than
from coursewave.observability import CORRELATION_HEADER, bind_correlation_id, logger, metrics
from coursewave.resources import USER_POOL
from coursewave.tokens import LAMBDA, TokenRejected
from coursewave.users import ACTIVE, UNVERIFIED, Principal, User

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

M = TypeVar("M", bound=BaseModel)
MAX_BODY_BYTES = 1024 * 1024
PATH_PARAM = re.compile(r"\{([a-z_]+)\}")
SAFE_PATH_VALUE = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")


@dataclass(frozen=True)
class Access:
    """Who may call a route, as far as the route table can tell.

    ``public`` routes skip the JWT authorizer. Otherwise the caller must be an active user and,
    when ``roles`` is set, hold one of them. Object-level rules (the course's owner, an enrolled
    learner) are enforced by domain logic and described in ``who`` for the docs.
    """

    public: bool = False
    roles: frozenset[str] = frozenset()
    who: str = ""
    # The route needs a token, but the handler checks the caller's record itself (it reads the
    # user in its own BatchGetItem and calls ``authorize_user`` with this access): the route
    # gets the verified ``claims`` instead of a ``principal`` (one round trip fewer).
    user_checked_by_handler: bool = False

    @property
    def scopes(self) -> tuple[str, ...]:
        """The authorization scopes API Gateway requires of the token (one of them): none on a
        public route, ``USER_POOL.api_scopes`` (only access tokens carry it) otherwise."""
        return () if self.public else USER_POOL.api_scopes

    def describe(self) -> str:
        if self.who:
            return self.who
        if self.public:
            return "anyone"
        if self.roles:
            return ", ".join(sorted(self.roles))
        return "any signed-in user"


PUBLIC = Access(public=True)
SIGNED_IN = Access()


def roles(*names: str, who: str = "") -> Access:
    return Access(roles=frozenset(names), who=who)


def signed_in(who: str) -> Access:
    return Access(who=who)


def signed_in_checked_by_handler(who: str = "") -> Access:
    """A signed-in route whose handler applies ``authorize_user`` to the record it batch-reads."""
    return Access(who=who, user_checked_by_handler=True)


@dataclass(frozen=True)
class Reply:
    """A handler result with a status other than the route's default, or extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RouteSpec:
    domain: str
    method: str
    path: str
    handler: str
    access: Access
    summary: str
    status: int
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    errors: tuple[int, ...]
    # Inputs the handler reads itself, declared for the document only (the GitHub OIDC adapter,
    # which Cognito calls with OAuth's form bodies and may add query parameters to).
    form: type[BaseModel] | None = None  # an application/x-www-form-urlencoded body
    raw_query: type[BaseModel] | None = None

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)


@dataclass
class Request:
    """What a handler may ask for besides its parsed inputs."""

    event: dict[str, Any]
    request_id: str
    source_ip: str
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def raw_body(self) -> bytes:
        """The body exactly as sent (what a webhook signature covers), within the limits every
        parsed body keeps: 413 over the size limit, 400 when it nests deeper than JSON may."""
        raw = _raw_body(self.event)
        _check_limits(raw)
        return raw


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _dump(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, BaseModel):
        return body.model_dump_json()
    return json.dumps(body, default=_json_default, separators=(",", ":"))


def _fields_from(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    fields = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(part) for part in error["loc"]) or "body"
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        fields.append({"field": prefix + location, "message": message})
    return fields


class Api:
    """The routes of one domain's Lambda function."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.routes: list[RouteSpec] = []
        self._handlers: dict[str, Callable[..., Any]] = {}
        # One router per thread: the router holds the current event, and the local gateway
        # serves requests concurrently the way several Lambda instances would.
        self._local = threading.local()
        self._wrapped: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] | None = None

    # -- declaration -------------------------------------------------------------------------

    def route(
        self,
        method: str,
        path: str,
        *,
        access: Access,
        summary: str,
        status: int = 200,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        errors: tuple[int, ...] = (),
        domain: str | None = None,
        form: type[BaseModel] | None = None,
        raw_query: type[BaseModel] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a route. ``domain``: the API section it is documented in (OpenAPI tag and
        operation id), when not the serving function's own (a route that moved functions).
        ``form`` and ``raw_query``: what a handler that reads the raw request expects, for the
        document only."""

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            spec = RouteSpec(
                domain=domain or self.domain,
                method=method.upper(),
                path=path,
                handler=fn.__name__,
                access=access,
                summary=summary,
                status=status,
                body=body,
                query=query,
                response=response,
                errors=errors,
                form=form,
                raw_query=raw_query,
            )
            self.routes.append(spec)
            fn.__route__ = spec  # type: ignore[attr-defined]
            self._handlers[spec.route_key] = fn
            return fn

        return register

    # -- runtime ------------------------------------------------------------------------------

    def lambda_handler(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """The Lambda entry point: ``lambda_handler = app.lambda_handler`` in each domain."""
        if self._wrapped is None:
            handle = logger.inject_lambda_context(self._handle, clear_state=True)
            self._wrapped = metrics.log_metrics(handle)
        return self._wrapped(event, context)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request_id = event.get("requestContext", {}).get("requestId", "")
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        correlation = headers.get(CORRELATION_HEADER) or request_id
        bind_correlation_id(correlation)
        try:
            response = self.resolver.resolve(event, context)
        except Exception:
            logger.exception("unhandled error")
            response = self._error_response(500, "INTERNAL", "Internal error.", request_id)
        response.setdefault("headers", {})[CORRELATION_HEADER] = correlation
        return response

    @property
    def resolver(self) -> APIGatewayHttpResolver:
        resolver = getattr(self._local, "resolver", None)
        if resolver is None:
            resolver = self._local.resolver = self._build_resolver()
        return resolver

    def _build_resolver(self) -> APIGatewayHttpResolver:
        # CORS is answered by API Gateway (and the local gateway) from ``resources.CORS``.
        resolver = APIGatewayHttpResolver()
        for spec in self.routes:
            rule = PATH_PARAM.sub(r"<\1>", spec.path)
            resolver.route(rule=rule, method=spec.method)(
                self._endpoint(spec, self._handlers[spec.route_key], resolver)
            )

        @resolver.exception_handler(DomainError)
        def domain_error(exc: DomainError) -> Response:
            return self._domain_response(exc, resolver)

        @resolver.not_found
        def not_found(_: Exception) -> Response:
            return self._domain_response(NotFound("No such route."), resolver)

        return resolver

    def _domain_response(self, exc: DomainError, resolver: APIGatewayHttpResolver) -> Response:
        request_id = resolver.current_event.request_context.request_id
        return Response(
            status_code=exc.status,
            content_type="application/json",
            body=json.dumps(envelope(exc.code, exc.message, request_id, exc.details)),
            headers=dict(exc.headers),
        )

    @staticmethod
    def _error_response(status: int, code: str, message: str, request_id: str) -> dict[str, Any]:
        return {
            "statusCode": status,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(envelope(code, message, request_id)),
            "isBase64Encoded": False,
        }

    def _endpoint(
        self, spec: RouteSpec, fn: Callable[..., Any], resolver: APIGatewayHttpResolver
    ) -> Callable[..., Response]:
        wants = set(inspect.signature(fn).parameters)

        def endpoint(**path_params: str) -> Response:
            event = resolver.current_event.raw_event
            for name, value in path_params.items():
                if not SAFE_PATH_VALUE.match(value):
                    raise NotFound(f"No such {name.removesuffix('_id').replace('_', ' ')}.")
            kwargs: dict[str, Any] = {k: v for k, v in path_params.items() if k in wants}
            if spec.access.user_checked_by_handler:
                kwargs["claims"] = access_claims(event)
            elif not spec.access.public or "principal" in wants:
                principal = authorize(spec.access, event)
                if "principal" in wants:
                    kwargs["principal"] = principal
            if spec.body is not None:
                kwargs["body"] = parse_body(event, spec.body)
            if spec.query is not None:
                kwargs["query"] = parse_query(event, spec.query)
            if "request" in wants:
                kwargs["request"] = request_of(event)
            return to_response(fn(**kwargs), spec.status)

        endpoint.__name__ = fn.__name__
        return endpoint


def request_of(event: dict[str, Any]) -> Request:
    context = event.get("requestContext", {})
    return Request(
        event=event,
        request_id=context.get("requestId", ""),
        source_ip=context.get("http", {}).get("sourceIp", ""),
        headers={k.lower(): v for k, v in (event.get("headers") or {}).items()},
    )


def to_response(result: Any, default_status: int) -> Response:
    if isinstance(result, Response):
        return result
    status, body, headers = default_status, result, {}
    if isinstance(result, Reply):
        status, body, headers = result.status, result.body, dict(result.headers)
    if status == HTTPStatus.NO_CONTENT:
        body = None
    return Response(
        status_code=status,
        content_type="application/json" if body is not None else None,
        body=_dump(body),
        headers=headers,
    )


# -- the caller -----------------------------------------------------------------------------


def jwt_claims(event: dict[str, Any]) -> dict[str, Any] | None:
    """Claims the API Gateway JWT authorizer verified (absent on public routes)."""
    authorizer = event.get("requestContext", {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims") or None


def token_groups(claims: dict[str, Any]) -> list[str]:
    """``cognito:groups`` as a list: API Gateway passes arrays as ``"[a b]"`` strings."""
    raw = claims.get("cognito:groups")
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(group) for group in raw]
    return [part for part in str(raw).strip("[]").replace(",", " ").split() if part]


def access_claims(event: dict[str, Any]) -> dict[str, Any]:
    """The verified claims of an access token, before the body is even read: 401 for none or
    for any other token (the record is checked later by ``authorize_user``)."""
    claims = jwt_claims(event)
    if claims is None:
        raise Unauthenticated("A valid bearer token is required.")
    _require_access_token(claims)
    return claims


def _require_access_token(claims: dict[str, Any]) -> None:
    try:
        LAMBDA.check_claims(claims)
    except TokenRejected as exc:
        raise Unauthenticated("A valid access token is required.") from exc


def authorize(access: Access, event: dict[str, Any]) -> Principal | None:
    """The caller, checked against the route's access policy; ``None`` on a public route.

    The record decides, whatever the token says: an unconfirmed email answers 403
    ``EMAIL_NOT_VERIFIED``, a banned or deleted account 403 ``ACCOUNT_DISABLED``, and a token
    issued before the account's last "sign out everywhere" (logout, ban, password reset) 401.
    """
    claims = jwt_claims(event)
    if claims is None:
        if access.public:
            return None
        raise Unauthenticated("A valid bearer token is required.")
    return authorize_user(access, claims, User.find(str(claims.get("sub", ""))))


def authorize_user(access: Access, claims: dict[str, Any], user: User | None) -> Principal:
    """``authorize`` for a caller whose user record (``claims["sub"]``) is already read: for
    handlers that fetch it in the same batch as their own items.

    Every principal is built here, and only from an access token: API Gateway's authorizer does
    not check ``token_use`` (an ID token's ``aud`` is the client id), so the function does
    (``coursewave.tokens.LAMBDA``)."""
    _require_access_token(claims)
    if user is None:
        raise Forbidden("No account exists for this token.")
    if user.status == UNVERIFIED:
        raise Forbidden("Confirm your email address first.", code="EMAIL_NOT_VERIFIED")
    if user.status != ACTIVE:
        raise AccountDisabled()
    if _issued_before_revocation(claims, user.sessions_revoked_at):
        raise Unauthenticated("This session has ended; sign in again.")
    principal = Principal.from_user(user)
    if access.roles and not principal.has_any_role(access.roles):
        raise Forbidden("Your role does not allow this action.")
    return principal


def _issued_before_revocation(claims: dict[str, Any], revoked_at: float | None) -> bool:
    """Token ``iat`` has whole seconds: tokens of the revocation's own second stay valid, so a
    sign-in right after a sign-out works (API Gateway passes ``iat`` as a string)."""
    if revoked_at is None:
        return False
    try:
        issued_at = float(claims.get("iat", 0))
    except (TypeError, ValueError):
        return True
    return issued_at < int(revoked_at)


# -- inputs ---------------------------------------------------------------------------------


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body")
    if body is None:
        return b""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8")


def _check_limits(raw: bytes) -> None:
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Request bodies are limited to {MAX_BODY_BYTES} bytes.")
    if nests_deeper_than(raw, MAX_JSON_DEPTH):
        raise BadRequest(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")


def parse_body(event: dict[str, Any], model: type[M]) -> M:
    raw = _raw_body(event)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Request bodies are limited to {MAX_BODY_BYTES} bytes.")
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if raw.strip() and content_type != "application/json":
        raise UnsupportedMediaType("Send JSON with Content-Type: application/json.")
    if nests_deeper_than(raw, MAX_JSON_DEPTH):
        raise BadRequest(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        data = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise ValidationFailed.for_field("body", "must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(_fields_from(exc)) from exc


def parse_query(event: dict[str, Any], model: type[M]) -> M:
    params = dict(event.get("queryStringParameters") or {})
    # A parameter that is a Python keyword (``from``) is a field with that alias.
    accepted = {info.alias or name for name, info in model.model_fields.items()}
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise BadRequest(
            f"Unsupported query parameter: {', '.join(unknown)}.", details={"params": unknown}
        )
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise ValidationFailed(_fields_from(exc)) from exc
