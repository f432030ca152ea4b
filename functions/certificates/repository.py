"""Certificates data access (docs/data-model.md, "Certificates").

- ``CERT#<id> / CERTIFICATE`` — a certificate (its public verification record). GSI1
  ``USER#<uid>#CERTIFICATES`` / ``<requested_at>#<id>``: the holder's list (and their erasure).
- ``CERTFOR#<uid>#<course_id> / CLAIM`` — the one certificate of a (learner, course): written
  with a condition in the transaction that creates the certificate, so however many events
  arrive, in whatever order, one certificate exists.
- ``CERTKEYS / KEY#<kid>`` — every public key that ever signed a credential (the JWKS).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from coursewave.audit import AuditEntry
from coursewave.clock import now_iso
from coursewave.db import Item, Key, condition_failed, decode, key, keyed, transaction
from coursewave.events import OutboxEvent
from coursewave.users import PROFILE, User
from functions.certificates import domain
from functions.certificates.domain import Certificate
from functions.courses import public as courses
from functions.courses.public import Course
from functions.enrollment import public as enrollment
from functions.enrollment.public import Enrollment

DEDUP_TTL = timedelta(days=30)
KEYS_PARTITION = "CERTKEYS"


class ConditionFailed(Exception):
    """A conditional write found the item not as expected (another writer was first)."""


class CertificateItem(Item, discriminator="Certificate"):
    certificate_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    # Printed on the certificate and answered by verification: kept after the account's
    # deletion (docs/privacy.md, the retention list).
    learner_name = UnicodeAttribute()
    course_title = UnicodeAttribute()
    instructor_name = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    source = UnicodeAttribute()
    status = UnicodeAttribute()
    issued_at = UnicodeAttribute(null=True)
    pdf_key = UnicodeAttribute(null=True)
    credential = UnicodeAttribute(null=True)
    key_id = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)
    revoked_reason = UnicodeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute(null=True)

    @staticmethod
    def key_of(certificate_id: str) -> Key:
        return key("CERT", certificate_id), "CERTIFICATE"

    @staticmethod
    def holder_partition(user_id: str) -> str:
        return key("USER", user_id, "CERTIFICATES")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.certificate_id)
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.holder_partition(self.user_id),
            "GSI1SK": f"{self.requested_at}#{self.certificate_id}",
        }


class ClaimItem(Item, discriminator="CertificateClaim"):
    user_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    certificate_id = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("CERTFOR", self.user_id, self.course_id), "SK": "CLAIM"}


class SigningKeyItem(Item, discriminator="CertificateSigningKey"):
    kid = UnicodeAttribute()
    jwk = UnicodeAttribute()  # JSON
    first_used_at = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": KEYS_PARTITION, "SK": key("KEY", self.kid)}


def to_certificate(item: CertificateItem) -> Certificate:
    return Certificate(
        id=item.certificate_id,
        user_id=item.user_id,
        course_id=item.course_id,
        learner_name=item.learner_name,
        course_title=item.course_title,
        instructor_name=item.instructor_name,
        requested_at=item.requested_at,
        source=item.source,
        status=item.status,
        issued_at=item.issued_at,
        pdf_key=item.pdf_key,
        credential=item.credential,
        key_id=item.key_id,
        revoked_at=item.revoked_at,
        revoked_reason=item.revoked_reason,
        revoked_by=item.revoked_by,
        requested_by=item.requested_by,
    )


def _item(cert: Certificate) -> CertificateItem:
    return CertificateItem(
        certificate_id=cert.id,
        user_id=cert.user_id,
        course_id=cert.course_id,
        learner_name=cert.learner_name,
        course_title=cert.course_title,
        instructor_name=cert.instructor_name,
        requested_at=cert.requested_at,
        source=cert.source,
        status=cert.status,
        issued_at=cert.issued_at,
        pdf_key=cert.pdf_key,
        credential=cert.credential,
        key_id=cert.key_id,
        revoked_at=cert.revoked_at,
        revoked_reason=cert.revoked_reason,
        revoked_by=cert.revoked_by,
        requested_by=cert.requested_by,
    )


# -- what a certificate is made of -------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """The course, the learner's account and enrollment, and the claim: one BatchGetItem."""

    course: Course | None
    learner: User | None
    enrollment: Enrollment | None
    claimed_by: str | None  # the certificate id already claimed for the pair


def _claim_key(user_id: str, course_id: str) -> Key:
    return key("CERTFOR", user_id, course_id), "CLAIM"


def sources(user_id: str, course_id: str) -> Sources:
    if not courses.is_course_id(course_id):
        return Sources(None, None, None, None)
    own = [enrollment.enrollment_key(user_id, course_id), _claim_key(user_id, course_id)]
    learner_key = (User.pk(user_id), PROFILE)
    read = courses.read_course(course_id, lambda _cid: own, first=[learner_key])
    claim = decode(ClaimItem, read.extra.get(own[1]))
    return Sources(
        course=read.course,
        learner=decode(User, read.extra.get(learner_key)),
        enrollment=enrollment.decode_enrollment(read.extra.get(own[0])),
        claimed_by=claim.certificate_id if claim is not None else None,
    )


# -- writes ------------------------------------------------------------------------------------


