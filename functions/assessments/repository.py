"""Assessments data access (docs/data-model.md, "Assessments").

- ``EXAM#<id> / EXAM`` — the header: course, ``required``, current version and its settings.
- ``EXAMS#<cid> / INDEX`` — the course's active exams (id, title, required), written with every
  header change in the same transaction (conditional on its ``revision``).
- ``EXAM#<id> / VERSION#<n:06d>`` — one version: settings and the question bank (JSON).
- ``EXAM#<id> / LEARNER#<uid>`` — a learner's standing: attempts used, extensions, the open
  attempt, the best score and whether any attempt passed. Every write is a Put conditional on
  its ``revision`` (optimistic): concurrent starts cannot both take the last attempt.
- ``ATTEMPT#<id> / ATTEMPT`` — an attempt. GSI1 ``EXAM#<eid>#ATTEMPTS`` /
  ``<uid>#<started_at>#<id>`` (an exam's attempts, a learner's attempts at it),
  GSI2 ``USER#<uid>#ATTEMPTS`` / ``<started_at>#<id>`` (everything a learner wrote, for erasure).
- ``EXPORT#<id> / EXPORT`` — a gradebook export request and its result (TTL 7 days).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from datetime import timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import TransactWriteError, UpdateError

from coursewave.clock import now
from coursewave.db import Item, Key, connection, decode, key, keyed, transaction
from coursewave.events import OutboxEvent
from coursewave.users import PROFILE, User
from functions.assessments.domain import (
    ACTIVE,
    DELETED,
    IN_PROGRESS,
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

Raw = dict[str, Any]
EXPORT_TTL = timedelta(days=7)
BATCH_LIMIT = 100


class Contended(Exception):
    """A conditional write found the items changed since they were read: read again, retry."""


class ExamItem(Item, discriminator="Exam"):
    exam_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    required = BooleanAttribute()
    version = NumberAttribute()
    settings = UnicodeAttribute()  # JSON of domain.Settings
    question_count = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    status = UnicodeAttribute(default=ACTIVE)
    attempts_started = NumberAttribute(default=0)

    @staticmethod
    def key_of(exam_id: str) -> Key:
        return key("EXAM", exam_id), "EXAM"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.exam_id)
        return {"PK": pk, "SK": sk}


class ExamIndexItem(Item, discriminator="ExamIndex"):
    course_id = UnicodeAttribute()
    exams = UnicodeAttribute()  # JSON list of domain.Listed
    revision = NumberAttribute(default=0)

    @staticmethod
    def key_of(course_id: str) -> Key:
        return key("EXAMS", course_id), "INDEX"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.course_id)
        return {"PK": pk, "SK": sk}


class VersionItem(Item, discriminator="ExamVersion"):
    exam_id = UnicodeAttribute()
    number = NumberAttribute()
    settings = UnicodeAttribute()
    questions = UnicodeAttribute()  # JSON list of domain.Question
    created_at = UnicodeAttribute()

    @staticmethod
    def key_of(exam_id: str, number: int) -> Key:
        return key("EXAM", exam_id), key("VERSION", f"{number:06d}")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.exam_id, int(self.number))
        return {"PK": pk, "SK": sk}


class StandingItem(Item, discriminator="ExamStanding"):
    exam_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    attempts_used = NumberAttribute(default=0)
    extra_attempts = NumberAttribute(default=0)
    extra_seconds = NumberAttribute(default=0)
    open_attempt_id = UnicodeAttribute(null=True)
    best_score_percent = NumberAttribute(null=True)
    passed = BooleanAttribute(default=False)
    best_attempt_id = UnicodeAttribute(null=True)
    revision = NumberAttribute(default=0)

    @staticmethod
    def key_of(exam_id: str, user_id: str) -> Key:
        return key("EXAM", exam_id), key("LEARNER", user_id)

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.exam_id, self.user_id)
        return {"PK": pk, "SK": sk}


class AttemptItem(Item, discriminator="ExamAttempt"):
    attempt_id = UnicodeAttribute()
    exam_id = UnicodeAttribute()
    version = NumberAttribute()
    course_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    seed = UnicodeAttribute()
    question_ids = UnicodeAttribute()  # JSON list, in the order the attempt shows them
    started_at = UnicodeAttribute()
    deadline = UnicodeAttribute(null=True)
    fires_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    answers = UnicodeAttribute(default="{}")  # JSON
    submitted_at = UnicodeAttribute(null=True)
    graded_at = UnicodeAttribute(null=True)
    score_percent = NumberAttribute(null=True)
    passed = BooleanAttribute(null=True)
    points_earned = NumberAttribute(null=True)
    points_total = NumberAttribute(null=True)
    auto_graded = BooleanAttribute(default=False)
    late = BooleanAttribute(default=False)
    erased = BooleanAttribute(default=False)

    @staticmethod
    def key_of(attempt_id: str) -> Key:
        return key("ATTEMPT", attempt_id), "ATTEMPT"

    @staticmethod
    def exam_partition(exam_id: str) -> str:
        return key("EXAM", exam_id, "ATTEMPTS")

    @staticmethod
    def user_partition(user_id: str) -> str:
        return key("USER", user_id, "ATTEMPTS")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.attempt_id)
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.exam_partition(self.exam_id),
            "GSI1SK": f"{self.user_id}#{self.started_at}#{self.attempt_id}",
            "GSI2PK": self.user_partition(self.user_id),
            "GSI2SK": f"{self.started_at}#{self.attempt_id}",
        }


class ExportItem(Item, discriminator="GradebookExport"):
    export_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | ready | failed
    object_key = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)

    @staticmethod
    def key_of(export_id: str) -> Key:
        return key("EXPORT", export_id), "EXPORT"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.export_id)
        return {"PK": pk, "SK": sk}


# -- mapping -----------------------------------------------------------------------------------


def _settings_json(settings: Settings) -> str:
    return json.dumps(asdict(settings), separators=(",", ":"))


def _settings(raw: str) -> Settings:
    return Settings(**json.loads(raw))


def _questions_json(questions: tuple[Question, ...]) -> str:
    return json.dumps([asdict(q) for q in questions], separators=(",", ":"))


def _questions(raw: str) -> tuple[Question, ...]:
    found = []
    for data in json.loads(raw):
        options = tuple(Option(**option) for option in data.pop("options"))
        accepted = tuple(data.pop("accepted_answers"))
        found.append(Question(options=options, accepted_answers=accepted, **data))
    return tuple(found)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def to_exam(item: ExamItem) -> Exam:
    return Exam(
        id=item.exam_id,
        course_id=item.course_id,
        required=bool(item.required),
        version=int(item.version),
        settings=_settings(item.settings),
        question_count=int(item.question_count),
        created_at=item.created_at,
        updated_at=item.updated_at,
        created_by=item.created_by,
        status=item.status,
        attempts_started=int(item.attempts_started or 0),
    )


def _exam_item(exam: Exam) -> ExamItem:
    return ExamItem(
        exam_id=exam.id,
        course_id=exam.course_id,
        required=exam.required,
        version=exam.version,
        settings=_settings_json(exam.settings),
        question_count=exam.question_count,
        created_at=exam.created_at,
        updated_at=exam.updated_at,
        created_by=exam.created_by,
        status=exam.status,
        attempts_started=exam.attempts_started,
    )


def to_version(item: VersionItem) -> Version:
    return Version(
        exam_id=item.exam_id,
        number=int(item.number),
        settings=_settings(item.settings),
        questions=_questions(item.questions),
        created_at=item.created_at,
    )


def _version_item(version: Version) -> VersionItem:
    return VersionItem(
        exam_id=version.exam_id,
        number=version.number,
        settings=_settings_json(version.settings),
        questions=_questions_json(version.questions),
        created_at=version.created_at,
    )


def to_standing(item: StandingItem) -> Standing:
    return Standing(
        exam_id=item.exam_id,
        user_id=item.user_id,
        course_id=item.course_id,
        attempts_used=int(item.attempts_used or 0),
        extra_attempts=int(item.extra_attempts or 0),
        extra_seconds=int(item.extra_seconds or 0),
        open_attempt_id=item.open_attempt_id,
        best_score_percent=_number(item.best_score_percent),
        passed=bool(item.passed),
        best_attempt_id=item.best_attempt_id,
        revision=int(item.revision or 0),
        exists=True,
    )


def _standing_item(standing: Standing) -> StandingItem:
    return StandingItem(
        exam_id=standing.exam_id,
        user_id=standing.user_id,
        course_id=standing.course_id,
        attempts_used=standing.attempts_used,
        extra_attempts=standing.extra_attempts,
        extra_seconds=standing.extra_seconds,
        open_attempt_id=standing.open_attempt_id,
        best_score_percent=standing.best_score_percent,
        passed=standing.passed,
        best_attempt_id=standing.best_attempt_id,
        revision=standing.revision + 1,
    )


def to_attempt(item: AttemptItem) -> Attempt:
    return Attempt(
        id=item.attempt_id,
        exam_id=item.exam_id,
        version=int(item.version),
        course_id=item.course_id,
        user_id=item.user_id,
        seed=item.seed,
        question_ids=tuple(json.loads(item.question_ids)),
        started_at=item.started_at,
        deadline=item.deadline,
        fires_at=item.fires_at,
        status=item.status,
        answers=json.loads(item.answers or "{}"),
        submitted_at=item.submitted_at,
        graded_at=item.graded_at,
        score_percent=_number(item.score_percent),
        passed=item.passed,
        points_earned=_number(item.points_earned),
        points_total=_number(item.points_total),
        auto_graded=bool(item.auto_graded),
        late=bool(item.late),
        erased=bool(item.erased),
    )


def _attempt_item(attempt: Attempt) -> AttemptItem:
    return AttemptItem(
        attempt_id=attempt.id,
        exam_id=attempt.exam_id,
        version=attempt.version,
        course_id=attempt.course_id,
        user_id=attempt.user_id,
        seed=attempt.seed,
        question_ids=json.dumps(list(attempt.question_ids)),
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        fires_at=attempt.fires_at,
        status=attempt.status,
        answers=json.dumps(attempt.answers, separators=(",", ":"), ensure_ascii=False),
        submitted_at=attempt.submitted_at,
        graded_at=attempt.graded_at,
        score_percent=attempt.score_percent,
        passed=attempt.passed,
        points_earned=attempt.points_earned,
        points_total=attempt.points_total,
        auto_graded=attempt.auto_graded,
        late=attempt.late,
        erased=attempt.erased,
    )


# -- keys and reads ----------------------------------------------------------------------------


def exam_key(exam_id: str) -> Key:
    return ExamItem.key_of(exam_id)


def version_key(exam_id: str, number: int) -> Key:
    return VersionItem.key_of(exam_id, number)


def standing_key(exam_id: str, user_id: str) -> Key:
    return StandingItem.key_of(exam_id, user_id)


def attempt_key(attempt_id: str) -> Key:
    return AttemptItem.key_of(attempt_id)


def user_key(user_id: str) -> Key:
    """The caller's user record, read in a route's first batch (``authorize_user`` checks it)."""
    return User.pk(user_id), PROFILE


def decode_user(raw: Raw | None) -> User | None:
    return decode(User, raw)


def fetch(keys: Iterable[Key]) -> dict[Key, Raw]:
    """Consistent BatchGetItems (100 keys each, unprocessed keys retried), raw by key."""
    wanted = list(dict.fromkeys(keys))
    found: dict[Key, Raw] = {}
    table = Item.Meta.table_name
    for start in range(0, len(wanted), BATCH_LIMIT):
        pending = [
            {"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in wanted[start : start + BATCH_LIMIT]
        ]
        while pending:
            data = connection().batch_get_item(table, pending, consistent_read=True)
            for raw in data.get("Responses", {}).get(table, []):
                found[(raw["PK"]["S"], raw["SK"]["S"])] = raw
            pending = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    return found


def decode_exam(raw: Raw | None) -> Exam | None:
    item = decode(ExamItem, raw)
    return to_exam(item) if item is not None else None


def decode_version(raw: Raw | None) -> Version | None:
    item = decode(VersionItem, raw)
    return to_version(item) if item is not None else None


def decode_attempt(raw: Raw | None) -> Attempt | None:
    item = decode(AttemptItem, raw)
    return to_attempt(item) if item is not None else None


def decode_standing(raw: Raw | None, exam_id: str, user_id: str, course_id: str) -> Standing:
    """The learner's standing; a fresh one (no attempts) when there is no item yet."""
    item = decode(StandingItem, raw)
    if item is None:
        return Standing(exam_id=exam_id, user_id=user_id, course_id=course_id)
    return to_standing(item)


