"""Assessments use cases: authoring, attempts, the deadline timer, regrades, gradebook, exports.

Reads of one request stay within three round trips: the exam header with the caller's standing
(and attempt) in one BatchGetItem, then the course with the caller's enrollment and the exam
version in another (``courses.public.read_course``), then the write. A write that finds its
items changed since they were read (``Contended``) reads again, a few times, then answers 409.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from coursewave.clock import iso, new_id, now
from coursewave.errors import Conflict, Forbidden, NotFound, ValidationFailed
from coursewave.events import OutboxEvent, domain_event
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import Principal, User
from functions.assessments import domain, repository, storage
from functions.assessments.domain import (
    DELETED,
    MULTIPLE,
    SINGLE,
    Attempt,
    Exam,
    ExamIndex,
    Listed,
    Option,
    Question,
    Settings,
    Standing,
    Version,
)
from functions.courses import public as courses
from functions.courses.public import Course
from functions.enrollment import public as enrollment
from functions.enrollment.public import Enrollment

RETRIES = 4
T = TypeVar("T")
Authorize = Callable[[User | None], Principal]
SETTING_FIELDS = (
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


def _retrying(work: Callable[[], T]) -> T:
    for _ in range(RETRIES):
        try:
            return work()
        except repository.Contended:
            continue
    raise Conflict("The exam changed while we were saving; try again.")


# -- reading with access checks ----------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who calls: the token's user id, and the check of their record (``authorize_user`` with the
    route's access), applied to the record read in the route's first batch."""

    user_id: str
    authorize: Authorize


@dataclass
class Seen:
    """An exam as one caller sees it: its course, their enrollment and standing, a version."""

    principal: Principal
    exam: Exam
    course: Course
    manager: bool
    enrollment: Enrollment | None
    standing: Standing
    version: Version
    index: ExamIndex
    attempt: Attempt | None = None
    extra: dict[repository.Key, dict[str, Any]] = field(default_factory=dict)


def _read(
    caller: Caller,
    exam_id: str,
    *,
    attempt_id: str | None = None,
    learner_only: bool = False,
    managers_only: bool = False,
    first_extra: tuple[repository.Key, ...] = (),
    then_extra: Callable[
        [dict[repository.Key, dict[str, Any]]], list[repository.Key]
    ] = lambda _first: [],
) -> Seen:
    """Two BatchGetItems: the caller's record, the header, the caller's standing (and the
    attempt, and ``first_extra``), then the course, the caller's enrollment and the version (the
    attempt's, else the current one) with ``then_extra(first)``; both extras come back raw."""
    uid = caller.user_id
    user_key = repository.user_key(uid)
    first_keys = [user_key, repository.exam_key(exam_id), repository.standing_key(exam_id, uid)]
    if attempt_id is not None:
        first_keys.append(repository.attempt_key(attempt_id))
    first = repository.fetch([*first_keys, *first_extra])
    principal = caller.authorize(repository.decode_user(first.get(user_key)))
    exam = repository.decode_exam(first.get(repository.exam_key(exam_id)))
    if exam is None or exam.status == DELETED:
        raise NotFound("No such exam.")
    attempt = None
    if attempt_id is not None:
        attempt = repository.decode_attempt(first.get(repository.attempt_key(attempt_id)))
        if attempt is None or attempt.exam_id != exam.id:
            raise NotFound("No such attempt.")
    number = attempt.version if attempt is not None else exam.version
    version_key = repository.version_key(exam.id, number)
    enrollment_key = enrollment.enrollment_key(uid, exam.course_id)
    later = then_extra(first)
    index_key = repository.index_key(exam.course_id)
    found = courses.read_course(
        exam.course_id, lambda _cid: [enrollment_key, version_key, index_key, *later]
    )
    course = found.course
    if course is None:
        raise NotFound("No such exam.")
    manager = courses.is_manager(course, principal)
    active = enrollment.decode_enrollment(found.extra.get(enrollment_key))
    if active is not None and active.is_revoked:
        active = None
    if managers_only and not manager:
        courses.visible(course, principal, enrolled=active is not None)
        raise Forbidden("Only the course's instructor or an admin may change its exams.")
    if not manager or learner_only:
        courses.visible(course, principal, enrolled=active is not None)
        if active is None:
            if manager:
                raise Forbidden("Attempts are for enrolled learners.", code="NOT_ENROLLED")
            raise Forbidden("Enroll in the course to take its exams.", code="NOT_ENROLLED")
    if attempt is not None and attempt.user_id != uid and (learner_only or not manager):
        raise NotFound("No such attempt.")
    version = repository.decode_version(found.extra.get(version_key))
    if version is None:
        raise NotFound("No such exam.")
    standing = repository.decode_standing(
        first.get(repository.standing_key(exam_id, uid)), exam.id, uid, exam.course_id
    )
    extra = {k: first[k] for k in first_extra if k in first}
    extra.update({k: found.extra[k] for k in later if k in found.extra})
    index = repository.decode_index(found.extra.get(index_key), exam.course_id)
    return Seen(principal, exam, course, manager, active, standing, version, index, attempt, extra)


