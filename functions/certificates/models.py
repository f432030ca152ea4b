"""Request and response models of the certificate, verification and issuer routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from coursewave.models import Out, Strict
from functions.certificates.domain import MAX_REASON_LENGTH, clean_reason

Ident = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class ListQuery(Strict):
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: str | None = None


class IssueIn(Strict):
    user_id: Ident
    course_id: Ident


class RevokeIn(Strict):
    reason: Annotated[
        str,
        StringConstraints(min_length=1, max_length=MAX_REASON_LENGTH),
        AfterValidator(clean_reason),
    ]


class CourseRef(Out):
    id: str
    title: str
    instructor_name: str


class IssuerRef(Out):
    id: str
    name: str
    url: str


class CertificateOut(Out):
    id: str
    status: str = Field(description="issuing (being made), issued or revoked")
    source: str = Field(description="automatic (earned) or manual (an admin issued it)")
    course: CourseRef
    learner_name: str
    issued_at: str | None
    pdf_url: str | None = Field(description="a presigned download, valid 5 minutes")
    verification_url: str
    credential: str | None = Field(description="the signed Open Badges 3.0 credential (VC-JWT)")
    revoked: bool
    revoked_at: str | None
    revoked_reason: str | None


class CertificateList(Out):
    items: list[CertificateOut]
    next_cursor: str | None


class VerificationOut(Out):
    valid: bool
    revoked: bool
    revoked_at: str | None
    revoked_reason: str | None
    certificate_id: str
    learner_name: str
    course_id: str
    course_title: str
    instructor_name: str
    issued_at: str
    issuer: IssuerRef
    verification_url: str
    credential: str = Field(description="the signed Open Badges 3.0 credential (VC-JWT, RS256)")
    credential_format: str = "jwt_vc_json"
    key_id: str | None
    jwks_url: str


class JwksOut(Out):
    keys: list[dict[str, Any]]


class ProfileOut(Out):
    """The Open Badges 3.0 issuer Profile (JSON-LD)."""

    model_config = {"populate_by_name": True, "defer_build": True}

    context: list[str] = Field(alias="@context", serialization_alias="@context")
    id: str
    type: list[str]
    name: str
    url: str
    description: str
