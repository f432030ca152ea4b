"""Grading rules: normalization, partial and all-or-nothing credit, shuffled options, draws."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coursewave.errors import Conflict, ValidationFailed
from functions.assessments import domain
from functions.assessments.domain import (
    Attempt,
    Option,
    Question,
    Settings,
    Standing,
    Version,
)

A, B, C, D = (Option(f"o{c}", c) for c in "abcd")


def single(qid: str = "q1", points: float = 1) -> Question:
    return Question(qid, domain.SINGLE, "Pick", points, (A, B, C), answer="ob")


def multiple(qid: str = "q2", points: float = 2) -> Question:
    return Question(qid, domain.MULTIPLE, "Pick all", points, (A, B, C, D), answer=["oa", "oc"])


def short(qid: str = "q3", answer: str = "Nile", accepted: tuple[str, ...] = ()) -> Question:
    return Question(qid, domain.SHORT_TEXT, "River", 1, answer=answer, accepted_answers=accepted)


def version(questions: tuple[Question, ...], **settings: object) -> Version:
    base = {"title": "T", "pass_percent": 50.0, **settings}
    return Version("e1", 1, Settings(**base), questions, "2026-12-01T10:00:00Z")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  nile ", True),
        ("NILE", True),
        ("\uff2e\uff49\uff4c\uff45", True),  # fullwidth letters: NFKC
        ("the   Nile", True),  # an accepted alternative, repeated whitespace collapsed
        ("The\tNile\n", True),
        ("Nil", False),
        ("Nile river", False),
    ],
)
def test_short_text_is_compared_after_normalization(typed: str, expected: bool) -> None:
    question = short(accepted=("The Nile",))
    assert (domain.question_earned(question, typed, domain.ALL_OR_NOTHING) == 1) is expected


def test_normalize_folds_case_compatibility_forms_and_whitespace() -> None:
    assert domain.normalize("  Straße\u00a0ﬁne  ") == "strasse fine"


def test_multiple_choice_all_or_nothing_needs_the_exact_set() -> None:
    question = multiple()
    assert domain.question_earned(question, ["oc", "oa"], domain.ALL_OR_NOTHING) == 2
    assert domain.question_earned(question, ["oa"], domain.ALL_OR_NOTHING) == 0
    assert domain.question_earned(question, ["oa", "oc", "ob"], domain.ALL_OR_NOTHING) == 0


def test_multiple_choice_partial_credit_counts_right_less_wrong_never_below_zero() -> None:
    question = multiple()
    assert domain.question_earned(question, ["oa"], domain.PARTIAL) == 1
    assert domain.question_earned(question, ["oa", "oc"], domain.PARTIAL) == 2
    assert domain.question_earned(question, ["oa", "ob"], domain.PARTIAL) == 0
    assert domain.question_earned(question, ["ob", "od"], domain.PARTIAL) == 0
    assert domain.question_earned(question, [], domain.PARTIAL) == 0


def test_true_false_and_unanswered() -> None:
    question = Question("q4", domain.TRUE_FALSE, "True?", 1, answer=False)
    assert domain.question_earned(question, False, domain.ALL_OR_NOTHING) == 1
    assert domain.question_earned(question, True, domain.ALL_OR_NOTHING) == 0
    assert domain.question_earned(single(), None, domain.ALL_OR_NOTHING) == 0


def test_grade_weighs_points_and_applies_the_pass_mark() -> None:
    exam = version((single(points=1), multiple(points=2), short()), pass_percent=75)
    graded = domain.grade(exam, ("q1", "q2", "q3"), {"q1": "ob", "q2": ["oa"], "q3": "nile"})
    assert (graded.points_earned, graded.points_total) == (2, 4)
    assert graded.score_percent == 50.0 and graded.passed is False
    partial = version(exam.questions, pass_percent=75, scoring=domain.PARTIAL)
    graded = domain.grade(partial, ("q1", "q2", "q3"), {"q1": "ob", "q2": ["oa"], "q3": "nile"})
    assert graded.score_percent == 75.0 and graded.passed is True


def test_shuffled_options_still_grade_right() -> None:
    bank = tuple(
        Question(f"q{i}", domain.SINGLE, "?", 1, (A, B, C, D), answer="oc") for i in range(20)
    )
    exam = version(bank)
    orders = set()
    for seed in ("s1", "s2", "s3"):
        answers = {}
        for question in bank:
            shown = domain.option_order(question, seed, shuffle=True)
            orders.add(tuple(o.id for o in shown))
            # the learner picks the option whose text is "c", wherever it is shown
            answers[question.id] = next(o.id for o in shown if o.text == "c")
        assert domain.grade(exam, tuple(q.id for q in bank), answers).score_percent == 100
    assert len(orders) > 1, "options were never shuffled"


def test_option_order_is_stable_per_attempt_and_kept_without_shuffle() -> None:
    question = multiple()
    assert domain.option_order(question, "seed", True) == domain.option_order(
        question, "seed", True
    )
    assert domain.option_order(question, "seed", False) == question.options


def test_the_draw_stays_within_the_bank_is_distinct_and_stable_per_seed() -> None:
    bank = tuple(single(f"q{i}") for i in range(30))
    exam = version(bank, questions_per_attempt=10)
    ids = {q.id for q in bank}
    draws = set()
    for n in range(50):
        drawn = domain.draw(exam, f"seed-{n}")
        assert len(drawn) == 10 and len(set(drawn)) == 10 and set(drawn) <= ids
        assert domain.draw(exam, f"seed-{n}") == drawn
        draws.add(frozenset(drawn))
    assert len(draws) > 40, "draws should differ between attempts"


def test_without_shuffle_the_draw_keeps_the_bank_order() -> None:
    bank = tuple(single(f"q{i:02d}") for i in range(30))
    drawn = domain.draw(version(bank, questions_per_attempt=5, shuffle=False), "x")
    assert list(drawn) == sorted(drawn)


def test_answers_to_questions_not_drawn_or_of_the_wrong_shape_are_refused() -> None:
    exam = version((single(), multiple(), short()))
    with pytest.raises(ValidationFailed) as refused:
        domain.check_answers(exam, ("q1", "q2"), {"q3": "Nile", "q1": "nope", "q2": ["oa", "oa"]})
    fields = {f["field"] for f in refused.value.details["fields"]}
    assert fields == {"answers.q3", "answers.q1", "answers.q2"}
    domain.check_answers(exam, ("q1", "q2"), {"q1": "oa", "q2": ["ob"]})


def _attempt(**overrides: object) -> Attempt:
    base = {
        "id": "a1",
        "exam_id": "e1",
        "version": 1,
        "course_id": "c1",
        "user_id": "u1",
        "seed": "s",
        "question_ids": ("q1",),
        "started_at": "2026-12-01T10:00:00Z",
        "deadline": "2026-12-01T10:10:00Z",
        "fires_at": "2026-12-01T10:11:00Z",
        "answers": {"q1": "oa"},
    }
    return Attempt(**{**base, **overrides})  # type: ignore[arg-type]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_submit_within_the_grace_period_counts_as_sent() -> None:
    sent = domain.submission(_attempt(), {"q1": "ob"}, at("2026-12-01T10:10:30Z"))
    assert sent.answers == {"q1": "ob"} and not sent.late
    assert sent.submitted_at == "2026-12-01T10:10:30Z"


def test_a_late_submit_is_graded_at_the_deadline_with_the_saved_answers() -> None:
    sent = domain.submission(_attempt(), {"q1": "ob"}, at("2026-12-01T10:30:00Z"))
    assert sent.answers == {"q1": "oa"} and sent.late
    assert sent.submitted_at == "2026-12-01T10:10:00Z"


def test_the_timer_grades_the_saved_answers_at_the_deadline() -> None:
    sent = domain.submission(_attempt(), None, at("2026-12-01T10:11:00Z"))
    assert (sent.answers, sent.submitted_at, sent.late) == (
        {"q1": "oa"},
        "2026-12-01T10:10:00Z",
        False,
    )


def test_timing_adds_the_extension_and_the_grace_period() -> None:
    settings = Settings("T", 50, time_limit_seconds=600, grace_seconds=30)
    started = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert domain.timing(started, settings, 60) == ("2026-12-01T10:11:00Z", "2026-12-01T10:11:30Z")
    assert domain.timing(started, Settings("T", 50), 60) == (None, None)
    assert domain.overdue(_attempt(), at("2026-12-01T10:11:01Z"))
    assert not domain.overdue(_attempt(), at("2026-12-01T10:11:00Z") - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("policy", "passed", "used", "expected"),
    [
        (domain.NEVER, True, 3, False),
        (domain.AFTER_SUBMIT, False, 1, True),
        (domain.AFTER_PASS, False, 1, False),
        (domain.AFTER_PASS, True, 1, True),
        (domain.AFTER_LAST_ATTEMPT, True, 2, False),
        (domain.AFTER_LAST_ATTEMPT, False, 3, True),
    ],
)
def test_review_follows_the_policy(policy: str, passed: bool, used: int, expected: bool) -> None:
    settings = Settings("T", 50, max_attempts=3, review_policy=policy)
    standing = Standing("e1", "u1", "c1", attempts_used=used, passed=passed)
    graded = _attempt(status=domain.GRADED)
    assert domain.review_allowed(policy, graded, standing, settings, manager=False) is expected
    assert domain.review_allowed(policy, _attempt(), standing, settings, manager=False) is False
    assert domain.review_allowed(policy, _attempt(), standing, settings, manager=True) is True


def test_attempt_limits_count_extensions_and_one_open_attempt_at_a_time() -> None:
    settings = Settings("T", 50, max_attempts=2)
    domain.check_can_start(Standing("e1", "u1", "c1", attempts_used=1), settings)
    with pytest.raises(Conflict, match="No attempts left"):
        domain.check_can_start(Standing("e1", "u1", "c1", attempts_used=2), settings)
    domain.check_can_start(Standing("e1", "u1", "c1", attempts_used=2, extra_attempts=1), settings)
    with pytest.raises(Conflict, match="in progress"):
        domain.check_can_start(Standing("e1", "u1", "c1", open_attempt_id="a1"), settings)


def test_an_extension_moves_an_open_attempts_deadline_and_timer_by_the_difference() -> None:
    moved = domain.retimed(_attempt(), 90)
    assert moved is not None
    assert (moved.deadline, moved.fires_at) == ("2026-12-01T10:11:30Z", "2026-12-01T10:12:30Z")
    assert domain.retimed(_attempt(), 0) is None
    assert domain.retimed(_attempt(status=domain.GRADED), 90) is None
    assert domain.retimed(_attempt(deadline=None, fires_at=None), 90) is None


def test_the_course_index_lists_active_exams_in_creation_order() -> None:
    def exam(exam_id: str, title: str, required: bool = True, status: str = domain.ACTIVE):
        return domain.Exam(
            exam_id, "c1", required, 1, Settings(title, 50), 1, "t", "t", "u", status=status
        )

    index = domain.ExamIndex("c1").with_exam(exam("e1", "One")).with_exam(exam("e2", "Two", False))
    assert [(e.exam_id, e.title) for e in index.exams] == [("e1", "One"), ("e2", "Two")]
    assert index.required_ids == ["e1"]
    renamed = index.with_exam(exam("e1", "Uno"))
    assert [e.title for e in renamed.exams] == ["Uno", "Two"]
    assert renamed.with_exam(exam("e1", "Uno", status=domain.DELETED)).required_ids == []
    assert index.with_exam(exam("e1", "One")) == index  # nothing changed: nothing to write