def claim(
    cert: Certificate,
    event: OutboxEvent,
    *,
    replaces: str | None = None,
    audit: AuditEntry | None = None,
) -> bool:
    """Create ``cert`` (status issuing) as the (learner, course)'s one certificate, with
    ``event`` (its request) and the admin's ``audit`` entry: False when the pair already has one
    (``replaces``: the revoked certificate a manual issue may take the place of)."""
    claim_item = keyed(
        ClaimItem(user_id=cert.user_id, course_id=cert.course_id, certificate_id=cert.id)
    )
    condition = (
        ClaimItem.PK.does_not_exist() if replaces is None else ClaimItem.certificate_id == replaces
    )
    try:
        with transaction() as tx:
            tx.save(claim_item, condition=condition)
            tx.save(_item(cert), condition=CertificateItem.PK.does_not_exist())
            if replaces is not None:
                tx.condition_check(
                    CertificateItem,
                    *CertificateItem.key_of(replaces),
                    condition=CertificateItem.status == domain.REVOKED,
                )
            if audit is not None:
                tx.save(audit)
            tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def get(certificate_id: str) -> Certificate | None:
    try:
        item = CertificateItem.get(*CertificateItem.key_of(certificate_id), consistent_read=True)
    except CertificateItem.DoesNotExist:
        return None
    return to_certificate(item) if isinstance(item, CertificateItem) else None


def record_issued(cert: Certificate, card: dict[str, Any], event: OutboxEvent) -> bool:
    """The certificate made (PDF, credential), its dashboard card and ``CertificateIssued``: one
    write, only while it is still issuing (False: another worker finished it, or it was revoked
    meanwhile)."""
    item = keyed(CertificateItem(certificate_id=cert.id))
    try:
        with transaction() as tx:
            tx.update(
                item,
                actions=[
                    CertificateItem.status.set(domain.ISSUED),
                    CertificateItem.issued_at.set(cert.issued_at),
                    CertificateItem.pdf_key.set(cert.pdf_key),
                    CertificateItem.credential.set(cert.credential),
                    CertificateItem.key_id.set(cert.key_id),
                ],
                condition=CertificateItem.status == domain.ISSUING,
            )
            enrollment.add_certificate_card(tx, cert.user_id, cert.id, card)
            tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def record_revoked(
    cert: Certificate, before: str, event: OutboxEvent, audit: AuditEntry | None
) -> None:
    """Revoked (from ``before``: issued, or still issuing), its card off the dashboard, the
    audit entry and ``CertificateRevoked``: one write; ``ConditionFailed`` if it changed."""
    item = keyed(CertificateItem(certificate_id=cert.id))
    try:
        with transaction() as tx:
            tx.update(
                item,
                actions=[
                    CertificateItem.status.set(domain.REVOKED),
                    CertificateItem.revoked_at.set(cert.revoked_at),
                    CertificateItem.revoked_reason.set(cert.revoked_reason),
                    CertificateItem.revoked_by.set(cert.revoked_by),
                ],
                condition=CertificateItem.status == before,
            )
            if before == domain.ISSUED:
                enrollment.add_certificate_card_removal(tx, cert.user_id, cert.id)
            if audit is not None:
                tx.save(audit)
            tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConditionFailed(cert.id) from exc
        raise


def remove_pdf_key(certificate_id: str, pdf_key: str) -> bool:
    """Forget the PDF of a certificate (its holder's account was deleted); False if done."""
    item = keyed(CertificateItem(certificate_id=certificate_id))
    try:
        item.update(
            actions=[CertificateItem.pdf_key.remove()],
            condition=CertificateItem.pdf_key == pdf_key,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- reads -------------------------------------------------------------------------------------


def holder_page(
    user_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[Certificate], dict[str, Any] | None]:
    """A page of the holder's certificates, newest first, and the key to continue from."""
    results = CertificateItem.gsi1.query(
        CertificateItem.holder_partition(user_id),
        scan_index_forward=False,
        last_evaluated_key=start,
        page_size=limit,
    )
    page = next(results.page_iter, None) or {}
    found = [to_certificate(CertificateItem.from_raw_data(raw)) for raw in page.get("Items", [])]
    return found, results.page_iter.last_evaluated_key


def holder_certificates(user_id: str) -> list[Certificate]:
    """Every certificate of the holder (their erasure)."""
    results = CertificateItem.gsi1.query(CertificateItem.holder_partition(user_id))
    return [to_certificate(item) for item in results if isinstance(item, CertificateItem)]


# -- signing keys and mail ---------------------------------------------------------------------


def register_key(kid: str, jwk: dict[str, Any]) -> None:
    """Remember a public key that signs credentials (idempotent: the first use stays)."""
    item = keyed(SigningKeyItem(kid=kid, jwk=json.dumps(jwk, sort_keys=True), first_used_at=""))
    item.first_used_at = now_iso()
    try:
        item.save(condition=SigningKeyItem.PK.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def signing_keys() -> list[dict[str, Any]]:
    """Every public key that has signed a credential, oldest first (one Query)."""
    found = SigningKeyItem.query(KEYS_PARTITION, SigningKeyItem.SK.startswith("KEY#"))
    items = sorted(
        (item for item in found if isinstance(item, SigningKeyItem)),
        key=lambda item: item.first_used_at,
    )
    return [json.loads(item.jwk) for item in items]
