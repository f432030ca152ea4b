"""What media needs from the courses domain, through that domain's public functions."""

from __future__ import annotations

from coursewave.users import Principal
from functions.courses import domain, repository
from functions.courses.access import ViewableLesson, viewable_lesson

__all__ = ["ViewableLesson", "managed_course_id", "manages_course", "viewable_lesson"]


def managed_course_id(course_id: str, principal: Principal) -> str:
    """The course's id if ``principal`` may change it: 404 if they cannot see it, else 403."""
    return domain.managed(repository.get_course(course_id), principal).id


def manages_course(course_id: str, principal: Principal) -> bool:
    course = repository.get_course(course_id)
    return course is not None and domain.is_manager(course, principal)
