"""Certificates' use cases: earning (from events), issuing (the worker), reading, verifying,
revoking, the learner's email and erasure.

Issuing is two steps so that exactly one certificate exists per (learner, course) and nothing
half-made is ever shown: ``claim`` writes the certificate as *issuing* together with the pair's
claim (a conditional write: a duplicate or reordered event, or a concurrent consumer, finds the
claim and stops) and ``CertificateRequested``; the worker then renders the PDF, signs the
credential and records it *issued* (conditional on it still issuing) with the dashboard card and
``CertificateIssued``. A worker that crashes in between is retried by SQS and redoes the same
certificate, byte for byte (dated when it was earned); the PDF is stored under the
certificate's id, so a retry overwrites it with the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coursewave.audit import audit_entry
from coursewave.clock import new_id, now_iso
from coursewave.config import settings
from coursewave.errors import Conflict, NotFound
from coursewave.events import OutboxEvent, domain_event
from coursewave.users import DELETED, Principal
from functions.certificates import domain, repository, signing, storage
from functions.certificates.domain import (
    AUTOMATIC,
    ISSUING,
    MANUAL,
    REFUNDED,
    REVOKED,
    Certificate,
    CertificateText,
    Issuer,
    Standing,
)
from functions.courses import public as courses

# The ids of the course's required exams the learner has not passed (assessments.public).
ExamsOutstanding = Callable[[str, str], list[str]]
Renderer = Callable[[CertificateText], bytes]


def issuer() -> Issuer:
    config = settings()
    return Issuer(
        config.require("public_base_url").rstrip("/"), config.require("web_app_url").rstrip("/")
    )


# -- earning and claiming ------------------------------------------------------------------------


def consider(user_id: str, course_id: str, exams_outstanding: ExamsOutstanding) -> str | None:
    """``CourseCompleted`` or ``ExamPassed`` for (learner, course): claim the certificate if it
    is earned now and none exists. Returns the new certificate's id, else None."""
    found = repository.sources(user_id, course_id)
    if found.claimed_by is not None or found.course is None or found.enrollment is None:
        return None
    if found.learner is None or found.learner.status == DELETED:
        return None
    standing = Standing(
        enrolled=True,
        enrollment_active=not found.enrollment.is_revoked,
        lessons_completed=found.enrollment.completed_at is not None,
        exams_outstanding=tuple(exams_outstanding(course_id, user_id)),
    )
    if not domain.earned(standing):
        return None
    cert = _new(user_id, found, AUTOMATIC, None)
    return cert.id if repository.claim(cert, _requested(cert)) else None


def _new(user_id: str, found: repository.Sources, source: str, by: str | None) -> Certificate:
    assert found.course is not None and found.learner is not None
    return Certificate(
        id=new_id("crt_"),
        user_id=user_id,
        course_id=found.course.id,
        learner_name=found.learner.name,
        course_title=found.course.title,
        instructor_name=found.course.instructor_name,
        requested_at=now_iso(),
        source=source,
        requested_by=by,
    )


def _requested(cert: Certificate) -> OutboxEvent:
    return domain_event(
        "certificates",
        "CertificateRequested",
        {
            "certificate_id": cert.id,
            "user_id": cert.user_id,
            "course_id": cert.course_id,
            "source": cert.source,
            "requested_by": cert.requested_by,
            "requested_at": cert.requested_at,
        },
    )


def request_manual(principal: Principal, user_id: str, course_id: str) -> Certificate:
    """An admin issues a certificate by hand (no completion needed): 404 for an unknown course
    or account, 409 while the pair holds a certificate that is not revoked (the claim's
    transaction checks that, so the route reads the pair once and writes once)."""
    found = repository.sources(user_id, course_id)
    if found.course is None:
        raise NotFound("No such course.")
    if found.learner is None or found.learner.status == DELETED:
        raise NotFound("No such user.")
    replaces = found.claimed_by
    cert = _new(user_id, found, MANUAL, principal.user_id)
    audit = audit_entry(
        actor_id=principal.user_id,
        action="certificate.issued",
        target_type="certificate",
        target_id=cert.id,
        before={"certificate_id": replaces},
        after={"status": ISSUING, "user_id": user_id, "course_id": course_id},
    )
    if not repository.claim(cert, _requested(cert), replaces=replaces, audit=audit):
        raise Conflict(
            "The learner already holds a certificate for this course.",
            details={"certificate_id": replaces} if replaces else {},
        )
    return cert


# -- issuing (the worker) ------------------------------------------------------------------------


def _card(cert: Certificate, who: Issuer) -> dict[str, Any]:
    return {
        "id": cert.id,
        "course_id": cert.course_id,
        "course_title": cert.course_title,
        "issued_at": cert.issued_at,
        "verification_url": who.verification_url(cert.id),
    }


