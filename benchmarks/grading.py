"""Grading a 100-question attempt: the pure grading rules, and the whole submit request (the
reads, grading, the conditional transaction with its events) through the handler on in-process
moto — each against one PutItem measured in the same run. ``--tiny``: 3 samples of each."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks import tiny
from functions.assessments import domain
from functions.assessments.domain import Option, Question, Settings, Version

TITLE = "Grading a 100-question attempt (median; ratio to one PutItem on in-process moto)"
QUESTIONS = 100
RUNS = 3 if tiny() else 30
PURE_RUNS = 10 if tiny() else 200


def _median_ms(call: Callable[[], object], runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def bank_body(size: int = QUESTIONS) -> list[dict[str, Any]]:
    """Mixed types, a quarter each: single, multiple (partial credit), true/false, short text."""
    kinds = [
        {"type": "single", "options": ["a", "b", "c", "d"], "answer": 1},
        {"type": "multiple", "options": ["a", "b", "c", "d", "e"], "answer": [0, 2, 4]},
        {"type": "true_false", "answer": False},
        {"type": "short_text", "answer": "Photosynthesis", "accepted_answers": ["photo synthesis"]},
    ]
    return [{**kinds[i % 4], "prompt": f"Question {i}?"} for i in range(size)]


def pure_version() -> tuple[Version, dict[str, Any]]:
    questions, answers = [], {}
    for i, body in enumerate(bank_body()):
        options = tuple(Option(f"o{i}-{n}", text) for n, text in enumerate(body.get("options", ())))
        kind = body["type"]
        answer = body["answer"]
        if kind == domain.SINGLE:
            answer = options[answer].id
        elif kind == domain.MULTIPLE:
            answer = sorted(options[n].id for n in answer)
        questions.append(
            Question(
                f"q{i}",
                kind,
                body["prompt"],
                1,
                options,
                answer,
                tuple(body.get("accepted_answers", ())),
            )
        )
        answers[f"q{i}"] = answer if kind != domain.SHORT_TEXT else "  PHOTOSYNTHESIS "
    settings = Settings("Benchmark", 50, scoring=domain.PARTIAL)
    return Version("e", 1, settings, tuple(questions), "2026-12-01T00:00:00Z"), answers


def _answers_for(attempt: dict[str, Any], exam: dict[str, Any]) -> dict[str, Any]:
    keys = {q["id"]: q for q in exam["questions"]}
    found: dict[str, Any] = {}
    for shown in attempt["questions"]:
        question = keys[shown["id"]]
        ids = [o["id"] for o in question["options"]]
        if question["type"] == "single":
            found[shown["id"]] = ids[question["answer"]]
        elif question["type"] == "multiple":
            found[shown["id"]] = [ids[n] for n in question["answer"]]
        else:
            found[shown["id"]] = question["answer"]
    return found


def run() -> list[dict[str, object]]:
    from coursewave.db import Item
    from tests.integration.courses.builders import build_course, enroll
    from tests.support.cloud import in_process_platform

    version, answers = pure_version()
    ids = tuple(q.id for q in version.questions)
    pure = _median_ms(lambda: domain.grade(version, ids, answers), runs=PURE_RUNS)
    assert domain.grade(version, ids, answers).score_percent == 100

    platforms = in_process_platform()
    platform = next(platforms)
    try:
        owner, learner = platform.user("instructor"), platform.user("student")
        course = build_course(platform, owner, lessons=1)
        enroll(platform, course.id, learner)
        body = {
            "title": "Benchmark",
            "pass_percent": 50,
            "scoring": "partial",
            "questions": bank_body(),
        }
        exam = platform.call(
            "POST", f"/v1/courses/{course.id}/exams", caller=owner, json_body=body
        ).json()
        keys = platform.call("GET", f"/v1/exams/{exam['id']}", caller=owner).json()
        connection = Item._get_connection().connection
        table = Item.Meta.table_name
        put = _median_ms(
            lambda: connection.put_item(table, "BENCH", "PUT", attributes={"v": {"S": "x" * 200}})
        )
        samples = []
        for _ in range(RUNS):
            attempt = platform.call(
                "POST", f"/v1/exams/{exam['id']}/attempts", caller=learner
            ).json()
            chosen = _answers_for(attempt, keys)
            path = f"/v1/exams/{exam['id']}/attempts/{attempt['attempt_id']}/submit"
            started = time.perf_counter()
            graded = platform.call("POST", path, caller=learner, json_body={"answers": chosen})
            samples.append(time.perf_counter() - started)
            assert graded.status == 200 and graded.json()["score_percent"] == 100, graded.body
        submit = statistics.median(samples) * 1000
    finally:
        platforms.close()
    return [
        {"step": "one PutItem (baseline)", "median_ms": f"{put:.2f}", "x_put_item": "1.0"},
        {
            "step": "grade 100 questions (rules only)",
            "median_ms": f"{pure:.2f}",
            "x_put_item": f"{pure / put:.2f}",
        },
        {
            "step": "submit 100 answers (handler, reads, grade, transaction)",
            "median_ms": f"{submit:.2f}",
            "x_put_item": f"{submit / put:.2f}",
        },
    ]
