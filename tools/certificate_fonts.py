"""Build the certificate renderer's fonts (``functions/certificates/fonts/``) from Debian's.

``python -m tools.certificate_fonts`` subsets free fonts to the scripts people's names are
written in, keeping their OpenType layout tables (Arabic joins, Devanagari conjuncts, Vietnamese
stacked marks need them), and writes one small TrueType file per script family. Lambda has no
system fonts, so the files are committed; rerun this only to change the coverage. Needs the
Debian packages ``fonts-noto-core``, ``fonts-droid-fallback`` and ``fonts-nanum`` (OFL /
Apache-2.0 / OFL).
"""

from __future__ import annotations

import argparse
import codecs
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS_DIR = Path(__file__).resolve().parent.parent / "functions" / "certificates" / "fonts"
NOTO = Path("/usr/share/fonts/truetype/noto")
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")

Ranges = list[tuple[int, int]]

COMMON: Ranges = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # punctuation (dashes, quotes, bidi marks)
    (0x25CC, 0x25CC),  # the dotted circle shapers show under a lone mark
]
LATIN_GREEK_CYRILLIC: Ranges = [
    *COMMON,
    (0x0100, 0x024F),  # Latin Extended-A/B (Kinyarwanda, Polish, Turkish, …)
    (0x0250, 0x02FF),  # IPA, spacing modifiers (the modifier apostrophe of Hausa names)
    (0x0300, 0x036F),  # combining marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic + supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Yoruba)
    (0x20A0, 0x20CF),  # currency
]
CJK_EXTRA: Ranges = [(0x3000, 0x30FF), (0xFF00, 0xFFEF)]
HANGUL_JAMO: Ranges = [(0x1100, 0x11FF), (0x3130, 0x318F)]


def _codec_characters(encoding: str, lead: range, trail: range) -> set[int]:
    """Every character a double-byte national standard encodes (e.g. GB 2312's 6,763 hanzi)."""
    decoder = codecs.getdecoder(encoding)
    found = set()
    for first in lead:
        for second in trail:
            try:
                text = decoder(bytes((first, second)))[0]
            except UnicodeDecodeError:
                continue
            found.update(ord(char) for char in text if ord(char) > 0x2E7F)
    return found


def cjk_characters() -> set[int]:
    """Chinese names (GB 2312 simplified, Big5 level 1 traditional), Japanese (JIS X 0208) and
    Korean hanja (KS X 1001): the sets national ID systems draw names from."""
    chars = _codec_characters("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF))
    chars |= _codec_characters("big5", range(0xA4, 0xC7), range(0x40, 0xFF))
    chars |= _codec_characters("euc_jp", range(0xB0, 0xF5), range(0xA1, 0xFF))
    chars |= _codec_characters("euc_kr", range(0xCA, 0xFE), range(0xA1, 0xFF))
    return chars


def hangul_syllables() -> set[int]:
    """KS X 1001's 2,350 hangul syllables: the ones Korean names are written with."""
    return _codec_characters("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))


def _expand(ranges: Ranges) -> set[int]:
    return {code for start, end in ranges for code in range(start, end + 1)}


FAMILIES: dict[str, tuple[Path, Ranges]] = {
    "CertSans.ttf": (NOTO / "NotoSans-Regular.ttf", LATIN_GREEK_CYRILLIC),
    "CertSans-Bold.ttf": (NOTO / "NotoSans-Bold.ttf", LATIN_GREEK_CYRILLIC),
    "CertArabic.ttf": (
        NOTO / "NotoSansArabic-Regular.ttf",
        [*COMMON, (0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
    ),
    "CertHebrew.ttf": (NOTO / "NotoSansHebrew-Regular.ttf", [*COMMON, (0x0590, 0x05FF)]),
    "CertEthiopic.ttf": (
        NOTO / "NotoSansEthiopic-Regular.ttf",
        [*COMMON, (0x1200, 0x139F), (0x2D80, 0x2DDF)],
    ),
    "CertDevanagari.ttf": (
        NOTO / "NotoSansDevanagari-Regular.ttf",
        [*COMMON, (0x0900, 0x097F), (0xA8E0, 0xA8FF)],
    ),
    "CertBengali.ttf": (NOTO / "NotoSansBengali-Regular.ttf", [*COMMON, (0x0980, 0x09FF)]),
    "CertTamil.ttf": (NOTO / "NotoSansTamil-Regular.ttf", [*COMMON, (0x0B80, 0x0BFF)]),
    "CertThai.ttf": (NOTO / "NotoSansThai-Regular.ttf", [*COMMON, (0x0E00, 0x0E7F)]),
    "CertGeorgian.ttf": (NOTO / "NotoSansGeorgian-Regular.ttf", [*COMMON, (0x10A0, 0x10FF)]),
    "CertArmenian.ttf": (NOTO / "NotoSansArmenian-Regular.ttf", [*COMMON, (0x0530, 0x058F)]),
}


def build(name: str, source: Path, codepoints: set[int]) -> Path:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    target = FONTS_DIR / name
    font.save(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    FONTS_DIR.mkdir(parents=True, exist_ok=True)
    jobs = {name: (source, _expand(ranges)) for name, (source, ranges) in FAMILIES.items()}
    jobs["CertCJK.ttf"] = (DROID, _expand([*COMMON, *CJK_EXTRA]) | cjk_characters())
    jobs["CertHangul.ttf"] = (NANUM, _expand([*COMMON, *HANGUL_JAMO]) | hangul_syllables())
    for name, (source, codepoints) in jobs.items():
        target = build(name, source, codepoints)
        print(f"{target.name}: {target.stat().st_size // 1024} KiB from {source.name}")


if __name__ == "__main__":
    main()