def _managed(caller: Caller, exam_id: str, **extra: Any) -> Seen:
    return _read(caller, exam_id, managers_only=True, **extra)


# -- authoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionDraft:
    type: str
    prompt: str
    options: list[str] | None
    answer: Any
    accepted_answers: list[str] | None
    points: float
    explanation: str | None


def _question(draft: QuestionDraft) -> Question:
    options = tuple(Option(domain.new_option_id(), text) for text in draft.options or ())
    return Question(
        id=new_id("q_"),
        type=draft.type,
        prompt=draft.prompt,
        points=draft.points,
        options=options,
        answer=_stored_answer(draft.type, options, draft.answer),
        accepted_answers=tuple(draft.accepted_answers or ()),
        explanation=draft.explanation,
    )


def _stored_answer(kind: str, options: tuple[Option, ...], answer: Any) -> Any:
    """The key as stored: option ids instead of the author's indexes."""
    if kind == SINGLE:
        return options[answer].id
    if kind == MULTIPLE:
        return sorted(options[i].id for i in answer)
    return answer


def authored_answer(question: Question) -> Any:
    """The key as authors send it: indexes of options."""
    if question.type == SINGLE:
        return question.option_index(question.answer)
    if question.type == MULTIPLE:
        return sorted(question.option_index(oid) for oid in question.answer)
    return question.answer


def create_exam(
    principal: Principal,
    course_id: str,
    settings: dict[str, Any],
    required: bool,
    drafts: list[QuestionDraft],
) -> tuple[Exam, Version]:
    index_key = repository.index_key(course_id)
    found = courses.read_course(course_id, lambda _cid: [index_key])
    if found.course_id != course_id:
        raise NotFound("No such course.")
    course = courses.managed(found.course, principal)
    index = repository.decode_index(found.extra.get(index_key), course.id)
    questions = tuple(_question(draft) for draft in drafts)
    exam_settings = Settings(**settings)
    domain.check_settings(exam_settings, len(questions))
    moment = iso(now())
    exam_id = new_id("exm_")
    version = Version(exam_id, 1, exam_settings, questions, moment)
    exam = Exam(
        id=exam_id,
        course_id=course.id,
        required=required,
        version=1,
        settings=exam_settings,
        question_count=len(questions),
        created_at=moment,
        updated_at=moment,
        created_by=principal.user_id,
    )
    repository.create_exam(exam, version, index)
    return exam, version


def exam_view(caller: Caller, exam_id: str) -> Seen:
    return _read(caller, exam_id)


def course_exams(
    caller: Caller, course_id: str
) -> tuple[Principal, bool, list[Exam], dict[str, Standing]]:
    """The course's exams (enrolled, owner, admin) and, for a learner, their standings: the
    caller's record with the course and enrollment, the exams, the standings."""
    key = enrollment.enrollment_key(caller.user_id, course_id)
    user_key = repository.user_key(caller.user_id)
    index_key = repository.index_key(course_id)
    found = courses.read_course(course_id, lambda _cid: [key, index_key], first=[user_key])
    principal = caller.authorize(repository.decode_user(found.extra.get(user_key)))
    if found.course is None or found.course_id != course_id:
        raise NotFound("No such course.")
    manager = courses.is_manager(found.course, principal)
    active = enrollment.decode_enrollment(found.extra.get(key))
    enrolled = active is not None and not active.is_revoked
    courses.visible(found.course, principal, enrolled=enrolled)
    if not manager and not enrolled:
        raise Forbidden("Enroll in the course to see its exams.", code="NOT_ENROLLED")
    index = repository.decode_index(found.extra.get(index_key), course_id)
    ids = [listed.exam_id for listed in index.exams]
    if not ids:
        return principal, manager, [], {}
    by_id, standings = repository.exams_and_standings(ids, None if manager else caller.user_id)
    return principal, manager, [by_id[i] for i in ids if i in by_id], standings


