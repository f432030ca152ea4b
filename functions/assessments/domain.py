"""Exams, attempts and the rules of drawing, timing, grading and review (no I/O).

An exam has a header (its current settings, the course it belongs to, whether passing it is
required) and immutable versions (settings and the question bank). An attempt is drawn from one
version — the seed and the drawn question ids are stored on it, the option order is derived from
the seed — and always grades against that version.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from coursewave.clock import iso
from coursewave.errors import Conflict, ValidationFailed

SINGLE, MULTIPLE, TRUE_FALSE, SHORT_TEXT = "single", "multiple", "true_false", "short_text"
QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, SHORT_TEXT)
NEVER, AFTER_SUBMIT, AFTER_PASS, AFTER_LAST_ATTEMPT = (
    "never",
    "after_submit",
    "after_pass",
    "after_last_attempt",
)
REVIEW_POLICIES = (NEVER, AFTER_SUBMIT, AFTER_PASS, AFTER_LAST_ATTEMPT)
ALL_OR_NOTHING, PARTIAL = "all_or_nothing", "partial"
IN_PROGRESS, GRADED = "in_progress", "graded"
ACTIVE, DELETED = "active", "deleted"


@dataclass(frozen=True)
class Option:
    id: str
    text: str


@dataclass(frozen=True)
class Question:
    """``answer``: the correct option id (single), the set of them (multiple, a sorted list),
    a bool (true_false) or the expected text (short_text, with ``accepted_answers``)."""

    id: str
    type: str
    prompt: str
    points: float
    options: tuple[Option, ...] = ()
    answer: Any = None
    accepted_answers: tuple[str, ...] = ()
    explanation: str | None = None

    def option_index(self, option_id: str) -> int:
        return [option.id for option in self.options].index(option_id)


@dataclass(frozen=True)
class Settings:
    title: str
    pass_percent: float
    time_limit_seconds: int | None = None
    grace_seconds: int = 0
    max_attempts: int | None = None
    questions_per_attempt: int | None = None
    shuffle: bool = True
    review_policy: str = AFTER_SUBMIT
    scoring: str = ALL_OR_NOTHING


@dataclass(frozen=True)
class Version:
    exam_id: str
    number: int
    settings: Settings
    questions: tuple[Question, ...]
    created_at: str

    @property
    def draw_size(self) -> int:
        wanted = self.settings.questions_per_attempt
        return len(self.questions) if wanted is None else min(wanted, len(self.questions))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass
class Exam:
    """The header: the current version's settings, for lists without reading the bank."""

    id: str
    course_id: str
    required: bool
    version: int
    settings: Settings
    question_count: int
    created_at: str
    updated_at: str
    created_by: str
    status: str = ACTIVE
    attempts_started: int = 0  # an edit of an exam with attempts creates a new version


@dataclass
class Standing:
    """A learner's record on one exam: attempts used, extensions, the open attempt, the best."""

    exam_id: str
    user_id: str
    course_id: str
    attempts_used: int = 0
    extra_attempts: int = 0
    extra_seconds: int = 0
    open_attempt_id: str | None = None
    best_score_percent: float | None = None
    passed: bool = False
    best_attempt_id: str | None = None
    revision: int = 0
    exists: bool = False

    def attempts_allowed(self, settings: Settings) -> int | None:
        if settings.max_attempts is None:
            return None
        return settings.max_attempts + self.extra_attempts

    def attempts_left(self, settings: Settings) -> int | None:
        allowed = self.attempts_allowed(settings)
        return None if allowed is None else max(0, allowed - self.attempts_used)


@dataclass
class Attempt:
    id: str
    exam_id: str
    version: int
    course_id: str
    user_id: str
    seed: str
    question_ids: tuple[str, ...]
    started_at: str
    deadline: str | None = None
    fires_at: str | None = None  # the deadline plus grace: when the server grades it
    status: str = IN_PROGRESS
    answers: dict[str, Any] = field(default_factory=dict)
    submitted_at: str | None = None
    graded_at: str | None = None
    score_percent: float | None = None
    passed: bool | None = None
    points_earned: float | None = None
    points_total: float | None = None
    auto_graded: bool = False
    late: bool = False

    @property
    def graded(self) -> bool:
        return self.status == GRADED


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    points: float
    earned: float
    correct: bool


@dataclass(frozen=True)
class Grade:
    score_percent: float
    passed: bool
    points_earned: float
    points_total: float
    results: tuple[QuestionResult, ...]


