"""Course rules without storage: the outline, who may see and change a course, drip, progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coursewave.errors import Conflict, Forbidden, NotFound, ValidationFailed
from coursewave.users import Principal
from functions.courses import domain
from functions.courses.domain import Course, Money, OutlineLesson, Section

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def principal(user_id: str, *roles: str) -> Principal:
    return Principal(
        user_id, f"{user_id}@x.test", user_id, frozenset(roles or ("student",)), "active"
    )


OWNER = principal("owner", "student", "instructor")
OTHER = principal("other", "student", "instructor")
ADMIN = principal("admin", "student", "admin")
STUDENT = principal("learner")


def course(*sections: list[str], status: str = domain.DRAFT) -> Course:
    built = Course(
        id="crs_1",
        slug="c",
        title="Course",
        subtitle=None,
        description="d",
        category="development",
        level="beginner",
        tags=[],
        price=Money(0, "USD"),
        instructor_id="owner",
        instructor_name="Owner",
        created_at="2026-11-23T09:00:00Z",
        updated_at="2026-11-23T09:00:00Z",
        status=status,
    )
    for index, lesson_ids in enumerate(sections):
        section = Section(id=f"sec_{index}", title=f"S{index}")
        section.lessons = [
            OutlineLesson(id=i, title=i, type="text", duration_seconds=60) for i in lesson_ids
        ]
        built.sections.append(section)
    return built


def test_positions_are_contiguous_through_inserts_and_moves() -> None:
    c = course(["a", "b"])
    assert domain.add_section(c, Section(id="sec_x", title="X"), 1) == 1
    assert [s.id for s in c.sections] == ["sec_x", "sec_0"]
    domain.move_section(c, c.sections[0], 2)
    assert [s.id for s in c.sections] == ["sec_0", "sec_x"]
    target = c.section("sec_x")
    assert target is not None
    placed = domain.existing_lesson(c, "a")
    assert domain.move_lesson(c, placed, target, None) == 1
    assert [[lesson.id for lesson in s.lessons] for s in c.sections] == [["b"], ["a"]]
    new = OutlineLesson(id="n", title="n", type="text")
    assert domain.add_lesson(c, target, new, 1) == 1
    assert c.placed("a") is not None and c.placed("a").position == 2  # type: ignore[union-attr]
    assert c.lesson_ids == ["b", "n", "a"] and c.lesson_count == 3
    assert c.duration_seconds == 120


def test_out_of_range_positions_are_rejected_without_changing_the_outline() -> None:
    c = course(["a", "b"])
    with pytest.raises(ValidationFailed):
        domain.add_section(c, Section(id="s", title="s"), 3)
    with pytest.raises(ValidationFailed):
        domain.move_section(c, c.sections[0], 2)
    with pytest.raises(ValidationFailed):
        domain.move_lesson(c, domain.existing_lesson(c, "a"), c.sections[0], 3)
    assert len(c.sections) == 1 and c.lesson_ids == ["a", "b"]
    with pytest.raises(NotFound):
        domain.existing_lesson(c, "zzz")
    with pytest.raises(ValidationFailed):
        domain.target_section(c, "sec_missing")


def test_outline_limits_are_conflicts() -> None:
    c = course([f"l{i}" for i in range(domain.MAX_LESSONS_PER_SECTION)])
    with pytest.raises(Conflict):
        domain.add_lesson(c, c.sections[0], OutlineLesson(id="x", title="x", type="text"), None)
    many = course(*[[] for _ in range(domain.MAX_SECTIONS)])
    with pytest.raises(Conflict):
        domain.add_section(many, Section(id="s", title="s"), None)


def test_who_sees_and_who_changes_a_course() -> None:
    draft, published = course(["a"]), course(["a"], status=domain.PUBLISHED)
    archived = course(["a"], status=domain.ARCHIVED)
    assert domain.can_see(published, None, enrolled=False)
    assert not domain.can_see(draft, STUDENT, enrolled=False)
    assert domain.can_see(draft, OWNER, enrolled=False) and domain.can_see(draft, ADMIN, False)
    assert domain.can_see(archived, STUDENT, enrolled=True)
    assert not domain.can_see(archived, None, enrolled=False)
    assert not domain.can_see(course(["a"], status=domain.DELETED), ADMIN, enrolled=True)
    assert domain.managed(draft, OWNER) is draft and domain.managed(draft, ADMIN) is draft
    with pytest.raises(NotFound):
        domain.managed(draft, OTHER)
    with pytest.raises(Forbidden):
        domain.managed(published, OTHER)
    with pytest.raises(NotFound):
        domain.managed(None, ADMIN)


def test_drip_opens_lessons_days_after_enrollment() -> None:
    lesson = OutlineLesson(id="a", title="a", type="text", unlock_after_days=3)
    enrolled = NOW - timedelta(days=1)
    assert domain.locked_until(lesson, enrolled, NOW) == enrolled + timedelta(days=3)
    assert domain.locked_until(lesson, NOW - timedelta(days=3), NOW) is None
    assert domain.locked_until(lesson, None, NOW) is None
    preview = OutlineLesson(id="p", title="p", type="text", preview=True, unlock_after_days=3)
    assert domain.locked_until(preview, enrolled, NOW) is None


def test_lesson_access() -> None:
    published = course(["a", "b"], status=domain.PUBLISHED)
    locked = OutlineLesson(id="b", title="b", type="text", unlock_after_days=2)
    preview = OutlineLesson(id="p", title="p", type="text", preview=True)
    domain.check_lesson_access(published, locked, OWNER, None, NOW)
    domain.check_lesson_access(published, locked, ADMIN, None, NOW)
    domain.check_lesson_access(published, preview, STUDENT, None, NOW)
    domain.check_lesson_access(published, preview, None, None, NOW)
    with pytest.raises(Forbidden) as refused:
        domain.check_lesson_access(published, locked, STUDENT, None, NOW)
    assert refused.value.code == "FORBIDDEN"
    with pytest.raises(Forbidden) as dripped:
        domain.check_lesson_access(published, locked, STUDENT, NOW, NOW)
    assert dripped.value.code == "LESSON_LOCKED"
    assert dripped.value.details == {"locked_until": "2026-11-25T10:00:00Z"}
    domain.check_lesson_access(published, locked, STUDENT, NOW - timedelta(days=2), NOW)
    draft = course(["p"])
    with pytest.raises(Forbidden):
        domain.check_lesson_access(draft, preview, STUDENT, None, NOW)


def test_progress_counts_only_lessons_that_still_exist() -> None:
    c = course(["a", "b", "c"])
    assert domain.progress_percent({"a"}, c) == 33
    assert domain.progress_percent({"a", "b", "c", "gone"}, c) == 100
    assert domain.progress_percent({"gone"}, c) == 0
    assert domain.progress_percent({"a"}, course()) == 0


def test_publishing_rules() -> None:
    empty = course([])
    with pytest.raises(Conflict):
        domain.publish(empty, "2026-11-23T10:00:00Z")
    c = course(["a"])
    assert domain.publish(c, "2026-11-23T10:00:00Z") is True
    assert domain.publish(c, "2026-11-24T10:00:00Z") is False
    assert domain.unpublish(c) is True and c.status == domain.DRAFT
    assert domain.publish(c, "2026-11-25T10:00:00Z") is True
    assert c.published_at == "2026-11-23T10:00:00Z"
    domain.archive(c, "2026-11-26T10:00:00Z")
    with pytest.raises(Conflict):
        domain.publish(c, "2026-11-27T10:00:00Z")
    with pytest.raises(Conflict):
        domain.unpublish(c)


def test_category_counts_move_with_publication_and_category() -> None:
    draft = course(["a"])
    live = course(["a"], status=domain.PUBLISHED)
    moved = course(["a"], status=domain.PUBLISHED)
    moved.category = "design"
    assert domain.category_deltas(draft, live) == {"development": 1}
    assert domain.category_deltas(live, draft) == {"development": -1}
    assert domain.category_deltas(live, moved) == {"development": -1, "design": 1}
    assert domain.category_deltas(live, live) == {}
    assert domain.category_deltas(draft, draft) == {}
