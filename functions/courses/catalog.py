"""The catalog projection and how a catalog query is answered from it (pure rules).

A published course is copied (as a summary) into several catalog partitions: one per facet it
has (``all``, its category, level, price kind and instructor) and one per search prefix of its
words (every prefix of 1 to ``PREFIX_LENGTH`` characters of each word of title, subtitle and
tags). Each partition is sorted three ways by the table's indexes (popular, rating, newest).

A query reads exactly one partition — the most selective one its filters name — and the other
filters are applied by DynamoDB as a filter expression on that Query (never a Scan); a page
that comes back short is topped up by at most one more Query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coursewave.errors import ValidationFailed
from functions.courses.domain import Course
from functions.courses.text import search_words, words

PREFIX_LENGTH = 3
MAX_QUERY_WORDS = 8
PARTITION_PREFIX = "CATALOG#"


def partition(facet: str) -> str:
    return PARTITION_PREFIX + facet


def price_kind(course: Course) -> str:
    return "free" if course.price.is_free else "paid"


def course_words(course: Course) -> set[str]:
    return search_words(course.title, course.subtitle or "", *course.tags)


def terms_field(course_words: set[str]) -> str:
    """`` a b c `` — space-delimited so ``contains`` tests whole words and word prefixes."""
    return " " + " ".join(sorted(course_words)) + " "


# The rating sort ranks by a Bayesian average: each course's ratings are pooled with
# ``RATING_PRIOR_WEIGHT`` imaginary ratings of ``RATING_PRIOR_MEAN``, so one 5-star review does
# not outrank a hundred 4.8s; unrated courses come last (docs/decisions.md).
RATING_PRIOR_MEAN = 3.5
RATING_PRIOR_WEIGHT = 5


def rating_rank(average: float, count: int) -> str:
    """The rating sort's key prefix: the Bayesian average x 1000, zero-padded (``0000``: no
    reviews)."""
    if count <= 0:
        return "0000"
    pooled = (average * count + RATING_PRIOR_MEAN * RATING_PRIOR_WEIGHT) / (
        count + RATING_PRIOR_WEIGHT
    )
    return f"{round(pooled * 1000):04d}"


def partitions_of(course: Course) -> set[str]:
    """Every catalog partition a published course belongs to."""
    facets = {
        "all",
        f"category={course.category}",
        f"level={course.level}",
        f"price={price_kind(course)}",
        f"instructor={course.instructor_id}",
    }
    prefixes = {
        word[:size]
        for word in course_words(course)
        for size in range(1, min(len(word), PREFIX_LENGTH) + 1)
    }
    return {partition(facet) for facet in facets} | {partition(f"term={p}") for p in prefixes}


@dataclass(frozen=True)
class Filters:
    q: str | None = None
    category: str | None = None
    level: str | None = None
    price: str | None = None
    instructor_id: str | None = None


@dataclass(frozen=True)
class Plan:
    """Which partition to read and what the filter expression must still check."""

    partition: str
    equals: dict[str, str] = field(default_factory=dict)  # entry attribute → value
    exact_words: tuple[str, ...] = ()
    prefix_word: str | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.equals or self.exact_words or self.prefix_word)


def query_words(q: str) -> list[str]:
    found = words(q)
    if not found:
        raise ValidationFailed.for_field("q", "must contain a letter or a digit")
    if len(found) > MAX_QUERY_WORDS:
        raise ValidationFailed.for_field("q", f"at most {MAX_QUERY_WORDS} words")
    return found


def plan(filters: Filters) -> Plan:
    """Read the most selective partition the filters allow; check the rest in the Query."""
    equals = {
        name: value
        for name, value in (
            ("instructor_id", filters.instructor_id),
            ("category", filters.category),
            ("level", filters.level),
            ("price_kind", filters.price),
        )
        if value is not None
    }
    terms = query_words(filters.q) if filters.q is not None else []
    exact, prefix = tuple(terms[:-1]), (terms[-1] if terms else None)
    facet_of = {
        "instructor_id": "instructor",
        "category": "category",
        "level": "level",
        "price_kind": "price",
    }
    driver: str | None = None
    if "instructor_id" in equals:
        driver = "instructor_id"
    elif terms:
        longest = max(terms, key=lambda word: min(len(word), PREFIX_LENGTH))
        return Plan(
            partition=partition(f"term={longest[:PREFIX_LENGTH]}"),
            equals=equals,
            exact_words=exact,
            prefix_word=prefix,
        )
    else:
        named = [name for name in ("category", "level", "price_kind") if name in equals]
        driver = named[0] if named else None
    if driver is None:
        return Plan(partition=partition("all"))
    chosen = partition(f"{facet_of[driver]}={equals.pop(driver)}")
    return Plan(partition=chosen, equals=equals, exact_words=exact, prefix_word=prefix)