# -- authoring ---------------------------------------------------------------------------------


def new_option_id() -> str:
    """Random, so that an option's id says nothing about where the author put it."""
    return "o" + secrets.token_hex(4)


def check_settings(settings: Settings, bank_size: int) -> None:
    if settings.questions_per_attempt is not None and settings.questions_per_attempt > bank_size:
        raise ValidationFailed.for_field(
            "questions_per_attempt", "must not exceed the number of questions in the bank"
        )


def needs_new_version(exam: Exam) -> bool:
    """Editing an exam somebody has started keeps their version intact: the edit is a new one."""
    return exam.attempts_started > 0


def with_answer_key(
    question: Question, answer: Any, accepted_answers: tuple[str, ...] | None
) -> Question:
    """The question with a corrected answer key (options, prompt and points unchanged)."""
    return replace(
        question,
        answer=answer,
        accepted_answers=question.accepted_answers
        if accepted_answers is None
        else accepted_answers,
    )


# -- drawing -----------------------------------------------------------------------------------


def new_seed() -> str:
    return secrets.token_hex(16)


def draw(version: Version, seed: str) -> tuple[str, ...]:
    """The questions of an attempt: ``draw_size`` distinct ids of the bank, at random from the
    seed (in drawn order when shuffling, else in the bank's order)."""
    ids = [q.id for q in version.questions]
    chosen = random.Random(f"draw:{seed}").sample(ids, version.draw_size)  # noqa: S311 - not a secret
    if version.settings.shuffle:
        return tuple(chosen)
    wanted = set(chosen)
    return tuple(qid for qid in ids if qid in wanted)


def option_order(question: Question, seed: str, shuffle: bool) -> tuple[Option, ...]:
    """The options as this attempt shows them: shuffled per attempt and question from the seed."""
    options = list(question.options)
    if shuffle and question.type in (SINGLE, MULTIPLE):
        random.Random(f"options:{seed}:{question.id}").shuffle(options)  # noqa: S311
    return tuple(options)


def timing(
    started: datetime, settings: Settings, extra_seconds: int
) -> tuple[str | None, str | None]:
    """(deadline, fires_at) of an attempt started at ``started``; both None without a limit."""
    if settings.time_limit_seconds is None:
        return None, None
    deadline = started + timedelta(seconds=settings.time_limit_seconds + extra_seconds)
    return iso(deadline), iso(deadline + timedelta(seconds=settings.grace_seconds))


def check_can_start(standing: Standing, settings: Settings) -> None:
    if standing.open_attempt_id is not None:
        raise Conflict(
            "Finish the attempt in progress first.",
            code="ATTEMPT_IN_PROGRESS",
            details={"attempt_id": standing.open_attempt_id},
        )
    left = standing.attempts_left(settings)
    if left is not None and left <= 0:
        raise Conflict("No attempts left for this exam.", code="NO_ATTEMPTS_LEFT")


# -- answers and grading -----------------------------------------------------------------------