def issue(certificate_id: str, render: Renderer) -> bool:
    """``CertificateRequested``: render and store the PDF, sign the credential, record it issued.
    False when there is nothing to do (issued already, revoked meanwhile, unknown)."""
    cert = repository.get(certificate_id)
    if cert is None or cert.status != ISSUING:
        return False
    who = issuer()
    course = courses.course(cert.course_id)
    # Dated when it was earned (claimed): a retry, or a second worker on the same request, makes
    # the same PDF and the same credential (RSA PKCS#1 v1.5 signatures are deterministic).
    issued_at = cert.requested_at
    key = signing.current_key()
    repository.register_key(key.kid, key.jwk)
    vc = domain.credential(cert, who, issued_at, course.description if course else "")
    signing_input = domain.jwt_signing_input(vc, key.kid, signing.ALGORITHM)
    token = f"{signing_input.decode('ascii')}.{signing.sign(signing_input)}"
    text = CertificateText(
        certificate_id=cert.id,
        learner_name=cert.learner_name,
        course_title=cert.course_title,
        instructor_name=cert.instructor_name,
        issued_at=issued_at,
        verification_url=who.verification_url(cert.id),
    )
    pdf_key = storage.pdf_key(cert.id)
    storage.put_pdf(pdf_key, render(text))
    cert.issued_at, cert.pdf_key, cert.credential, cert.key_id = issued_at, pdf_key, token, key.kid
    event = domain_event(
        "certificates",
        "CertificateIssued",
        {
            "certificate_id": cert.id,
            "user_id": cert.user_id,
            "course_id": cert.course_id,
            "source": cert.source,
            "issued_at": issued_at,
            "verification_url": who.verification_url(cert.id),
        },
    )
    return repository.record_issued(cert, _card(cert, who), event)


# -- revoking --------------------------------------------------------------------------------------


def _revoke(cert: Certificate, reason: str, by: str) -> Certificate:
    before = cert.status
    cert.status, cert.revoked_at = REVOKED, now_iso()
    cert.revoked_reason, cert.revoked_by = reason, by
    audit = audit_entry(
        actor_id=by,
        action="certificate.revoked",
        target_type="certificate",
        target_id=cert.id,
        before={"status": before},
        after={"status": REVOKED},
        reason=reason,
    )
    event = domain_event(
        "certificates",
        "CertificateRevoked",
        {
            "certificate_id": cert.id,
            "user_id": cert.user_id,
            "course_id": cert.course_id,
            "reason": reason,
            "revoked_by": by,
            "revoked_at": cert.revoked_at,
        },
    )
    repository.record_revoked(cert, before, event, audit)
    return cert


def revoke(principal: Principal, certificate_id: str, reason: str) -> Certificate:
    """An admin revokes a certificate: 404 unknown, 409 already revoked (or changed meanwhile)."""
    cert = repository.get(certificate_id)
    if cert is None:
        raise NotFound("No such certificate.")
    if cert.status == REVOKED:
        raise Conflict("The certificate is already revoked.")
    try:
        return _revoke(cert, reason, principal.user_id)
    except repository.ConditionFailed as exc:
        raise Conflict("The certificate changed meanwhile; try again.") from exc


def revoke_for_refund(user_id: str, course_id: str, refunded_by: str) -> bool:
    """``PaymentRefunded``: the learner's certificate for the course (issued or still issuing) is
    revoked with reason ``refunded``. Idempotent: a revoked one stays as it is."""
    found = repository.sources(user_id, course_id)
    cert = repository.get(found.claimed_by) if found.claimed_by else None
    for _ in range(3):
        if cert is None or cert.status == REVOKED:
            return False
        try:
            _revoke(cert, REFUNDED, refunded_by)
            return True
        except repository.ConditionFailed:
            cert = repository.get(cert.id)  # issued meanwhile: revoke that
    raise Conflict("The certificate kept changing; the refund's revocation is retried.")


# -- reading ---------------------------------------------------------------------------------------


def for_holder(principal: Principal, certificate_id: str) -> Certificate:
    """The holder's (or, for an admin, anyone's) certificate; others get 404."""
    cert = repository.get(certificate_id)
    if cert is None or not (cert.user_id == principal.user_id or principal.is_admin):
        raise NotFound("No such certificate.")
    if not cert.visible and not principal.is_admin:
        raise NotFound("No such certificate.")
    return cert


def mine(
    principal: Principal, limit: int, start: dict[str, Any] | None
) -> tuple[list[Certificate], dict[str, Any] | None]:
    found, last = repository.holder_page(principal.user_id, limit, start)
    return [cert for cert in found if cert.visible], last


def verification(certificate_id: str) -> Certificate:
    """The public record of a certificate (issued or revoked); 404 otherwise."""
    cert = repository.get(certificate_id)
    if cert is None or not cert.visible:
        raise NotFound("No such certificate.")
    return cert


def pdf_url(cert: Certificate) -> str | None:
    return storage.pdf_url(cert.pdf_key, cert.id) if cert.pdf_key and cert.valid else None


def jwks() -> list[dict[str, Any]]:
    """The keys that sign credentials: every key that has signed one, and the current key."""
    keys = repository.signing_keys()
    current = signing.current_key()
    if all(jwk.get("kid") != current.kid for jwk in keys):
        keys.append(current.jwk)
    return keys


# -- the learner's email and erasure ---------------------------------------------------------------


def erase_holder(user_id: str) -> int:
    """``UserDeleted``: the holder's PDFs are deleted; each certificate's public record stays
    (the name printed on it, the course, the dates, the credential: docs/privacy.md)."""
    count = 0
    for cert in repository.holder_certificates(user_id):
        if cert.pdf_key:
            storage.delete_pdf(cert.pdf_key)
            count += int(repository.remove_pdf_key(cert.id, cert.pdf_key))
    return count
