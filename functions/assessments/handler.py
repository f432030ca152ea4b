"""Assessments routes (API.md "Assessments"): exams, attempts, extensions, regrades, the
gradebook and its CSV export.

Every learner-facing response is built from ``LearnerQuestionOut`` (no answer key) and shows
``results`` only when the exam's review policy allows (``domain.review_allowed``).
"""

from __future__ import annotations

from typing import Any

from coursewave.api import Access, Api, authorize_user, signed_in, signed_in_checked_by_handler
from coursewave.users import Principal
from functions.assessments import domain, logic
from functions.assessments.domain import Attempt, Exam, Question, Standing, Version
from functions.assessments.models import (
    AnswersIn,
    AttemptList,
    AttemptOut,
    AttemptsQuery,
    AttemptStartOut,
    AttemptSummaryOut,
    ExamIn,
    ExamList,
    ExamOut,
    ExamPatch,
    ExportAccepted,
    ExportOut,
    ExtensionIn,
    ExtensionOut,
    Gradebook,
    GradebookExam,
    GradebookRow,
    GradebookUser,
    GradeOut,
    LearnerQuestionOut,
    OptionOut,
    PageQuery,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    RegradeOut,
    ResultOut,
    StandingOut,
    SubmitIn,
    check_answer_shape,
)

app = Api("assessments")
lambda_handler = app.lambda_handler

# Routes that read an exam authorize the caller from the record read in their first batch
# (with the exam and the caller's standing): one round trip fewer (logic.Caller).
MANAGERS = signed_in_checked_by_handler("the course's owner, admin")
LEARNERS = signed_in_checked_by_handler("an enrolled learner")
VIEWERS = signed_in_checked_by_handler("an enrolled learner, the course's owner, admin")
EXAM_VIEWERS = signed_in_checked_by_handler(
    "an enrolled learner (no answers), the course's owner, admin"
)
ATTEMPT_LISTERS = signed_in_checked_by_handler(
    "learners: their own; the course's owner, admin: all"
)
ATTEMPT_VIEWERS = signed_in_checked_by_handler("the attempt's learner, the course's owner, admin")
ATTEMPT_LEARNER = signed_in_checked_by_handler("the attempt's learner")
# Routes that read no exam: the shared caller check.
COURSE_MANAGERS = signed_in(who="the course's owner, admin")
SETTINGS = (
    "title",
    "pass_percent",
    "time_limit_seconds",
    "grace_seconds",
    "max_attempts",
    "questions_per_attempt",
    "shuffle",
    "review_policy",
    "scoring",
)


# -- mapping -----------------------------------------------------------------------------------


def _caller(claims: dict[str, Any], access: Access) -> logic.Caller:
    return logic.Caller(
        str(claims.get("sub", "")), lambda user: authorize_user(access, claims, user)
    )


def _draft(question: QuestionIn) -> logic.QuestionDraft:
    return logic.QuestionDraft(
        type=question.type,
        prompt=question.prompt,
        options=question.options,
        answer=question.answer,
        accepted_answers=question.accepted_answers,
        points=question.points,
        explanation=question.explanation,
    )


def _options(question: Question, seed: str | None, shuffle: bool) -> list[OptionOut]:
    options = domain.option_order(question, seed, shuffle) if seed else question.options
    return [OptionOut(id=o.id, text=o.text) for o in options]


def learner_question(question: Question, attempt: Attempt, shuffle: bool) -> LearnerQuestionOut:
    return LearnerQuestionOut(
        id=question.id,
        type=question.type,
        prompt=question.prompt,
        options=_options(question, attempt.seed, shuffle),
        points=question.points,
    )


def _attempt_questions(version: Version, attempt: Attempt) -> list[LearnerQuestionOut]:
    found = (version.question(qid) for qid in attempt.question_ids)
    return [learner_question(q, attempt, version.settings.shuffle) for q in found if q]


def manager_question(question: Question) -> QuestionOut:
    return QuestionOut(
        id=question.id,
        type=question.type,
        prompt=question.prompt,
        options=[OptionOut(id=o.id, text=o.text) for o in question.options],
        points=question.points,
        answer=logic.authored_answer(question),
        accepted_answers=list(question.accepted_answers),
        explanation=question.explanation,
    )


def standing_out(standing: Standing, exam: Exam) -> StandingOut:
    return StandingOut(
        attempts_used=standing.attempts_used,
        attempts_left=standing.attempts_left(exam.settings),
        best_score_percent=standing.best_score_percent,
        passed=standing.passed,
        open_attempt_id=standing.open_attempt_id,
        extra_seconds=standing.extra_seconds,
        extra_attempts=standing.extra_attempts,
    )


