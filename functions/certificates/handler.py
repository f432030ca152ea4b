"""Certificates routes (API.md "Certificates"): the holder's certificates, public verification,
the issuer Profile and its keys, and admins' manual issue and revocation.

No route here renders a PDF or imports the PDF library: issuing happens in the certificates
worker (``functions/certificates/consumer.py``); a manual issue claims the certificate and
answers 202 while the worker makes it.
"""

from __future__ import annotations

from coursewave.api import PUBLIC, SIGNED_IN, Api, Reply, roles, signed_in
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import Principal
from functions.certificates import logic
from functions.certificates.domain import Certificate
from functions.certificates.models import (
    CertificateList,
    CertificateOut,
    CourseRef,
    IssueIn,
    IssuerRef,
    JwksOut,
    ListQuery,
    ProfileOut,
    RevokeIn,
    VerificationOut,
)

app = Api("certificates")
lambda_handler = app.lambda_handler

ADMIN = roles("admin")


def certificate_out(cert: Certificate) -> CertificateOut:
    return CertificateOut(
        id=cert.id,
        status=cert.status,
        source=cert.source,
        course=CourseRef(
            id=cert.course_id, title=cert.course_title, instructor_name=cert.instructor_name
        ),
        learner_name=cert.learner_name,
        issued_at=cert.issued_at,
        pdf_url=logic.pdf_url(cert),
        verification_url=logic.issuer().verification_url(cert.id),
        credential=cert.credential,
        revoked=cert.revoked,
        revoked_at=cert.revoked_at,
        revoked_reason=cert.revoked_reason,
    )


@app.route(
    "GET",
    "/v1/me/certificates",
    access=SIGNED_IN,
    summary="The caller's certificates, newest first",
    query=ListQuery,
    response=CertificateList,
    errors=(400,),
)
def my_certificates(query: ListQuery, principal: Principal) -> CertificateList:
    partition = f"USER#{principal.user_id}#CERTIFICATES"
    start = decode_cursor(
        query.cursor, key_names={"PK", "SK", "GSI1PK", "GSI1SK"}, fixed={"GSI1PK": partition}
    )
    found, last = logic.mine(principal, query.limit, start)
    return CertificateList(
        items=[certificate_out(cert) for cert in found], next_cursor=encode_cursor(last)
    )


@app.route(
    "GET",
    "/v1/certificates/{certificate_id}",
    access=signed_in(who="the holder, admin"),
    summary="One certificate with a short-lived PDF link and its signed credential",
    response=CertificateOut,
    errors=(404,),
)
def get_certificate(certificate_id: str, principal: Principal) -> CertificateOut:
    return certificate_out(logic.for_holder(principal, certificate_id))


@app.route(
    "GET",
    "/v1/verify/{certificate_id}",
    access=PUBLIC,
    summary="Verify a certificate: who, which course, when, revoked or not, and the credential",
    response=VerificationOut,
    errors=(404,),
)
def verify(certificate_id: str) -> VerificationOut:
    cert = logic.verification(certificate_id)
    who = logic.issuer()
    assert cert.issued_at is not None and cert.credential is not None
    return VerificationOut(
        valid=cert.valid,
        revoked=cert.revoked,
        revoked_at=cert.revoked_at,
        revoked_reason=cert.revoked_reason,
        certificate_id=cert.id,
        learner_name=cert.learner_name,
        course_id=cert.course_id,
        course_title=cert.course_title,
        instructor_name=cert.instructor_name,
        issued_at=cert.issued_at,
        issuer=IssuerRef(**{k: who.reference()[k] for k in ("id", "name", "url")}),
        verification_url=who.verification_url(cert.id),
        credential=cert.credential,
        key_id=cert.key_id,
        jwks_url=f"{who.base_url}/v1/.well-known/jwks.json",
    )


@app.route(
    "GET",
    "/v1/issuer",
    access=PUBLIC,
    summary="The Open Badges 3.0 issuer Profile of every certificate",
    response=ProfileOut,
)
def issuer_profile() -> Reply:
    return Reply(200, logic.issuer().profile())


@app.route(
    "GET",
    "/v1/.well-known/jwks.json",
    access=PUBLIC,
    summary="The public keys that sign credentials (RS256); retired keys stay listed",
    response=JwksOut,
)
def jwks() -> JwksOut:
    return JwksOut(keys=logic.jwks())


@app.route(
    "POST",
    "/v1/admin/certificates",
    access=ADMIN,
    domain="admin",
    summary="Issue a certificate by hand; 202 while the worker renders and signs it",
    status=202,
    body=IssueIn,
    response=CertificateOut,
    errors=(404, 409, 422),
)
def issue(body: IssueIn, principal: Principal) -> CertificateOut:
    return certificate_out(logic.request_manual(principal, body.user_id, body.course_id))


@app.route(
    "DELETE",
    "/v1/admin/certificates/{certificate_id}",
    access=ADMIN,
    domain="admin",
    summary="Revoke a certificate with a reason (audit-logged); verification shows it at once",
    body=RevokeIn,
    response=CertificateOut,
    errors=(404, 409, 422),
)
def revoke(certificate_id: str, body: RevokeIn, principal: Principal) -> CertificateOut:
    return certificate_out(logic.revoke(principal, certificate_id, body.reason))
