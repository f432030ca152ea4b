"""Assessments API models (API.md "Assessments").

Learner-facing models have no field that could carry an answer key: ``LearnerQuestionOut`` is
what a learner ever sees of a question, and ``ResultOut`` (with the correct answers) appears only
when the exam's review policy allows it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from coursewave.models import Out, Strict

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]{1,128}$")]
QuestionType = Literal["single", "multiple", "true_false", "short_text"]
ReviewPolicy = Literal["never", "after_submit", "after_pass", "after_last_attempt"]
Scoring = Literal["all_or_nothing", "partial"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
MAX_QUESTIONS = 200
MAX_TIME_LIMIT = 7 * 24 * 3600
# An answer: an option id (single), a list of them (multiple), a bool or a text.
AnswerValue = str | bool | list[str] | None


class QuestionIn(Strict):
    """``answer``: the index (from 0) of the right option (single), the indexes of the right
    options (multiple), true/false, or the expected text (short_text, compared after
    normalization: case, whitespace, Unicode NFKC; ``accepted_answers`` are also right)."""

    type: QuestionType
    prompt: Annotated[Text, Field(max_length=1000)]
    options: list[Annotated[Text, Field(max_length=200)]] | None = Field(
        default=None, min_length=2, max_length=10
    )
    answer: int | list[int] | bool | str
    accepted_answers: list[Annotated[Text, Field(max_length=200)]] | None = Field(
        default=None, max_length=10
    )
    points: float = Field(default=1, gt=0, le=1000)
    explanation: Annotated[Text, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _shape(self) -> QuestionIn:
        check_answer_shape(self.type, self.options, self.answer, self.accepted_answers)
        return self


def check_answer_shape(
    kind: str, options: list[str] | None, answer: Any, accepted: list[str] | None
) -> None:
    """The answer key fits the question type (raises ValueError, a 422 in a request body)."""
    if kind in ("single", "multiple"):
        if not options:
            raise ValueError("options are required for choice questions")
        if len({option.casefold() for option in options}) != len(options):
            raise ValueError("options must be distinct")
    elif options is not None:
        raise ValueError(f"{kind} questions have no options")
    if accepted is not None and kind != "short_text":
        raise ValueError("accepted_answers are for short_text questions")
    count = len(options or [])
    if kind == "single":
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < count:
            raise ValueError("answer must be the index of one option")
    elif kind == "multiple":
        if (
            not isinstance(answer, list)
            or not answer
            or any(isinstance(i, bool) or not 0 <= i < count for i in answer)
            or len(set(answer)) != len(answer)
        ):
            raise ValueError("answer must be a non-empty list of distinct option indexes")
    elif kind == "true_false":
        if not isinstance(answer, bool):
            raise ValueError("answer must be true or false")
    elif not isinstance(answer, str) or not answer.strip() or len(answer) > 200:
        raise ValueError("answer must be a non-blank text of at most 200 characters")


class _ExamSettingsIn(Strict):
    title: Annotated[Text, Field(max_length=200)] | None = None
    pass_percent: float | None = Field(default=None, ge=0, le=100)
    required: bool | None = None
    time_limit_seconds: int | None = Field(default=None, ge=1, le=MAX_TIME_LIMIT)
    grace_seconds: int | None = Field(default=None, ge=0, le=3600)
    max_attempts: int | None = Field(default=None, ge=1, le=100)
    questions_per_attempt: int | None = Field(default=None, ge=1, le=MAX_QUESTIONS)
    shuffle: bool | None = None
    review_policy: ReviewPolicy | None = None
    scoring: Scoring | None = None


class ExamIn(_ExamSettingsIn):
    title: Annotated[Text, Field(max_length=200)]
    pass_percent: float = Field(ge=0, le=100)
    questions: list[QuestionIn] = Field(min_length=1, max_length=MAX_QUESTIONS)


class ExamPatch(_ExamSettingsIn):
    """Any setting; ``questions`` replaces the whole bank. ``null`` clears the optional limits
    (time limit, attempts, draw size)."""

    questions: list[QuestionIn] | None = Field(default=None, min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _something(self) -> ExamPatch:
        if not self.model_fields_set:
            raise ValueError("send at least one field")
        for name in ("title", "pass_percent", "required", "shuffle", "review_policy", "scoring"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class QuestionPatch(Strict):
    answer: int | list[int] | bool | str
    accepted_answers: list[Annotated[Text, Field(max_length=200)]] | None = Field(
        default=None, max_length=10
    )


class AnswersIn(Strict):
    answers: dict[Annotated[str, StringConstraints(max_length=64)], AnswerValue] = Field(
        max_length=MAX_QUESTIONS
    )


class SubmitIn(Strict):
    answers: dict[Annotated[str, StringConstraints(max_length=64)], AnswerValue] = Field(
        default_factory=dict, max_length=MAX_QUESTIONS
    )


class ExtensionIn(Strict):
    user_id: Id
    extra_seconds: int | None = Field(default=None, ge=0, le=MAX_TIME_LIMIT)
    extra_attempts: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _something(self) -> ExtensionIn:
        if self.extra_seconds is None and self.extra_attempts is None:
            raise ValueError("send extra_seconds, extra_attempts or both")
        return self


class AttemptsQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)
    user_id: Id | None = None


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


# -- responses ---------------------------------------------------------------------------------


class OptionOut(Out):
    id: str
    text: str


class LearnerQuestionOut(Out):
    id: str
    type: str
    prompt: str
    options: list[OptionOut]
    points: float


class QuestionOut(LearnerQuestionOut):
    """A question with its answer key (owner, admin), in the form authors send it."""

    answer: Any
    accepted_answers: list[str]
    explanation: str | None


class StandingOut(Out):
    attempts_used: int
    attempts_left: int | None
    best_score_percent: float | None
    passed: bool
    open_attempt_id: str | None
    extra_seconds: int
    extra_attempts: int


class ExamOut(Out):
    id: str
    course_id: str
    title: str
    version: int
    required: bool
    pass_percent: float
    time_limit_seconds: int | None
    grace_seconds: int
    max_attempts: int | None
    questions_per_attempt: int
    question_count: int
    shuffle: bool
    review_policy: str
    scoring: str
    created_at: str
    updated_at: str
    questions: list[QuestionOut] | None = Field(
        default=None, description="the bank with answer keys: owner and admins only"
    )
    my_standing: StandingOut | None = Field(default=None, description="the caller's, learners")


class ExamList(Out):
    items: list[ExamOut]


class ResultOut(Out):
    question_id: str
    points: float
    earned: float
    correct: bool
    your_answer: AnswerValue
    correct_answer: AnswerValue
    accepted_answers: list[str]
    explanation: str | None


class GradeOut(Out):
    attempt_id: str
    exam_id: str
    exam_version: int
    score_percent: float
    passed: bool
    submitted_at: str
    graded_at: str
    late: bool
    auto_graded: bool
    review_available: bool
    results: list[ResultOut] = Field(description="per question; empty until review is allowed")


class AttemptStartOut(Out):
    attempt_id: str
    exam_id: str
    exam_version: int
    questions: list[LearnerQuestionOut]
    started_at: str
    deadline: str | None
    grace_seconds: int
    attempts_left: int | None


class AttemptSummaryOut(Out):
    id: str
    exam_id: str
    exam_version: int
    user_id: str
    status: str
    started_at: str
    deadline: str | None
    submitted_at: str | None
    graded_at: str | None
    score_percent: float | None
    passed: bool | None
    late: bool
    auto_graded: bool


class AttemptOut(AttemptSummaryOut):
    questions: list[LearnerQuestionOut]
    answers: dict[str, AnswerValue]
    review_available: bool
    results: list[ResultOut]


class AttemptList(Out):
    items: list[AttemptSummaryOut]
    next_cursor: str | None


class ExtensionOut(Out):
    exam_id: str
    user_id: str
    extra_seconds: int
    extra_attempts: int
    attempts_left: int | None
    open_attempt_id: str | None
    open_attempt_deadline: str | None


class RegradeOut(Out):
    exam_id: str
    exam_version: int
    status: Literal["queued"]


class GradebookUser(Out):
    id: str
    name: str
    email: str


class GradebookExam(Out):
    exam_id: str
    title: str
    required: bool
    best_score_percent: float | None
    passed: bool
    attempts: int


class GradebookRow(Out):
    user: GradebookUser
    exams: list[GradebookExam]
    progress_percent: int


class Gradebook(Out):
    items: list[GradebookRow]
    next_cursor: str | None


class ExportAccepted(Out):
    export_id: str
    status: str


class ExportOut(Out):
    export_id: str
    course_id: str
    status: Literal["pending", "ready", "failed"]
    created_at: str
    download_url: str | None
    expires_at: str | None = Field(default=None, description="when download_url stops working")