def index_key(course_id: str) -> Key:
    return ExamIndexItem.key_of(course_id)


def decode_index(raw: Raw | None, course_id: str) -> ExamIndex:
    item = decode(ExamIndexItem, raw)
    if item is None:
        return ExamIndex(course_id)
    listed = tuple(Listed(**entry) for entry in json.loads(item.exams))
    return ExamIndex(course_id, listed, int(item.revision or 0), exists=True)


def course_index(course_id: str) -> ExamIndex:
    """The course's active exams: one consistent GetItem."""
    return decode_index(fetch([index_key(course_id)]).get(index_key(course_id)), course_id)


def exams_and_standings(
    exam_ids: list[str], user_id: str | None
) -> tuple[dict[str, Exam], dict[str, Standing]]:
    """The headers of ``exam_ids`` and (with ``user_id``) the learner's standings on them, in
    one BatchGetItem (≤ 50 exams a course)."""
    keys = [exam_key(e) for e in exam_ids]
    if user_id is not None:
        keys += [standing_key(e, user_id) for e in exam_ids]
    exams, found = {}, {}
    for raw in fetch(keys).values():
        exam = decode_exam(raw)
        if exam is not None:
            exams[exam.id] = exam
        item = decode(StandingItem, raw)
        if item is not None:
            found[item.exam_id] = to_standing(item)
    return exams, found


