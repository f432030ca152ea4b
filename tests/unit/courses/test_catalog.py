"""Which catalog partitions a course lands in, and which one a query reads."""

from __future__ import annotations

import pytest

from coursewave.errors import ValidationFailed
from functions.courses import catalog
from functions.courses.catalog import Filters
from functions.courses.domain import Course, Money


def course() -> Course:
    return Course(
        id="crs_1",
        slug="py",
        title="Python Basics",
        subtitle="Éléments",
        description="d",
        category="development",
        level="beginner",
        tags=["go"],
        price=Money(1500, "EUR"),
        instructor_id="ines",
        instructor_name="Ines",
        created_at="t",
        updated_at="t",
    )


def test_a_course_lands_in_its_facet_and_prefix_partitions() -> None:
    parts = catalog.partitions_of(course())
    facets = {p for p in parts if "term=" not in p}
    assert facets == {
        "CATALOG#all",
        "CATALOG#category=development",
        "CATALOG#level=beginner",
        "CATALOG#price=paid",
        "CATALOG#instructor=ines",
    }
    terms = {p.removeprefix("CATALOG#term=") for p in parts - facets}
    assert terms == {"p", "py", "pyt", "b", "ba", "bas", "e", "el", "ele", "g", "go"}
    assert catalog.terms_field(catalog.course_words(course())) == " basics elements go python "


@pytest.mark.parametrize(
    ("filters", "partition", "equals", "exact", "prefix"),
    [
        (Filters(), "CATALOG#all", {}, (), None),
        (Filters(level="advanced"), "CATALOG#level=advanced", {}, (), None),
        (
            Filters(category="design", level="advanced", price="free"),
            "CATALOG#category=design",
            {"level": "advanced", "price_kind": "free"},
            (),
            None,
        ),
        (
            Filters(instructor_id="ines", category="design"),
            "CATALOG#instructor=ines",
            {"category": "design"},
            (),
            None,
        ),
        (Filters(q="Pyth"), "CATALOG#term=pyt", {}, (), "pyth"),
        (Filters(q="a python"), "CATALOG#term=pyt", {}, ("a",), "python"),
        (
            Filters(q="data Sci", price="paid"),
            "CATALOG#term=dat",
            {"price_kind": "paid"},
            ("data",),
            "sci",
        ),
        (
            Filters(q="x", instructor_id="ines"),
            "CATALOG#instructor=ines",
            {},
            (),
            "x",
        ),
    ],
)
def test_a_query_reads_its_most_selective_partition(
    filters: Filters,
    partition: str,
    equals: dict[str, str],
    exact: tuple[str, ...],
    prefix: str | None,
) -> None:
    plan = catalog.plan(filters)
    assert (plan.partition, plan.equals, plan.exact_words, plan.prefix_word) == (
        partition,
        equals,
        exact,
        prefix,
    )
    assert plan.filtered is bool(equals or exact or prefix)


def test_queries_need_words() -> None:
    with pytest.raises(ValidationFailed):
        catalog.plan(Filters(q="?!"))
    with pytest.raises(ValidationFailed):
        catalog.plan(Filters(q="a b c d e f g h i"))


def test_the_rating_sort_pools_few_ratings_with_a_prior_and_puts_unrated_last() -> None:
    rank = catalog.rating_rank
    assert rank(0.0, 0) == "0000"
    assert rank(1.0, 1) > rank(0.0, 0)  # any rating ranks above none
    assert rank(4.8, 100) > rank(5.0, 1)  # one 5-star review does not outrank a hundred 4.8s
    assert rank(4.8, 10) > rank(4.8, 3) > rank(3.5, 40)
    assert rank(5.0, 10_000) <= "5000" and len(rank(5.0, 10_000)) == 4


def test_a_course_rating_is_its_sum_over_its_count() -> None:
    course = Course(
        id="crs_1",
        slug="s",
        title="T",
        subtitle=None,
        description="d",
        category="design",
        level="beginner",
        tags=[],
        price=Money(0, "USD"),
        instructor_id="i",
        instructor_name="I",
        created_at="2026-11-23T10:00:00Z",
        updated_at="2026-11-23T10:00:00Z",
    )
    assert course.rating_average == 0.0
    course.rating_sum, course.rating_count = 11, 3
    assert course.rating_average == 3.67 and course.summary().rating_average == 3.67
