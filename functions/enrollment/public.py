"""What other domains may use of the enrollment domain: plain functions and plain types."""

from __future__ import annotations

from functions.enrollment.domain import ViewableLesson
from functions.enrollment.logic import viewable_lesson

__all__ = ["ViewableLesson", "viewable_lesson"]