def update_exam(
    caller: Caller,
    exam_id: str,
    changes: dict[str, Any],
    drafts: list[QuestionDraft] | None,
) -> Seen:
    """New settings and/or a new bank: a new version when the exam has attempts, else the
    current version rewritten. ``required`` alone changes the header only."""

    def attempt_update() -> Seen:
        seen = _managed(caller, exam_id)
        exam, current = seen.exam, seen.version
        settings = replace(
            current.settings, **{k: v for k, v in changes.items() if k != "required"}
        )
        questions = tuple(_question(d) for d in drafts) if drafts is not None else current.questions
        domain.check_settings(settings, len(questions))
        moment = iso(now())
        versioned = drafts is not None or settings != current.settings
        version = None
        if versioned:
            number = exam.version + 1 if domain.needs_new_version(exam) else exam.version
            version = Version(exam.id, number, settings, questions, moment)
        after = replace(
            exam,
            required=changes.get("required", exam.required),
            version=version.number if version else exam.version,
            settings=settings,
            question_count=len(questions),
            updated_at=moment,
        )
        repository.save_exam(exam, after, version, seen.index)
        return replace(seen, exam=after, version=version or current)

    return _retrying(attempt_update)


def delete_exam(caller: Caller, exam_id: str) -> None:
    """An exam nobody attempted is removed; one with attempts is retired (its results stay in
    the learners' history, and it no longer counts toward completion)."""

    def attempt_delete() -> None:
        seen = _managed(caller, exam_id)
        exam = seen.exam
        if exam.attempts_started:
            retired = replace(exam, status=DELETED, updated_at=iso(now()))
            repository.save_exam(exam, retired, None, seen.index)
        else:
            repository.delete_exam(exam, exam.version, seen.index)

    _retrying(attempt_delete)


def correct_question(
    caller: Caller,
    exam_id: str,
    question_id: str,
    answer: Any,
    accepted_answers: list[str] | None,
    check: Callable[[str, list[str] | None, Any, list[str] | None], None],
) -> tuple[Seen, Question]:
    """Fix a question's answer key in the current version, in place (then regrade)."""

    def attempt_fix() -> tuple[Seen, Question]:
        seen = _managed(caller, exam_id)
        question = seen.version.question(question_id)
        if question is None:
            raise NotFound("No such question in the exam's current version.")
        texts = [option.text for option in question.options] or None
        try:
            check(question.type, texts, answer, accepted_answers)
        except ValueError as exc:
            raise ValidationFailed.for_field("answer", str(exc)) from exc
        fixed = domain.with_answer_key(
            question,
            _stored_answer(question.type, question.options, answer),
            tuple(accepted_answers) if accepted_answers is not None else None,
        )
        questions = tuple(fixed if q.id == question_id else q for q in seen.version.questions)
        version = replace(seen.version, questions=questions)
        repository.patch_question(seen.exam, version)
        return replace(seen, version=version), fixed

    return _retrying(attempt_fix)


# -- attempts ----------------------------------------------------------------------------------


def start_attempt(caller: Caller, exam_id: str) -> tuple[Seen, Attempt]:
    def attempt_start() -> tuple[Seen, Attempt]:
        seen = _read(caller, exam_id, learner_only=True)
        settings, standing = seen.version.settings, seen.standing
        domain.check_can_start(standing, settings)
        seed = domain.new_seed()
        started = now()
        deadline, fires_at = domain.timing(started, settings, standing.extra_seconds)
        attempt = Attempt(
            id=new_id("att_"),
            exam_id=seen.exam.id,
            version=seen.version.number,
            course_id=seen.exam.course_id,
            user_id=caller.user_id,
            seed=seed,
            question_ids=domain.draw(seen.version, seed),
            started_at=iso(started),
            deadline=deadline,
            fires_at=fires_at,
        )
        after = replace(
            standing, attempts_used=standing.attempts_used + 1, open_attempt_id=attempt.id
        )
        events = [_deadline_event(attempt)] if attempt.deadline else []
        repository.start_attempt(seen.exam, standing, after, attempt, events)
        return replace(seen, standing=after), attempt

    return _retrying(attempt_start)


