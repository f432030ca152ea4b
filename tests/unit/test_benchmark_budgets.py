"""How the benchmarks judge their budgets and how ``python -m benchmarks`` sums them up."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from benchmarks import __main__ as entry
from benchmarks import cold_import, load, transcode, transcode_cost
from benchmarks.round_trips import round_trip_budget, shown


def _trips(request: str, trips: int, budget: int | str) -> dict[str, object]:
    return {
        "request": request,
        "dynamodb_round_trips": trips,
        "budget": budget,
        "within_budget": trips <= budget if isinstance(budget, int) else "",
    }


def test_a_request_over_its_round_trip_budget_misses_it_and_is_named() -> None:
    rows = shown(
        [
            _trips("catalog list", 1, 2),
            _trips("add a video lesson", 4, 3),
            _trips("latency", 0, ""),  # a row without a budget is not judged
        ]
    )

    judged = round_trip_budget(rows, "≤ 3")

    assert [row["met"] for row in rows] == ["met", "NOT MET", ""]
    assert judged["met"] is False
    assert judged["figure"] == "1 of 2 within; over: add a video lesson 4 (budget 3)"


def test_round_trips_within_budget_name_the_largest() -> None:
    judged = round_trip_budget(shown([_trips("enroll", 3, 3), _trips("catalog", 2, 2)]), "≤ 3")

    assert judged == {"budget": "≤ 3", "figure": "all 2 within; max 3 (enroll)", "met": True}


def test_cold_import_is_met_only_when_every_function_is_within() -> None:
    rows = [{"function": "health", "x boto3": "1.20"}, {"function": "media", "x boto3": "2.12"}]

    (judged,) = cold_import.budgets(rows)

    assert judged["met"] is False
    assert judged["figure"] == "worst media 2.12x; 1 of 2 within"
    assert cold_import.budgets(rows[:1])[0]["met"] is True


def test_transcode_budgets_read_its_own_rows() -> None:
    rows = [
        {"path": f"{transcode.OURS} (720p)", "wall s": "40.3", "wall vs by hand": "1.16x",
         "ours faster by": "-", "met": "NOT MET"},
        {"path": transcode.SEQUENCE, "ours faster by": "1.25x", "met": "met"},
    ]  # fmt: skip

    ready, faster = transcode.budgets(rows)

    assert (ready["figure"], ready["met"]) == ("1.16x (40.3 s)", False)
    assert (faster["figure"], faster["met"]) == ("1.25x", True)


def test_cost_budgets_compare_against_their_goals() -> None:
    cost_row = {"route": "$ per 1M mixed: Lambda duration + DynamoDB", "requests": "$0.990"}
    (ours,) = load.budgets([{"route": "all", "requests": "12"}, cost_row])
    assert (ours["figure"], ours["met"]) == ("$0.990", True)

    video = {
        "source": "720p (24 s clip, scaled to 1 min)",
        "ours / MC": "0.200 (1/5)",
        "ours $/min": "0.00600",
        "MediaConvert $/min": "0.0300",
        "met": "NOT MET",
    }
    (priced,) = transcode_cost.budgets([video])
    assert priced["budget"].endswith("MediaConvert, 720p")
    assert priced["met"] is False


def test_run_one_records_the_budgets_its_benchmark_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = ModuleType("benchmarks.fake")
    fake.TITLE = "Fake"  # type: ignore[attr-defined]
    fake.run = lambda: [{"figure": "2.0x"}]  # type: ignore[attr-defined]
    fake.budgets = lambda rows: [  # type: ignore[attr-defined]
        {"budget": "≤ 1.5x", "figure": rows[0]["figure"], "met": False}
    ]
    monkeypatch.setitem(sys.modules, "benchmarks.fake", fake)
    out = tmp_path / "budgets.jsonl"
    monkeypatch.setenv(entry.BUDGETS_ENV, str(out))

    assert entry.run_one("fake") == 0

    found = entry.read_budgets(out)
    assert found == [{"benchmark": "fake", "budget": "≤ 1.5x", "figure": "2.0x", "met": False}]
    summary = entry.budgets_table(found, failed=["transcode"])
    assert "fake       ≤ 1.5x  2.0x" in summary and "NOT MET" in summary
    assert "transcode  -       FAILED: nothing measured" in summary
    assert summary.endswith("0 of 1 budgets met; FAILED: transcode")


def test_a_benchmark_whose_budgets_break_fails_and_records_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = ModuleType("benchmarks.fake")
    fake.TITLE = "Fake"  # type: ignore[attr-defined]
    fake.run = lambda: [{"figure": "?"}]  # type: ignore[attr-defined]
    fake.budgets = lambda rows: [float(rows[0]["figure"])]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "benchmarks.fake", fake)
    out = tmp_path / "budgets.jsonl"
    monkeypatch.setenv(entry.BUDGETS_ENV, str(out))

    assert entry.run_one("fake") == 1
    assert not out.exists()
    assert entry.read_budgets(out) == []


def test_the_transcode_benchmark_polls_rarely_during_the_encode_and_fast_at_its_end() -> None:
    assert transcode.poll_pause(0, 3.0) == transcode.SLOW_POLL_SECONDS  # nothing known yet
    assert transcode.poll_pause(10, 5.0) == transcode.MAX_POLL_SECONDS  # 35 s left: wait 5
    assert transcode.poll_pause(70, 35.0) == 2.5  # 5 s left until the last 5 %: half of it
    assert transcode.poll_pause(79, 3.0) == transcode.FAST_POLL_SECONDS  # never below fast
    assert transcode.poll_pause(transcode.FAST_POLL_FROM_PERCENT, 40.0) == 0.05
    assert transcode.poll_pause(90, 41.0) == transcode.FAST_POLL_SECONDS
