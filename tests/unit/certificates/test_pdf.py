"""The certificate PDF: names in every script the issue lists (and more) render with the
shipped fonts, and their text extracts with ``pdftotext``; the fonts stay small."""

from __future__ import annotations

import subprocess
import sys

import pytest

from functions.certificates import pdf
from functions.certificates.domain import CertificateText

# Bidi embedding controls pdftotext writes around right-to-left runs.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
NAMES = [
    "Ngabo Uwimana-Kéza",
    "Nguyễn Thị Minh Khai",
    "Дмитрий Шостакович",
    "Αλέξανδρος",
    "李小龙",
    "فاطمة الزهراء",  # Arabic, right to left, joined
    "אברהם לינקולן",  # Hebrew, right to left
    "山田 太郎",
    "김민준",
    "አበበ ቢቂላ",  # Amharic (Ethiopic)
    "สมชาย ใจดี",  # Thai
    "ნინო ბერიძე",  # Georgian
    "Արամ Խաչատրյան",  # Armenian
]


def _text(name: str, course: str = "Data Science with Python") -> str:
    document = pdf.render(
        CertificateText(
            certificate_id="crt_01jd3c4e6g8j0m2p4r6t8v0x2z",
            learner_name=name,
            course_title=course,
            instructor_name="Ada Lovelace",
            issued_at="2026-12-01T10:00:00Z",
            verification_url="https://api.coursewave.test/v1/verify/crt_01jd3c4e6g8j0m2p4r6t8v0x2z",
        )
    )
    assert document.startswith(b"%PDF-")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=document, capture_output=True, check=True
    )
    return out.stdout.decode().translate(BIDI_CONTROLS)


@pytest.mark.parametrize("name", NAMES)
def test_the_name_renders_and_extracts_in_its_script(name: str) -> None:
    text = _text(name)
    assert name in text
    assert "Data Science with Python" in text and "Ada Lovelace" in text
    assert "crt_01jd3c4e6g8j0m2p4r6t8v0x2z" in text
    assert "https://api.coursewave.test/v1/verify/crt_01jd3c4e6g8j0m2p4r6t8v0x2z" in text
    assert "1 December 2026" in text


def test_a_document_embeds_only_the_script_fonts_its_text_needs() -> None:
    assert pdf.fallbacks_for("Dmitri Шостакович Αλέξανδρος Nguyễn") == []
    assert pdf.fallbacks_for("李小龙 فاطمة") == ["CertArabic", "CertCJK"]
    assert pdf.fallbacks_for("አበበ") == ["CertEthiopic"]
    assert pdf.fallbacks_for("김민준 山田") == ["CertCJK", "CertHangul"]


def test_a_name_with_a_character_no_font_has_still_renders() -> None:
    text = _text("Zoë 🎓 Okonkwo")
    assert "Zoë" in text and "Okonkwo" in text and "🎓" not in text


def test_the_same_certificate_renders_the_same_bytes() -> None:
    cert = CertificateText("crt_1", "Αλέξανδρος", "Course", "Ada", "2026-12-01T10:00:00Z", "u")
    assert pdf.render(cert) == pdf.render(cert)


def test_the_shipped_fonts_are_subsets() -> None:
    sizes = {path.name: path.stat().st_size for path in pdf.FONTS.glob("*.ttf")}
    assert set(sizes) == {f"{family}.ttf" for family in (pdf.PRIMARY, *pdf.FALLBACKS)} | {
        f"{pdf.PRIMARY}-Bold.ttf"
    }
    assert sum(sizes.values()) < 4 * 1024 * 1024  # the CJK and hangul subsets are most of it


def test_no_function_imports_the_pdf_library_before_it_renders() -> None:
    """fpdf2 costs ~375 ms of cold import: only the certificates worker loads it, when it renders
    (the consumer imports ``pdf`` in the ``CertificateRequested`` branch)."""
    probe = (
        "import sys, functions.certificates.{module}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fpdf', 'segno', 'uharfbuzz')"
        " or m == 'functions.certificates.pdf'))"
    )
    for module in ("handler", "consumer"):
        command = [sys.executable, "-c", probe.format(module=module)]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "[]", module
    rendering = [sys.executable, "-c", probe.format(module="pdf")]
    loaded = subprocess.run(rendering, capture_output=True, text=True, check=True)
    assert "fpdf" in loaded.stdout
