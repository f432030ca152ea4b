"""Typed domain errors and their single mapping to the API.md error envelope.

Domain code raises these; the HTTP layer (``coursewave.api``) turns any of them into
``{"error": {"code", "message", "details", "request_id"}}`` with the status they carry.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error that is the client's business to see."""

    status: int = 400
    code: str = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}
        self.headers = headers or {}


class BadRequest(DomainError):
    status, code = 400, "BAD_REQUEST"


class Unauthenticated(DomainError):
    status, code = 401, "UNAUTHENTICATED"


class PaymentRequired(DomainError):
    status, code = 402, "PAYMENT_REQUIRED"


class Forbidden(DomainError):
    status, code = 403, "FORBIDDEN"


class AccountDisabled(Forbidden):
    code = "ACCOUNT_DISABLED"

    def __init__(self, message: str = "This account is disabled.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    status, code = 404, "NOT_FOUND"


class Conflict(DomainError):
    status, code = 409, "CONFLICT"


class PayloadTooLarge(DomainError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(DomainError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"


class ValidationFailed(DomainError):
    """422 with ``details.fields = [{"field", "message"}]``."""

    status, code = 422, "VALIDATION_ERROR"

    def __init__(self, fields: list[dict[str, str]], message: str = "Validation failed.") -> None:
        super().__init__(message, details={"fields": fields})

    @classmethod
    def for_field(cls, field: str, message: str) -> ValidationFailed:
        return cls([{"field": field, "message": message}])


class RateLimited(DomainError):
    status, code = 429, "RATE_LIMITED"

    def __init__(self, retry_after_seconds: int) -> None:
        retry_after_seconds = max(1, int(retry_after_seconds))
        super().__init__(
            "Too many requests; try again later.",
            details={"retry_after_seconds": retry_after_seconds},
            headers={"Retry-After": str(retry_after_seconds)},
        )


class ServiceUnavailable(DomainError):
    """A service we depend on cannot answer now (503 with ``Retry-After``): the client may retry;
    never a 500, never a silent downgrade."""

    status, code = 503, "SERVICE_UNAVAILABLE"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        retry_after_seconds = max(1, int(retry_after_seconds))
        super().__init__(
            message,
            details={"retry_after_seconds": retry_after_seconds},
            headers={"Retry-After": str(retry_after_seconds)},
        )


class ConfigurationError(RuntimeError):
    """The deployment is missing a setting: an operator's problem, never a client's (500)."""


def envelope(
    code: str, message: str, request_id: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": request_id,
        }
    }