def _deadline_event(attempt: Attempt) -> OutboxEvent:
    return domain_event(
        "assessments",
        "ExamDeadlineSet",
        {
            "exam_id": attempt.exam_id,
            "attempt_id": attempt.id,
            "user_id": attempt.user_id,
            "deadline": attempt.deadline,
            "fires_at": attempt.fires_at,
        },
    )


def save_answers(caller: Caller, exam_id: str, attempt_id: str, answers: dict[str, Any]) -> None:
    seen = _read(caller, exam_id, attempt_id=attempt_id, learner_only=True)
    attempt = _own_attempt(seen)
    if attempt.graded or domain.overdue(attempt, now()):
        raise Conflict("This attempt is closed.", code="ATTEMPT_CLOSED")
    domain.check_answers(seen.version, attempt.question_ids, answers)
    merged = {**attempt.answers, **answers}
    try:
        repository.save_answers(replace(attempt, answers=merged))
    except repository.Contended as exc:
        raise Conflict("This attempt is closed.", code="ATTEMPT_CLOSED") from exc


def _own_attempt(seen: Seen) -> Attempt:
    if seen.attempt is None:
        raise NotFound("No such attempt.")
    return seen.attempt


def submit(
    caller: Caller, exam_id: str, attempt_id: str, answers: dict[str, Any]
) -> tuple[Seen, Attempt]:
    """Grade at once; a second submit returns the first result; a late one is graded as
    submitted at the deadline with the answers saved by then."""

    def attempt_submit() -> tuple[Seen, Attempt]:
        seen = _read(caller, exam_id, attempt_id=attempt_id, learner_only=True)
        attempt = _own_attempt(seen)
        if attempt.graded:
            return seen, attempt
        domain.check_answers(seen.version, attempt.question_ids, answers)
        graded, standing = _finalize(seen.exam, seen.version, attempt, seen.standing, answers)
        return replace(seen, standing=standing, attempt=graded), graded

    return _retrying(attempt_submit)


def _result_events(
    exam: Exam, version: Version, attempt: Attempt, *, regraded: bool
) -> list[OutboxEvent]:
    name = "ExamPassed" if attempt.passed else "ExamFailed"
    return [
        domain_event(
            "assessments",
            name,
            {
                "exam_id": exam.id,
                "exam_version": attempt.version,
                "attempt_id": attempt.id,
                "course_id": exam.course_id,
                "user_id": attempt.user_id,
                "score_percent": attempt.score_percent,
                "passed": bool(attempt.passed),
                "required": exam.required,
                "pass_percent": version.settings.pass_percent,
                "graded_at": attempt.graded_at,
                "regraded": regraded,
            },
        )
    ]


def _finalize(
    exam: Exam,
    version: Version,
    attempt: Attempt,
    standing: Standing,
    answers: dict[str, Any] | None,
    moment: datetime | None = None,
) -> tuple[Attempt, Standing]:
    moment = moment or now()
    sent = domain.submission(attempt, answers, moment)
    result = domain.grade(version, attempt.question_ids, sent.answers)
    graded = domain.graded_attempt(attempt, result, sent, moment, auto=answers is None)
    better = standing.best_score_percent is None or (
        (graded.passed, graded.score_percent) > (standing.passed, standing.best_score_percent)
    )
    after = replace(
        standing,
        open_attempt_id=None
        if standing.open_attempt_id == attempt.id
        else standing.open_attempt_id,
        best_score_percent=max(standing.best_score_percent or 0.0, result.score_percent),
        passed=standing.passed or result.passed,
        best_attempt_id=attempt.id if better else standing.best_attempt_id,
    )
    submitted = domain_event(
        "assessments",
        "ExamSubmitted",
        {
            "exam_id": exam.id,
            "exam_version": attempt.version,
            "attempt_id": attempt.id,
            "course_id": exam.course_id,
            "user_id": attempt.user_id,
            "score_percent": graded.score_percent,
            "passed": bool(graded.passed),
            "submitted_at": graded.submitted_at,
            "graded_at": graded.graded_at,
            "auto_graded": graded.auto_graded,
            "late": graded.late,
        },
    )
    events = [submitted, *_result_events(exam, version, graded, regraded=False)]
    repository.finalize(graded, standing, after, events)
    return graded, after


