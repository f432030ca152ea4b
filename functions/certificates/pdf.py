"""The certificate PDF: one A4 landscape page with fpdf2, a vector QR code (segno) to the
verification URL, and the fonts shipped beside this module (``fonts/``, built by
``python -m tools.certificate_fonts``: Lambda has no system fonts).

Only the certificates worker imports this module (fpdf2 costs ~375 ms of cold import). Text is
real text (``pdftotext`` extracts it): names in Latin, Vietnamese, Greek, Cyrillic, Arabic,
Hebrew, Ethiopic, Devanagari, Bengali, Tamil, Thai, Georgian, Armenian, Chinese, Japanese and
Korean scripts are shaped by HarfBuzz (joining, marks, right to left) with the one font per
script each run needs. A document embeds only the fonts its text uses, each subset to the
glyphs it draws. A character no shipped font has (an emoji) is left out of the drawing; the
certificate is still issued (the record keeps the exact name).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF

from functions.certificates.domain import CertificateText

FONTS = Path(__file__).resolve().parent / "fonts"
PRIMARY = "CertSans"
# The script fonts, in the order a character missing from the primary font is looked up.
FALLBACKS = (
    "CertArabic",
    "CertHebrew",
    "CertEthiopic",
    "CertDevanagari",
    "CertBengali",
    "CertTamil",
    "CertThai",
    "CertGeorgian",
    "CertArmenian",
    "CertCJK",
    "CertHangul",
)
INK = (24, 39, 75)
ACCENT = (37, 99, 235)
MUTED = (90, 98, 112)


@cache
def _coverage(family: str) -> frozenset[int]:
    font = TTFont(FONTS / f"{family}.ttf", lazy=True)
    return frozenset(font.getBestCmap())


def fallbacks_for(text: str) -> list[str]:
    """The script fonts ``text`` needs besides the primary one, in lookup order."""
    missing = {ord(char) for char in text if not char.isspace()} - _coverage(PRIMARY)
    needed = []
    for family in FALLBACKS:
        if missing & _coverage(family):
            needed.append(family)
            missing -= _coverage(family)
    return needed


def _date(issued_at: str) -> str:
    moment = datetime.fromisoformat(issued_at.replace("Z", "+00:00")).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}"


def render(cert: CertificateText) -> bytes:
    """The certificate as PDF bytes (deterministic for the same input)."""
    text = " ".join((cert.learner_name, cert.course_title, cert.instructor_name))
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 20, 20)
    moment = datetime.fromisoformat(cert.issued_at.replace("Z", "+00:00"))
    pdf.set_creation_date(moment)
    pdf.set_title(f"Certificate {cert.certificate_id}")
    pdf.set_author("Coursewave")
    pdf.set_subject(f"Certificate of completion: {cert.course_title}")
    pdf.set_lang("en")
    pdf.add_font(PRIMARY, "", str(FONTS / f"{PRIMARY}.ttf"))
    pdf.add_font(PRIMARY, "B", str(FONTS / f"{PRIMARY}-Bold.ttf"))
    fallbacks = fallbacks_for(text)
    for family in fallbacks:
        pdf.add_font(family, "", str(FONTS / f"{family}.ttf"))
    pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_text_shaping(True)
    pdf.add_page()

    pdf.set_draw_color(*INK)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)

    width = pdf.epw

    def line(size: float, value: str, *, bold: bool = False, color: tuple[int, int, int] = INK):
        pdf.set_font(PRIMARY, "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.multi_cell(width, size * 0.5, value, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(28)
    line(13, "COURSEWAVE", bold=True, color=ACCENT)
    pdf.ln(4)
    line(32, "Certificate of Completion", bold=True)
    pdf.ln(6)
    line(13, "This certifies that", color=MUTED)
    pdf.ln(3)
    line(30, cert.learner_name)
    pdf.ln(4)
    line(13, "has completed the course", color=MUTED)
    pdf.ln(3)
    line(20, cert.course_title, bold=True)
    pdf.ln(4)
    line(12, f"Instructor: {cert.instructor_name}    ·    Issued {_date(cert.issued_at)}")

    qr = segno.make(cert.verification_url, error="m")
    module = 1.1
    x0, y0 = 24.0, 200 - 24.0 - module * len(qr.matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(qr.matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(x0 + col_index * module, y0 + row_index * module, module, module, "F")
    side = module * len(qr.matrix)
    pdf.set_xy(x0 + side + 6, y0 + side - 16)
    pdf.set_font(PRIMARY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, f"Certificate ID: {cert.certificate_id}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x0 + side + 6)
    pdf.cell(0, 5, "Verify this certificate at", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x0 + side + 6)
    pdf.cell(0, 5, cert.verification_url, link=cert.verification_url)
    return bytes(pdf.output())
