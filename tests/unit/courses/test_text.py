from __future__ import annotations

import pytest

from functions.courses.text import fold, search_words, slug_candidates, slugify, words


def test_folding_ignores_case_and_accents() -> None:
    assert fold("Éducation À DISTANCE") == "education a distance"
    assert fold("Straße") == "strasse"
    assert words("C'est l'été: Python-3!") == ["c", "est", "l", "ete", "python", "3"]
    assert search_words("Intro", "Intro à Python", "python", "Data Science") == {
        "intro",
        "a",
        "python",
        "data",
        "science",
    }


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Intro à Python 3!", "intro-a-python-3"),
        ("  Hello   World  ", "hello-world"),
        ("日本語のコース", "course"),
        ("???", "course"),
        ("word " * 30, "-".join(["word"] * 12)),
    ],
)
def test_slugs_are_ascii_words_joined_by_hyphens(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert len(slugify(title)) <= 60


def test_slug_candidates_number_from_two() -> None:
    assert slug_candidates("intro", 4) == ["intro", "intro-2", "intro-3", "intro-4"]
