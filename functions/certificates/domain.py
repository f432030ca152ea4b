"""Certificates: the record, when one is earned, and the Open Badges 3.0 credential it carries.

Pure types and rules, no I/O. A certificate is earned once per (learner, course): every lesson
completed (enrollment's ``completed_at``) and every required exam passed. Its credential is an
``OpenBadgeCredential`` (VC data model 2.0) that ``signing`` turns into a VC-JWT.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ISSUING = "issuing"  # claimed; the PDF and the credential are being made
ISSUED = "issued"
REVOKED = "revoked"

AUTOMATIC = "automatic"
MANUAL = "manual"

REFUNDED = "refunded"  # the revocation reason a refund gives
MAX_REASON_LENGTH = 500
# KMS signs a RAW message of at most 4096 bytes: the JWT's signing input must stay below it, so
# the free-text parts of a credential are bounded (the full course text is on the course page).
MAX_SIGNING_INPUT = 4096
MAX_DESCRIPTION = 600
MAX_TITLE = 200

CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
ISSUER_NAME = "Coursewave"
ISSUER_DESCRIPTION = "Coursewave issues a certificate to every learner who completes a course."


@dataclass
class Certificate:
    id: str
    user_id: str
    course_id: str
    learner_name: str
    course_title: str
    instructor_name: str
    requested_at: str
    source: str  # AUTOMATIC | MANUAL
    status: str = ISSUING
    issued_at: str | None = None
    pdf_key: str | None = None
    credential: str | None = None  # the VC-JWT
    key_id: str | None = None
    revoked_at: str | None = None
    revoked_reason: str | None = None
    revoked_by: str | None = None
    requested_by: str | None = None  # the admin who issued it by hand

    @property
    def valid(self) -> bool:
        return self.status == ISSUED

    @property
    def revoked(self) -> bool:
        return self.status == REVOKED

    @property
    def visible(self) -> bool:
        """Whether the certificate exists for anyone but the issuer (issuing is not done yet)."""
        return self.status in (ISSUED, REVOKED) and self.issued_at is not None


@dataclass(frozen=True)
class CertificateText:
    """What the PDF prints."""

    certificate_id: str
    learner_name: str
    course_title: str
    instructor_name: str
    issued_at: str  # ISO 8601 UTC
    verification_url: str


@dataclass(frozen=True)
class Standing:
    """What the platform knows of a learner in a course when a certificate may be due."""

    enrolled: bool
    enrollment_active: bool  # not revoked by a refund
    lessons_completed: bool
    exams_outstanding: tuple[str, ...]


def earned(standing: Standing) -> bool:
    """Every lesson completed and every required exam passed, in an enrollment that stands."""
    return (
        standing.enrolled
        and standing.enrollment_active
        and standing.lessons_completed
        and not standing.exams_outstanding
    )


def clean_reason(reason: str) -> str:
    """A revocation reason as stored: spaces collapsed, no control characters."""
    if any(ord(char) < 32 for char in reason if char not in "\t\n"):
        raise ValueError("must not contain control characters")
    text = " ".join(reason.split())
    if not text:
        raise ValueError("must not be blank")
    return text


# -- the credential ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """The issuer Profile (``GET /v1/issuer``): its id is that URL, so it dereferences. People
    verify a certificate on the web app's page (``web_url``), which reads ``GET /v1/verify``."""

    base_url: str
    web_url: str

    @property
    def id(self) -> str:
        return f"{self.base_url}/v1/issuer"

    def profile(self) -> dict[str, Any]:
        return {
            "@context": list(CONTEXTS),
            "id": self.id,
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": self.web_url,
            "description": ISSUER_DESCRIPTION,
        }

    def reference(self) -> dict[str, Any]:
        return {"id": self.id, "type": ["Profile"], "name": ISSUER_NAME, "url": self.web_url}

    def verification_url(self, certificate_id: str) -> str:
        """The page a person opens (the PDF's QR code, the mail, the credential's evidence)."""
        return f"{self.web_url}/verify/{certificate_id}"

    def achievement_id(self, course_id: str) -> str:
        return f"{self.base_url}/v1/courses/{course_id}#achievement"


def learner_urn(user_id: str) -> str:
    """The credential subject's id: a stable pseudonym of the learner (not their account id)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'coursewave:learner:{user_id}')}"


def credential_urn(certificate_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'coursewave:certificate:{certificate_id}')}"


def _bounded(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def credential(
    certificate: Certificate, issuer: Issuer, issued_at: str, course_description: str
) -> dict[str, Any]:
    """The ``OpenBadgeCredential`` of a certificate (OB 3.0, VC data model 2.0)."""
    title = _bounded(certificate.course_title, MAX_TITLE)
    description = _bounded(course_description, MAX_DESCRIPTION) or f"Completion of {title}."
    return {
        "@context": list(CONTEXTS),
        "id": credential_urn(certificate.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.reference(),
        "validFrom": issued_at,
        "name": f"Certificate of completion: {title}",
        "credentialSubject": {
            "id": learner_urn(certificate.user_id),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.learner_name,
                }
            ],
            "achievement": {
                "id": issuer.achievement_id(certificate.course_id),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": title,
                "description": description,
                "criteria": {
                    "narrative": "Completed every lesson of the course and passed every exam "
                    "the course requires."
                },
                "creator": issuer.reference(),
            },
        },
        "evidence": [
            {
                "id": issuer.verification_url(certificate.id),
                "type": ["Evidence"],
                "name": "Verification",
            }
        ],
    }


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _epoch(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp())


def jwt_signing_input(vc: dict[str, Any], key_id: str, algorithm: str) -> bytes:
    """The VC-JWT's ``header.payload``: the credential is the payload, with ``iss``, ``jti``,
    ``sub`` and ``nbf`` mirrored from it. Raises ``ValueError`` if KMS could not sign it."""
    header = {"alg": algorithm, "kid": key_id, "typ": "JWT"}
    claims = {
        **vc,
        "iss": vc["issuer"]["id"],
        "jti": vc["id"],
        "sub": vc["credentialSubject"]["id"],
        "nbf": _epoch(vc["validFrom"]),
        "iat": _epoch(vc["validFrom"]),
    }

    def part(value: dict[str, Any]) -> str:
        return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    signing_input = f"{part(header)}.{part(claims)}".encode("ascii")
    if len(signing_input) > MAX_SIGNING_INPUT:
        raise ValueError(f"credential too large to sign ({len(signing_input)} bytes)")
    return signing_input


def decode_jwt_payload(token: str) -> dict[str, Any]:
    """The payload of a VC-JWT this platform signed (no verification: for display)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
