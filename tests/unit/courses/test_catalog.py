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