def exam_out(
    exam: Exam,
    *,
    version: Version | None = None,
    standing: Standing | None = None,
) -> ExamOut:
    settings = exam.settings
    return ExamOut(
        id=exam.id,
        course_id=exam.course_id,
        title=settings.title,
        version=exam.version,
        required=exam.required,
        pass_percent=settings.pass_percent,
        time_limit_seconds=settings.time_limit_seconds,
        grace_seconds=settings.grace_seconds,
        max_attempts=settings.max_attempts,
        questions_per_attempt=settings.questions_per_attempt or exam.question_count,
        question_count=exam.question_count,
        shuffle=settings.shuffle,
        review_policy=settings.review_policy,
        scoring=settings.scoring,
        created_at=exam.created_at,
        updated_at=exam.updated_at,
        questions=[manager_question(q) for q in version.questions] if version else None,
        my_standing=standing_out(standing, exam) if standing is not None else None,
    )


def _results(version: Version, attempt: Attempt, allowed: bool) -> list[ResultOut]:
    if not allowed or not attempt.graded:
        return []
    grade = domain.grade(version, attempt.question_ids, attempt.answers)
    found = []
    for result in grade.results:
        question = version.question(result.question_id)
        if question is None:
            continue
        found.append(
            ResultOut(
                question_id=result.question_id,
                points=result.points,
                earned=result.earned,
                correct=result.correct,
                your_answer=attempt.answers.get(result.question_id),
                correct_answer=question.answer,
                accepted_answers=list(question.accepted_answers),
                explanation=question.explanation,
            )
        )
    return found


def _review(seen: logic.Seen, attempt: Attempt) -> bool:
    return domain.review_allowed(
        seen.version.settings.review_policy,
        attempt,
        seen.standing,
        seen.version.settings,
        manager=seen.manager,
    )


def grade_out(seen: logic.Seen, attempt: Attempt) -> GradeOut:
    allowed = _review(seen, attempt)
    return GradeOut(
        attempt_id=attempt.id,
        exam_id=attempt.exam_id,
        exam_version=attempt.version,
        score_percent=attempt.score_percent or 0.0,
        passed=bool(attempt.passed),
        submitted_at=attempt.submitted_at or "",
        graded_at=attempt.graded_at or "",
        late=attempt.late,
        auto_graded=attempt.auto_graded,
        review_available=allowed,
        results=_results(seen.version, attempt, allowed),
    )


def _summary_fields(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "exam_id": attempt.exam_id,
        "exam_version": attempt.version,
        "user_id": attempt.user_id,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "graded_at": attempt.graded_at,
        "score_percent": attempt.score_percent,
        "passed": attempt.passed,
        "late": attempt.late,
        "auto_graded": attempt.auto_graded,
    }


# -- exams -------------------------------------------------------------------------------------


@app.route(
    "POST",
    "/v1/courses/{id}/exams",
    access=COURSE_MANAGERS,
    summary="Create an exam (its question bank, pass mark, limits and review policy)",
    status=201,
    body=ExamIn,
    response=ExamOut,
    errors=(403, 404, 422),
)
def create_exam(id: str, body: ExamIn, principal: Principal) -> ExamOut:
    settings = {name: getattr(body, name) for name in SETTINGS if getattr(body, name) is not None}
    exam, version = logic.create_exam(
        principal,
        id,
        settings,
        body.required if body.required is not None else True,
        [_draft(q) for q in body.questions],
    )
    return exam_out(exam, version=version)


@app.route(
    "GET",
    "/v1/courses/{id}/exams",
    access=VIEWERS,
    summary="The course's exams (learners: with their standing; never answer keys)",
    response=ExamList,
    errors=(403, 404),
)
def list_exams(id: str, claims: dict[str, Any]) -> ExamList:
    principal, manager, exams, standings = logic.course_exams(_caller(claims, VIEWERS), id)
    items = []
    for exam in exams:
        standing = None
        if not manager:
            standing = standings.get(exam.id) or Standing(
                exam_id=exam.id, user_id=principal.user_id, course_id=exam.course_id
            )
        items.append(exam_out(exam, standing=standing))
    return ExamList(items=items)


@app.route(
    "GET",
    "/v1/exams/{exam_id}",
    access=EXAM_VIEWERS,
    summary="An exam: with its bank and answer keys for the owner and admins only",
    response=ExamOut,
    errors=(403, 404),
)
def get_exam(exam_id: str, claims: dict[str, Any]) -> ExamOut:
    seen = logic.exam_view(_caller(claims, EXAM_VIEWERS), exam_id)
    if seen.manager:
        return exam_out(seen.exam, version=seen.version)
    return exam_out(seen.exam, standing=seen.standing)