def _save_index(tx: Any, before: ExamIndex, after: ExamIndex) -> None:
    item = ExamIndexItem(
        course_id=after.course_id,
        exams=json.dumps([asdict(e) for e in after.exams], separators=(",", ":")),
        revision=before.revision + 1,
    )
    condition = (
        ExamIndexItem.revision == before.revision
        if before.exists
        else ExamIndexItem.PK.does_not_exist()
    )
    tx.save(item, condition=condition)


def standings(exam_ids: Iterable[str], user_ids: Iterable[str]) -> dict[tuple[str, str], Standing]:
    """The standings that exist of each learner on each exam, by (exam id, user id)."""
    keys = [standing_key(e, u) for e in exam_ids for u in user_ids]
    found = {}
    for raw in fetch(keys).values():
        item = decode(StandingItem, raw)
        if item is not None:
            found[(item.exam_id, item.user_id)] = to_standing(item)
    return found


def attempts_page(
    exam_id: str, user_id: str | None, limit: int, start: dict[str, Any] | None
) -> tuple[list[Attempt], dict[str, Any] | None]:
    """One Query on the exam's attempts (a learner's own when ``user_id`` is given)."""
    condition = AttemptItem.GSI1SK.startswith(f"{user_id}#") if user_id is not None else None
    results = AttemptItem.gsi1.query(
        AttemptItem.exam_partition(exam_id),
        condition,
        last_evaluated_key=start,
        page_size=limit,
        scan_index_forward=False,
    )
    page = next(results.page_iter, None) or {}
    found = [to_attempt(AttemptItem.from_raw_data(raw)) for raw in page.get("Items", [])]
    return found, results.page_iter.last_evaluated_key