def attempt_view(caller: Caller, exam_id: str, attempt_id: str) -> tuple[Seen, Attempt]:
    """The attempt (its learner's own; owner and admin: anyone's), with the standing of the
    attempt's learner (review policies depend on it)."""
    seen = _read(caller, exam_id, attempt_id=attempt_id)
    attempt = _own_attempt(seen)
    if attempt.user_id != caller.user_id:
        raw = repository.fetch([repository.standing_key(exam_id, attempt.user_id)])
        standing = repository.decode_standing(
            raw.get(repository.standing_key(exam_id, attempt.user_id)),
            exam_id,
            attempt.user_id,
            attempt.course_id,
        )
        seen = replace(seen, standing=standing)
    return seen, attempt


def attempts(
    caller: Caller, exam_id: str, user_id: str | None, limit: int, cursor: str | None
) -> tuple[Seen, list[Attempt], str | None]:
    """Learners: their own attempts; owner and admin: everyone's (or one learner's)."""
    seen = _read(caller, exam_id)
    if not seen.manager:
        if user_id not in (None, caller.user_id):
            raise Forbidden("Learners see their own attempts only.")
        user_id = caller.user_id
    start = decode_cursor(
        cursor,
        key_names={"PK", "SK", "GSI1PK", "GSI1SK"},
        fixed={"GSI1PK": repository.attempts_partition(exam_id)},
    )
    foreign = start is not None and not start["GSI1SK"]["S"].startswith(f"{user_id}#")
    if user_id is not None and foreign:
        raise ValidationFailed.for_field("cursor", "does not belong to this list")
    found, last = repository.attempts_page(exam_id, user_id, limit, start)
    return seen, found, encode_cursor(last)


# -- the timer ---------------------------------------------------------------------------------


def deadline_reached(attempt_id: str, fires_at: str, moment: datetime | None = None) -> bool:
    """The exam timer's message: grade the attempt at its deadline if nobody submitted it and
    this timer is still the current one (an extension moves ``fires_at`` and starts another).
    True if this call graded it."""

    def attempt_grade() -> bool:
        raw = repository.fetch([repository.attempt_key(attempt_id)])
        attempt = repository.decode_attempt(raw.get(repository.attempt_key(attempt_id)))
        if attempt is None or attempt.graded or attempt.fires_at != fires_at:
            return False
        keys = [
            repository.exam_key(attempt.exam_id),
            repository.version_key(attempt.exam_id, attempt.version),
            repository.standing_key(attempt.exam_id, attempt.user_id),
        ]
        found = repository.fetch(keys)
        exam = repository.decode_exam(found.get(keys[0]))
        version = repository.decode_version(found.get(keys[1]))
        if exam is None or version is None:
            return False
        standing = repository.decode_standing(
            found.get(keys[2]), attempt.exam_id, attempt.user_id, attempt.course_id
        )
        _finalize(exam, version, attempt, standing, None, moment)
        return True

    return _retrying(attempt_grade)


# -- extensions and regrades -------------------------------------------------------------------