@app.route(
    "PATCH",
    "/v1/exams/{exam_id}",
    access=MANAGERS,
    summary="Change an exam; an exam with attempts gets a new version (old attempts keep theirs)",
    body=ExamPatch,
    response=ExamOut,
    errors=(403, 404, 409, 422),
)
def update_exam(exam_id: str, body: ExamPatch, claims: dict[str, Any]) -> ExamOut:
    changes = {name: getattr(body, name) for name in body.model_fields_set if name != "questions"}
    drafts = [_draft(q) for q in body.questions] if body.questions is not None else None
    seen = logic.update_exam(_caller(claims, MANAGERS), exam_id, changes, drafts)
    return exam_out(seen.exam, version=seen.version)


@app.route(
    "DELETE",
    "/v1/exams/{exam_id}",
    access=MANAGERS,
    summary="Delete an exam (one with attempts is retired: results stay, it stops counting)",
    status=204,
    errors=(403, 404, 409),
)
def delete_exam(exam_id: str, claims: dict[str, Any]) -> None:
    logic.delete_exam(_caller(claims, MANAGERS), exam_id)


@app.route(
    "PATCH",
    "/v1/exams/{exam_id}/questions/{question_id}",
    access=MANAGERS,
    summary="Correct a question's answer key in the current version, in place (then regrade)",
    body=QuestionPatch,
    response=QuestionOut,
    errors=(403, 404, 409, 422),
)
def correct_question(
    exam_id: str, question_id: str, body: QuestionPatch, claims: dict[str, Any]
) -> QuestionOut:
    _, question = logic.correct_question(
        _caller(claims, MANAGERS),
        exam_id,
        question_id,
        body.answer,
        body.accepted_answers,
        check_answer_shape,
    )
    return manager_question(question)


@app.route(
    "POST",
    "/v1/exams/{exam_id}/regrade",
    access=MANAGERS,
    summary="Regrade every attempt of the current version (asynchronously)",
    status=202,
    response=RegradeOut,
    errors=(403, 404),
)
def regrade(exam_id: str, claims: dict[str, Any]) -> RegradeOut:
    seen = logic.request_regrade(_caller(claims, MANAGERS), exam_id)
    return RegradeOut(exam_id=seen.exam.id, exam_version=seen.exam.version, status="queued")


@app.route(
    "POST",
    "/v1/exams/{exam_id}/extensions",
    access=MANAGERS,
    summary="Set a learner's extension: extra time (an attempt in progress too) and attempts",
    status=201,
    body=ExtensionIn,
    response=ExtensionOut,
    errors=(403, 404, 409, 422),
)
def grant_extension(exam_id: str, body: ExtensionIn, claims: dict[str, Any]) -> ExtensionOut:
    seen, standing, moved = logic.grant_extension(
        _caller(claims, MANAGERS), exam_id, body.user_id, body.extra_seconds, body.extra_attempts
    )
    return ExtensionOut(
        exam_id=seen.exam.id,
        user_id=standing.user_id,
        extra_seconds=standing.extra_seconds,
        extra_attempts=standing.extra_attempts,
        attempts_left=standing.attempts_left(seen.version.settings),
        open_attempt_id=standing.open_attempt_id,
        open_attempt_deadline=moved.deadline if moved else None,
    )


# -- attempts ----------------------------------------------------------------------------------


@app.route(
    "POST",
    "/v1/exams/{exam_id}/attempts",
    access=LEARNERS,
    summary="Start an attempt: the drawn questions (never the answers) and the deadline",
    status=201,
    response=AttemptStartOut,
    errors=(403, 404, 409),
)
def start_attempt(exam_id: str, claims: dict[str, Any]) -> AttemptStartOut:
    seen, attempt = logic.start_attempt(_caller(claims, LEARNERS), exam_id)
    return AttemptStartOut(
        attempt_id=attempt.id,
        exam_id=attempt.exam_id,
        exam_version=attempt.version,
        questions=_attempt_questions(seen.version, attempt),
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        grace_seconds=seen.version.settings.grace_seconds,
        attempts_left=seen.standing.attempts_left(seen.version.settings),
    )


@app.route(
    "GET",
    "/v1/exams/{exam_id}/attempts",
    access=ATTEMPT_LISTERS,
    summary="Attempts at an exam, newest first",
    query=AttemptsQuery,
    response=AttemptList,
    errors=(400, 403, 404, 422),
)
def list_attempts(exam_id: str, query: AttemptsQuery, claims: dict[str, Any]) -> AttemptList:
    _, found, cursor = logic.attempts(
        _caller(claims, ATTEMPT_LISTERS), exam_id, query.user_id, query.limit, query.cursor
    )
    return AttemptList(
        items=[AttemptSummaryOut(**_summary_fields(a)) for a in found], next_cursor=cursor
    )


