"""What other domains may use of the assessments domain: plain functions and plain types.

Certificates (above) decides whether a learner has completed a course: every lesson
(enrollment's ``CourseCompleted``) and every exam marked ``required`` passed — it listens to
``ExamPassed`` / ``ExamFailed`` (``coursewave.event_models``) and asks
``required_exams_outstanding``. Assessments never imports certificates.
"""

from __future__ import annotations

from coursewave.event_models import ExamFailed, ExamPassed

__all__ = ["ExamFailed", "ExamPassed", "required_exams_outstanding"]


def required_exams_outstanding(course_id: str, user_id: str) -> list[str]:
    """The ids of the course's required exams (all exams unless created with
    ``required: false``; deleted exams are not required) that the learner has not passed with
    any attempt of any version, oldest exam first. Two consistent round trips: the course's
    exam index (GetItem), the learner's standings (BatchGetItem)."""
    from functions.assessments import repository

    required = repository.course_index(course_id).required_ids
    if not required:
        return []
    standing = repository.standings(required, [user_id])
    return [
        exam_id
        for exam_id in required
        if not (found := standing.get((exam_id, user_id))) or not found.passed
    ]