def grant_extension(
    caller: Caller,
    exam_id: str,
    user_id: str,
    extra_seconds: int | None,
    extra_attempts: int | None,
) -> tuple[Seen, Standing, Attempt | None]:
    """Set a learner's extension (the values given replace the previous ones); an attempt in
    progress gets its new deadline and a new timer at once. The learner's standing comes with
    the first batch, their enrollment and open attempt with the second."""
    standing_key = repository.standing_key(exam_id, user_id)

    def later(first: dict[repository.Key, dict[str, Any]]) -> list[repository.Key]:
        exam = repository.decode_exam(first.get(repository.exam_key(exam_id)))
        if exam is None:
            return []
        found = repository.decode_standing(first.get(standing_key), exam_id, user_id, "")
        keys = [enrollment.enrollment_key(user_id, exam.course_id)]
        if found.open_attempt_id:
            keys.append(repository.attempt_key(found.open_attempt_id))
        return keys

    def attempt_grant() -> tuple[Seen, Standing, Attempt | None]:
        seen = _managed(caller, exam_id, first_extra=(standing_key,), then_extra=later)
        learner_key = enrollment.enrollment_key(user_id, seen.exam.course_id)
        learner = enrollment.decode_enrollment(seen.extra.get(learner_key))
        if learner is None or learner.is_revoked:
            raise ValidationFailed.for_field("user_id", "is not enrolled in the course")
        before = repository.decode_standing(
            seen.extra.get(standing_key), exam_id, user_id, seen.exam.course_id
        )
        after = replace(
            before,
            extra_seconds=before.extra_seconds if extra_seconds is None else extra_seconds,
            extra_attempts=before.extra_attempts if extra_attempts is None else extra_attempts,
        )
        open_key = repository.attempt_key(before.open_attempt_id or "")
        open_attempt = repository.decode_attempt(seen.extra.get(open_key))
        moved = domain.retimed(open_attempt, after.extra_seconds - before.extra_seconds)
        events = [_deadline_event(moved)] if moved else []
        repository.save_standing(before, after, moved, events)
        return seen, after, moved

    return _retrying(attempt_grant)


def request_regrade(caller: Caller, exam_id: str) -> Seen:
    seen = _managed(caller, exam_id)
    repository.save_event(
        domain_event(
            "assessments",
            "ExamRegradeRequested",
            {
                "exam_id": seen.exam.id,
                "exam_version": seen.exam.version,
                "course_id": seen.exam.course_id,
                "requested_by": caller.user_id,
                "requested_at": iso(now()),
            },
        )
    )
    return seen


def regrade(exam_id: str, number: int) -> int:
    """Recompute every graded attempt of the version against its (corrected) key; attempts whose
    pass/fail changed get ExamPassed/ExamFailed (``regraded``); each affected learner's best
    is recomputed over all their attempts. Idempotent: a repeat changes nothing. Returns the
    number of attempts whose grade changed."""
    keys = [repository.exam_key(exam_id), repository.version_key(exam_id, number)]
    found = repository.fetch(keys)
    exam = repository.decode_exam(found.get(keys[0]))
    version = repository.decode_version(found.get(keys[1]))
    if exam is None or version is None:
        return 0
    by_learner: dict[str, list[Attempt]] = {}
    changed_learners: set[str] = set()
    changed = 0
    for attempt in repository.exam_attempts(exam_id):
        current = attempt
        if attempt.version == number and attempt.graded and not attempt.erased:
            result = domain.grade(version, attempt.question_ids, attempt.answers)
            if (result.score_percent, result.passed) != (attempt.score_percent, attempt.passed):
                current = replace(
                    attempt,
                    score_percent=result.score_percent,
                    passed=result.passed,
                    points_earned=result.points_earned,
                    points_total=result.points_total,
                )
                flipped = result.passed != attempt.passed
                events = _result_events(exam, version, current, regraded=True) if flipped else []
                repository.save_regraded(attempt, current, events)
                changed += 1
                changed_learners.add(attempt.user_id)
        by_learner.setdefault(attempt.user_id, []).append(current)
    for user_id in changed_learners:
        _retrying(lambda uid=user_id: _restand(exam, uid, by_learner[uid]))
    return changed


def _restand(exam: Exam, user_id: str, attempts_: list[Attempt]) -> None:
    key = repository.standing_key(exam.id, user_id)
    before = repository.decode_standing(
        repository.fetch([key]).get(key), exam.id, user_id, exam.course_id
    )
    after = domain.standing_after(before, attempts_)
    if after != before:
        repository.save_standing(before, after)


# -- gradebook and exports ---------------------------------------------------------------------


@dataclass(frozen=True)
class GradebookRow:
    enrollment: Enrollment
    progress_percent: int
    standings: dict[str, Standing]