@app.route(
    "GET",
    "/v1/exams/{exam_id}/attempts/{attempt_id}",
    access=ATTEMPT_VIEWERS,
    summary="An attempt: its questions and saved answers, results as the review policy allows",
    response=AttemptOut,
    errors=(403, 404),
)
def get_attempt(exam_id: str, attempt_id: str, claims: dict[str, Any]) -> AttemptOut:
    seen, attempt = logic.attempt_view(_caller(claims, ATTEMPT_VIEWERS), exam_id, attempt_id)
    allowed = _review(seen, attempt)
    return AttemptOut(
        **_summary_fields(attempt),
        questions=_attempt_questions(seen.version, attempt),
        answers=attempt.answers,
        review_available=allowed,
        results=_results(seen.version, attempt, allowed),
    )


@app.route(
    "PUT",
    "/v1/exams/{exam_id}/attempts/{attempt_id}/answers",
    access=ATTEMPT_LEARNER,
    summary="Save answers in progress (graded at the deadline if never submitted)",
    status=204,
    body=AnswersIn,
    errors=(403, 404, 409, 422),
)
def save_answers(exam_id: str, attempt_id: str, body: AnswersIn, claims: dict[str, Any]) -> None:
    logic.save_answers(_caller(claims, ATTEMPT_LEARNER), exam_id, attempt_id, body.answers)


@app.route(
    "POST",
    "/v1/exams/{exam_id}/attempts/{attempt_id}/submit",
    access=ATTEMPT_LEARNER,
    summary="Submit and grade an attempt (a second submit returns the first result)",
    body=SubmitIn,
    response=GradeOut,
    errors=(403, 404, 409, 422),
)
def submit(exam_id: str, attempt_id: str, body: SubmitIn, claims: dict[str, Any]) -> GradeOut:
    seen, attempt = logic.submit(
        _caller(claims, ATTEMPT_LEARNER), exam_id, attempt_id, body.answers
    )
    return grade_out(seen, attempt)


# -- gradebook ---------------------------------------------------------------------------------


@app.route(
    "GET",
    "/v1/courses/{id}/gradebook",
    access=MANAGERS,
    summary="Every learner by exam: best score, passed, attempts; and course progress",
    query=PageQuery,
    response=Gradebook,
    errors=(400, 403, 404, 422),
)
def gradebook(id: str, query: PageQuery, claims: dict[str, Any]) -> Gradebook:
    exams, rows, cursor = logic.gradebook(_caller(claims, MANAGERS), id, query.limit, query.cursor)
    items = []
    for row in rows:
        cells = []
        for exam in exams:
            standing = row.standings.get(exam.exam_id)
            cells.append(
                GradebookExam(
                    exam_id=exam.exam_id,
                    title=exam.title,
                    required=exam.required,
                    best_score_percent=standing.best_score_percent if standing else None,
                    passed=bool(standing and standing.passed),
                    attempts=standing.attempts_used if standing else 0,
                )
            )
        learner = row.enrollment
        items.append(
            GradebookRow(
                user=GradebookUser(
                    id=learner.user_id, name=learner.user_name, email=learner.user_email
                ),
                exams=cells,
                progress_percent=row.progress_percent,
            )
        )
    return Gradebook(items=items, next_cursor=cursor)


@app.route(
    "POST",
    "/v1/courses/{id}/gradebook/export",
    access=COURSE_MANAGERS,
    summary="Export the gradebook as CSV, asynchronously (poll GET /v1/exports/{export_id})",
    status=202,
    response=ExportAccepted,
    errors=(403, 404),
)
def export_gradebook(id: str, principal: Principal) -> ExportAccepted:
    return ExportAccepted(export_id=logic.request_export(principal, id), status="pending")


@app.route(
    "GET",
    "/v1/exports/{export_id}",
    access=signed_in(who="who asked for it, admin"),
    summary="An export's status and, once ready, a short-lived download URL",
    response=ExportOut,
    errors=(404,),
)
def get_export(export_id: str, principal: Principal) -> ExportOut:
    view = logic.export_status(principal, export_id)
    return ExportOut(
        export_id=view.export_id,
        course_id=view.course_id,
        status=view.status,  # type: ignore[arg-type]
        created_at=view.created_at,
        download_url=view.download_url,
        expires_at=view.expires_at,
    )