def attempts_partition(exam_id: str) -> str:
    return AttemptItem.exam_partition(exam_id)


def exam_attempts(exam_id: str, user_id: str | None = None) -> Iterator[Attempt]:
    """Every attempt at the exam (of one learner), all pages; for regrades and standings."""
    condition = AttemptItem.GSI1SK.startswith(f"{user_id}#") if user_id is not None else None
    for item in AttemptItem.gsi1.query(AttemptItem.exam_partition(exam_id), condition):
        yield to_attempt(item)


def learner_attempts(user_id: str) -> Iterator[Attempt]:
    for item in AttemptItem.gsi2.query(AttemptItem.user_partition(user_id)):
        yield to_attempt(item)


# -- writes ------------------------------------------------------------------------------------


def _contended(exc: TransactWriteError) -> Contended:
    """Any cancellation (a condition, or a concurrent transaction on the same item) means the
    items changed under us: the use case reads again."""
    return Contended(str(exc))


def create_exam(exam: Exam, version: Version, index: ExamIndex) -> None:
    try:
        with transaction() as tx:
            tx.save(_exam_item(exam), condition=ExamItem.PK.does_not_exist())
            tx.save(_version_item(version), condition=VersionItem.PK.does_not_exist())
            _save_index(tx, index, index.with_exam(exam))
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def _header_unchanged(before: Exam) -> Any:
    return (
        (ExamItem.version == before.version)
        & (ExamItem.attempts_started == before.attempts_started)
        & (ExamItem.status == ACTIVE)
    )