def gradebook(
    caller: Caller, course_id: str, limit: int, cursor: str | None
) -> tuple[list[Listed], list[GradebookRow], str | None]:
    """A page of the course's learners by its exams (owner, admin): the caller's record with the
    course and its exam index, the roster page, the page's standings (three round trips)."""
    user_key = repository.user_key(caller.user_id)
    index_key = repository.index_key(course_id)
    found = courses.read_course(course_id, lambda _cid: [index_key], first=[user_key])
    principal = caller.authorize(repository.decode_user(found.extra.get(user_key)))
    if found.course_id != course_id:
        raise NotFound("No such course.")
    course = courses.managed(found.course, principal)
    exams = list(repository.decode_index(found.extra.get(index_key), course_id).exams)
    learners, next_cursor = enrollment.roster_page(course_id, limit, cursor)
    standings = repository.standings([e.exam_id for e in exams], [e.user_id for e in learners])
    rows = [
        GradebookRow(
            enrollment=learner,
            progress_percent=learner.percent(course),
            standings={eid: s for (eid, uid), s in standings.items() if uid == learner.user_id},
        )
        for learner in learners
    ]
    return exams, rows, next_cursor


def request_export(principal: Principal, course_id: str) -> str:
    course = courses.managed(courses.course(course_id), principal)
    export_id = new_id("exp_")
    moment = iso(now())
    event = domain_event(
        "assessments",
        "GradebookExportRequested",
        {
            "export_id": export_id,
            "course_id": course.id,
            "requested_by": principal.user_id,
            "requested_at": moment,
        },
    )
    repository.create_export(export_id, course.id, principal.user_id, moment, event)
    return export_id


@dataclass(frozen=True)
class ExportView:
    export_id: str
    course_id: str
    status: str
    created_at: str
    download_url: str | None
    expires_at: str | None


def export_status(principal: Principal, export_id: str) -> ExportView:
    """Who asked for it, or an admin; anyone else gets 404."""
    item = repository.get_export(export_id)
    if item is None or (item.requested_by != principal.user_id and not principal.is_admin):
        raise NotFound("No such export.")
    url = expires = None
    if item.status == "ready" and item.object_key:
        url = storage.download_url(item.object_key)
        expires = iso(now() + timedelta(seconds=storage.DOWNLOAD_SECONDS))
    return ExportView(item.export_id, item.course_id, item.status, item.created_at, url, expires)


CSV_HEADER = ["user_id", "name", "email", "progress_percent"]


def write_export(export_id: str, course_id: str) -> None:
    """The whole gradebook as CSV (one row per learner; per exam: best score, passed,
    attempts), written to the exports bucket; the export becomes ready."""
    item = repository.get_export(export_id)
    if item is None or item.status != "pending":
        return
    course = courses.course(course_id)
    if course is None:
        repository.finish_export(export_id, "failed", None, iso(now()))
        return
    exams = list(repository.course_index(course_id).exams)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = list(CSV_HEADER)
    for exam in exams:
        header += [f"{exam.title} — best %", f"{exam.title} — passed", f"{exam.title} — attempts"]
    writer.writerow(header)
    page: list[Enrollment] = []
    learners = enrollment.course_learners(course_id)
    for learner in learners:
        page.append(learner)
        if len(page) == 50:
            _write_rows(writer, course, exams, page)
            page = []
    _write_rows(writer, course, exams, page)
    key = f"gradebooks/{course_id}/{export_id}.csv"
    storage.put_csv(key, buffer.getvalue().encode("utf-8-sig"), f"gradebook-{course.slug}.csv")
    repository.finish_export(export_id, "ready", key, iso(now()))


def _write_rows(
    writer: Any, course: Course, exams: list[Listed], learners: list[Enrollment]
) -> None:
    if not learners:
        return
    found = repository.standings([e.exam_id for e in exams], [e.user_id for e in learners])
    for learner in learners:
        row = [
            learner.user_id,
            _cell(learner.user_name),
            _cell(learner.user_email),
            learner.percent(course),
        ]
        for exam in exams:
            standing = found.get((exam.exam_id, learner.user_id))
            row += [
                ""
                if standing is None or standing.best_score_percent is None
                else standing.best_score_percent,
                "yes" if standing is not None and standing.passed else "no",
                standing.attempts_used if standing is not None else 0,
            ]
        writer.writerow(row)


def _cell(text: str) -> str:
    """A spreadsheet would run a cell that starts like a formula: quote it (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# -- account deletion --------------------------------------------------------------------------


def erase_learner(user_id: str) -> int:
    """A deleted learner's written answers are erased from their attempts (scores stay, keyed by
    the user id only); returns how many attempts changed (0 on a repeat)."""
    return sum(
        repository.erase_answers(attempt) for attempt in repository.learner_attempts(user_id)
    )
