"""Certificate issue time: the PDF (fpdf2, shaped text, QR code) and the credential's signature
(KMS RS256: moto's KMS in-process, so the figure is our code's share, not KMS's latency).

Baseline: an empty A4 page with a core font, rendered by the same library in the same run.
Rows: a Latin-script certificate, one that needs the CJK font (the largest the renderer loads),
one that needs Arabic shaping, the signature alone, and PDF + signature for a certificate.
``--tiny``: one sample of each after the warm-up call.

    python -m benchmarks certificate_issue
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks import tiny

RUNS = 1 if tiny() else 15
TITLE = f"Certificate issue time per certificate (median of {RUNS}; x the empty-page baseline)"
URL = "https://api.coursewave.test/v1/verify/crt_01jd3c4e6g8j0m2p4r6t8v0x2z"


def _median_ms(call: Callable[[], Any]) -> float:
    call()  # warm: fonts parsed, clients built, as in a warm worker
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run() -> list[dict[str, object]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        os.environ[name] = value
    from moto import mock_aws

    with mock_aws():
        return _measure()


def _measure() -> list[dict[str, object]]:
    import boto3
    from fpdf import FPDF

    from coursewave import resources
    from coursewave.config import reset_settings
    from functions.certificates import domain, pdf, signing

    key = boto3.client("kms").create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    os.environ[resources.CERTIFICATE_SIGNING_KEY.env] = key["KeyMetadata"]["KeyId"]
    reset_settings()

    def blank() -> bytes:
        document = FPDF(orientation="L", format="A4")
        document.add_page()
        document.set_font("helvetica", size=12)
        document.cell(0, 10, "Certificate")
        return bytes(document.output())

    def text(name: str) -> domain.CertificateText:
        return domain.CertificateText(
            "crt_01jd3c4e6g8j0m2p4r6t8v0x2z",
            name,
            "Data Science with Python",
            "Ada Lovelace",
            "2026-12-01T10:00:00Z",
            URL,
        )

    cert = domain.Certificate(
        id="crt_01jd3c4e6g8j0m2p4r6t8v0x2z",
        user_id="u1",
        course_id="crs_1",
        learner_name="Ngabo Uwimana-Kéza",
        course_title="Data Science with Python",
        instructor_name="Ada Lovelace",
        requested_at="2026-12-01T10:00:00Z",
        source=domain.AUTOMATIC,
    )
    issuer = domain.Issuer("https://api.coursewave.test", "https://learn.coursewave.test")

    def sign() -> str:
        public = signing.current_key()
        vc = domain.credential(cert, issuer, "2026-12-01T10:00:00Z", "What the course is about.")
        signing_input = domain.jwt_signing_input(vc, public.kid, signing.ALGORITHM)
        return f"{signing_input.decode()}.{signing.sign(signing_input)}"

    def both() -> None:
        pdf.render(text(cert.learner_name))
        sign()

    baseline = _median_ms(blank)
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("PDF, Latin name", lambda: pdf.render(text("Ngabo Uwimana-Kéza"))),
        ("PDF, CJK name", lambda: pdf.render(text("李小龙"))),
        ("PDF, Arabic name (shaped)", lambda: pdf.render(text("فاطمة الزهراء"))),
        ("credential: build + KMS sign", sign),
        ("PDF + credential (one certificate)", both),
    ]
    rows: list[dict[str, object]] = [
        {"step": "empty page, core font (baseline)", "ms": f"{baseline:.1f}", "x baseline": "1.0"}
    ]
    for label, call in cases:
        ms = _median_ms(call)
        rows.append({"step": label, "ms": f"{ms:.1f}", "x baseline": f"{ms / baseline:.1f}"})
    return rows
