"""Words and slugs: how course text is folded for search and turned into URLs.

Folding is NFKD decomposition without combining marks, then ``casefold``: "Éducation" and
"education" are the same word, and so are "Straße" and "strasse".
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
SLUG_WORD = re.compile(r"[a-z0-9]+")
MAX_SLUG_LENGTH = 60
MAX_WORD_LENGTH = 40
FALLBACK_SLUG = "course"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (letters and digits; everything else separates)."""
    return [word[:MAX_WORD_LENGTH] for word in WORD.findall(fold(text))]


def search_words(*texts: str) -> set[str]:
    """The distinct folded words of a course's searchable text (title, subtitle, tags)."""
    return {word for text in texts for word in words(text)}


def slugify(title: str) -> str:
    """``"Intro à Python 3!"`` → ``"intro-a-python-3"``; at most 60 characters, whole words."""
    slug = ""
    for word in SLUG_WORD.findall(fold(title)):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        slug = candidate
    return slug or FALLBACK_SLUG


def slug_candidates(base: str, count: int) -> list[str]:
    """``base``, then ``base-2`` … ``base-<count>``: the slugs tried, in order, for a new course."""
    return [base] + [f"{base}-{n}" for n in range(2, count + 1)]