def save_exam(before: Exam, after: Exam, version: Version | None, index: ExamIndex) -> None:
    """The header as ``after`` (if nobody changed it since ``before`` was read), ``version`` —
    a new one, or the current one rewritten while it has no attempts — and the course's index
    when what it lists changed."""
    try:
        with transaction() as tx:
            tx.save(_exam_item(after), condition=_header_unchanged(before))
            if version is not None:
                tx.save(_version_item(version))
            if index.with_exam(after) != index:
                _save_index(tx, index, index.with_exam(after))
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def delete_exam(before: Exam, versions: int, index: ExamIndex) -> None:
    """Remove an exam nobody attempted: its header, its versions, its index entry."""
    gone = replace(before, status=DELETED)
    try:
        with transaction() as tx:
            tx.delete(keyed(ExamItem(exam_id=before.id)), condition=_header_unchanged(before))
            for number in range(1, versions + 1):
                tx.delete(keyed(VersionItem(exam_id=before.id, number=number)))
            _save_index(tx, index, index.with_exam(gone))
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def patch_question(before: Exam, version: Version) -> None:
    """Rewrite the current version in place (a corrected answer key), if still current."""
    try:
        with transaction() as tx:
            tx.condition_check(
                ExamItem,
                *ExamItem.key_of(before.id),
                condition=(ExamItem.version == version.number) & (ExamItem.status == ACTIVE),
            )
            tx.save(_version_item(version), condition=VersionItem.PK.exists())
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def _standing_condition(standing: Standing) -> Any:
    if not standing.exists:
        return StandingItem.PK.does_not_exist()
    return StandingItem.revision == standing.revision