def normalize(text: str) -> str:
    """Unicode NFKC, case folded, surrounding whitespace dropped and inner runs collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def check_answers(version: Version, question_ids: tuple[str, ...], answers: dict[str, Any]) -> None:
    """422 for an answer to a question not drawn, or of the wrong shape for its question."""
    drawn = set(question_ids)
    problems = []
    for question_id, value in answers.items():
        question = version.question(question_id) if question_id in drawn else None
        if question is None:
            problems.append({"field": f"answers.{question_id}", "message": "not a drawn question"})
            continue
        message = _shape_problem(question, value)
        if message:
            problems.append({"field": f"answers.{question_id}", "message": message})
    if problems:
        raise ValidationFailed(problems)


def _shape_problem(question: Question, value: Any) -> str | None:
    if value is None:
        return None  # a cleared answer
    option_ids = {option.id for option in question.options}
    if question.type == SINGLE:
        if not isinstance(value, str) or value not in option_ids:
            return "must be one of the question's option ids"
    elif question.type == MULTIPLE:
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) and v in option_ids for v in value)
            or len(set(value)) != len(value)
        ):
            return "must be a list of distinct option ids of the question"
    elif question.type == TRUE_FALSE:
        if not isinstance(value, bool):
            return "must be true or false"
    elif not isinstance(value, str) or len(value) > 1000:
        return "must be a text of at most 1000 characters"
    return None


def question_earned(question: Question, value: Any, scoring: str) -> float:
    """Points earned for one answer. Multiple choice under partial scoring earns its share of
    right choices less wrong ones (never below zero); all-or-nothing needs the exact set."""
    if value is None:
        return 0.0
    if question.type == SINGLE:
        return question.points if value == question.answer else 0.0
    if question.type == TRUE_FALSE:
        return question.points if value is question.answer else 0.0
    if question.type == SHORT_TEXT:
        expected = {normalize(text) for text in (question.answer, *question.accepted_answers)}
        return question.points if normalize(value) in expected else 0.0
    chosen, right = set(value), set(question.answer)
    if scoring == PARTIAL:
        share = (len(chosen & right) - len(chosen - right)) / len(right)
        return round(question.points * max(0.0, share), 4)
    return question.points if chosen == right else 0.0


def grade(version: Version, question_ids: tuple[str, ...], answers: dict[str, Any]) -> Grade:
    results = []
    for question_id in question_ids:
        question = version.question(question_id)
        if question is None:  # a drawn question always exists in its version
            raise ValueError(f"question {question_id} is not in version {version.number}")
        earned = question_earned(question, answers.get(question_id), version.settings.scoring)
        results.append(
            QuestionResult(question_id, question.points, earned, earned == question.points)
        )
    total = sum(r.points for r in results)
    earned_total = sum(r.earned for r in results)
    percent = round(100 * earned_total / total, 2) if total else 0.0
    return Grade(
        score_percent=percent,
        passed=percent >= version.settings.pass_percent,
        points_earned=round(earned_total, 4),
        points_total=total,
        results=tuple(results),
    )


@dataclass(frozen=True)
class Submission:
    """What a submit (or the timer) records: the answers that count and when they count from."""

    answers: dict[str, Any]
    submitted_at: str
    late: bool


def submission(attempt: Attempt, answers: dict[str, Any] | None, moment: datetime) -> Submission:
    """A submit before the deadline (or within the grace period) counts as sent, merged over the
    saved answers; one after it is graded as submitted at the deadline, with the answers saved
    by then. The timer (``answers`` None) grades the saved answers at the deadline."""
    timed = attempt.deadline is not None and attempt.fires_at is not None
    if timed and (answers is None or iso(moment) > str(attempt.fires_at)):
        return Submission(dict(attempt.answers), str(attempt.deadline), late=answers is not None)
    merged = {**attempt.answers, **(answers or {})}
    return Submission(merged, iso(moment), late=False)


def overdue(attempt: Attempt, moment: datetime) -> bool:
    """Whether saving answers is over: past the deadline and its grace period."""
    return attempt.fires_at is not None and iso(moment) > attempt.fires_at


def graded_attempt(
    attempt: Attempt, result: Grade, sent: Submission, moment: datetime, *, auto: bool
) -> Attempt:
    return replace(
        attempt,
        status=GRADED,
        answers=sent.answers,
        submitted_at=sent.submitted_at,
        graded_at=iso(moment),
        score_percent=result.score_percent,
        passed=result.passed,
        points_earned=result.points_earned,
        points_total=result.points_total,
        auto_graded=auto,
        late=sent.late,
    )


def standing_after(standing: Standing, attempts: list[Attempt]) -> Standing:
    """The learner's best over their graded attempts (all versions): best score, passed if any
    attempt passed."""
    graded = [a for a in attempts if a.graded and a.score_percent is not None]
    best = max(graded, key=lambda a: (a.passed, a.score_percent), default=None)
    return replace(
        standing,
        best_score_percent=max((a.score_percent for a in graded), default=None),  # type: ignore[type-var]
        passed=any(a.passed for a in graded),
        best_attempt_id=best.id if best else None,
    )


# -- review ------------------------------------------------------------------------------------


def review_allowed(
    policy: str, attempt: Attempt, standing: Standing, settings: Settings, *, manager: bool
) -> bool:
    """Whether correct answers and per-question feedback of ``attempt`` may be shown.

    Managers always see them. Learners: never before the attempt is graded; then as the policy
    says (``after_last_attempt``: once no attempt is left and none is open; with unlimited
    attempts there is no last one, so never).
    """
    if manager:
        return True
    if not attempt.graded:
        return False
    if policy == AFTER_SUBMIT:
        return True
    if policy == AFTER_PASS:
        return standing.passed
    if policy == AFTER_LAST_ATTEMPT:
        left = standing.attempts_left(settings)
        return left == 0 and standing.open_attempt_id is None
    return False