def start_attempt(
    exam: Exam, before: Standing, after: Standing, attempt: Attempt, events: list[OutboxEvent]
) -> None:
    """The standing (one more attempt, this one open), the attempt and its events, atomically;
    the first attempt also marks the exam attempted (its edits become new versions)."""
    try:
        with transaction() as tx:
            tx.save(_standing_item(after), condition=_standing_condition(before))
            tx.save(_attempt_item(attempt), condition=AttemptItem.PK.does_not_exist())
            if exam.attempts_started == 0:
                marked = replace(exam, attempts_started=1)
                tx.save(_exam_item(marked), condition=_header_unchanged(exam))
            else:
                tx.condition_check(
                    ExamItem,
                    *ExamItem.key_of(exam.id),
                    condition=(ExamItem.version == attempt.version) & (ExamItem.status == ACTIVE),
                )
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def save_answers(attempt: Attempt) -> None:
    """The attempt's saved answers, while it is in progress."""
    try:
        with transaction() as tx:
            tx.update(
                keyed(AttemptItem(attempt_id=attempt.id)),
                actions=[
                    AttemptItem.answers.set(
                        json.dumps(attempt.answers, separators=(",", ":"), ensure_ascii=False)
                    )
                ],
                condition=AttemptItem.status == IN_PROGRESS,
            )
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def finalize(graded: Attempt, before: Standing, after: Standing, events: list[OutboxEvent]) -> None:
    """The graded attempt (if it was still in progress), the learner's new standing and the
    events, atomically."""
    try:
        with transaction() as tx:
            tx.save(_attempt_item(graded), condition=AttemptItem.status == IN_PROGRESS)
            tx.save(_standing_item(after), condition=_standing_condition(before))
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def save_regraded(before: Attempt, after: Attempt, events: list[OutboxEvent]) -> None:
    """A regraded attempt (if its grade is still the one read) and its events."""
    try:
        with transaction() as tx:
            tx.save(
                _attempt_item(after),
                condition=(AttemptItem.score_percent == before.score_percent)
                & (AttemptItem.passed == before.passed),
            )
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def save_standing(
    before: Standing,
    after: Standing,
    attempt: Attempt | None = None,
    events: Iterable[OutboxEvent] = (),
) -> None:
    """A learner's standing (extensions, a recomputed best), with an open attempt's new timing."""
    try:
        with transaction() as tx:
            tx.save(_standing_item(after), condition=_standing_condition(before))
            if attempt is not None:
                tx.update(
                    keyed(AttemptItem(attempt_id=attempt.id)),
                    actions=[
                        AttemptItem.deadline.set(attempt.deadline),
                        AttemptItem.fires_at.set(attempt.fires_at),
                    ],
                    condition=AttemptItem.status == IN_PROGRESS,
                )
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        raise _contended(exc) from exc


def save_event(event: OutboxEvent) -> None:
    event.save()


def erase_answers(attempt: Attempt) -> bool:
    """The learner's written answers erased (scores stay); False if there was nothing left."""
    if attempt.erased:
        return False
    try:
        keyed(AttemptItem(attempt_id=attempt.id)).update(
            actions=[AttemptItem.answers.set("{}"), AttemptItem.erased.set(True)],
            condition=AttemptItem.erased != True,  # noqa: E712 - a DynamoDB condition
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- exports -----------------------------------------------------------------------------------


def create_export(
    export_id: str, course_id: str, requested_by: str, created_at: str, event: OutboxEvent
) -> None:
    item = ExportItem(
        export_id=export_id,
        course_id=course_id,
        requested_by=requested_by,
        status="pending",
        created_at=created_at,
        expires_at=now() + EXPORT_TTL,
    )
    with transaction() as tx:
        tx.save(item, condition=ExportItem.PK.does_not_exist())
        tx.save(event)


def get_export(export_id: str) -> ExportItem | None:
    raw = fetch([ExportItem.key_of(export_id)]).get(ExportItem.key_of(export_id))
    return decode(ExportItem, raw)


def finish_export(export_id: str, status: str, object_key: str | None, finished_at: str) -> None:
    keyed(ExportItem(export_id=export_id)).update(
        actions=[
            ExportItem.status.set(status),
            ExportItem.object_key.set(object_key),
            ExportItem.finished_at.set(finished_at),
        ],
        condition=ExportItem.PK.exists(),
    )
