"""API under load: a mixed learner workload against the local runner, and what each route costs.

The local runner runs in this process (moto, gateway, pollers, the demo data with its transcoded
demo video); Locust (``benchmarks/locustfile.py``) runs in its own process against 127.0.0.1 for
``SECONDS`` with ``USERS`` learners, each with a pre-created account (as the e2e fixtures create
them: no sign-up codes). Learners browse the catalog, open course pages, enroll in ``COURSES``
free courses, play the demo video lesson, complete lessons, save resume points and read progress.

Afterwards, with the stream consumers caught up, the table must agree with what the learners saw
succeed: each course's enrollment count (course page and catalog) and roster equal the
enrollments created, nobody enrolled twice, every learner's completed lessons and last resume
point are what they wrote. Any error or mismatch fails the benchmark.

Reported per route: requests/s, p50/p95 (Locust, client side), and from the gateway's
``GET /_local/stats`` (``local/capacity.py``): handler CPU ms per request (thread time of the
handler, what sets the Lambda bill), DynamoDB round trips and request units per request, and
"ours $/1M": Lambda duration + DynamoDB per 1M requests of that route (of the mix on the "all"
row). The
cost model (``benchmarks/cost_model.py``, ``docs/cost.md``) turns them into dollars per 1M mixed
requests. ``python -m benchmarks --tiny load`` runs a few seconds with 2 learners (the entry-point
test). The figures are for reporting; no test is time-boxed on them.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import requests

from benchmarks import Budget, cost_model
from functions import registry

TITLE = "API under load: mixed learner workload (Locust, loopback, local runner)"
TINY = os.environ.get("COURSEWAVE_BENCH_TINY") == "1"
USERS = 2 if TINY else 20
SECONDS = 4 if TINY else 60
COURSES = 1 if TINY else 5
LESSONS_PER_COURSE = 4
READY_TIMEOUT_SECONDS = 300
STOP_TIMEOUT_SECONDS = 60
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DEMO_INSTRUCTOR = "instructor@demo.coursewave.dev"


@dataclass
class Session:
    """The running platform and what the load plan needs from it."""

    platform: Any
    instructor: requests.Session
    plan: dict[str, Any] = field(default_factory=dict)
    log_lines: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = requests if token else self.instructor
        response = client.request(
            method, self.platform.url + path, json=body, headers=headers, timeout=30
        )
        response.raise_for_status()
        return response.json() if response.content else None


def _token(user_pool_client: str, email: str, password: str) -> str:
    return boto3.client("cognito-idp").initiate_auth(
        ClientId=user_pool_client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]["AccessToken"]


def _start() -> Session:
    from local import seed
    from local.runner import LocalPlatform

    lines: list[str] = []
    platform = LocalPlatform(
        port=0, seed_demo=True, demo_password=seed.generate_password(), log=lines.append
    )
    os.environ["COURSEWAVE_ACCESS_LOG"] = "0"  # one log line per request: not under load
    platform.start()
    provisioned = platform.provisioned
    assert provisioned is not None and platform.demo_password is not None
    instructor = requests.Session()
    token = _token(provisioned.client_id, DEMO_INSTRUCTOR, platform.demo_password)
    instructor.headers["Authorization"] = f"Bearer {token}"
    return Session(platform, instructor, log_lines=lines)


def _accounts(session: Session) -> list[dict[str, str]]:
    """``USERS`` confirmed learner accounts, created directly (seed.create_user) and signed in."""
    from local import seed

    provisioned = session.platform.provisioned
    password = seed.generate_password()
    accounts = []
    for index in range(USERS):
        email = f"load-learner-{index}@example.test"
        seed.create_user(
            provisioned.user_pool_id, email, f"Load Learner {index}", ("student",), password
        )
        accounts.append({"email": email, "token": _token(provisioned.client_id, email, password)})
    return accounts


def _course(session: Session, index: int) -> dict[str, Any]:
    """A free published course of ``LESSONS_PER_COURSE`` open text lessons."""
    course = session.call(
        "POST",
        "/v1/courses",
        {
            "title": f"Load benchmark course {index}",
            "description": "A course the load benchmark's learners enroll in.",
            "category": "development",
            "level": "beginner",
            "price": {"amount": 0, "currency": "USD"},
        },
    )
    section = session.call("POST", f"/v1/courses/{course['id']}/sections", {"title": "Part 1"})
    lesson_ids = [
        session.call(
            "POST",
            f"/v1/courses/{course['id']}/lessons",
            {
                "section_id": section["id"],
                "title": f"Lesson {number}",
                "type": "text",
                "content": f"# Lesson {number}\n\nRead, then mark it complete.\n",
            },
        )["id"]
        for number in range(1, LESSONS_PER_COURSE + 1)
    ]
    session.call("POST", f"/v1/courses/{course['id']}/publish")
    return {"id": course["id"], "slug": course["slug"], "lesson_ids": lesson_ids}


def _demo_video(session: Session) -> dict[str, Any]:
    """The demo course and its video lesson, once the demo video is transcoded and added."""
    from local.demo_video import LESSON_TITLE

    course_id = session.platform.demo_course_id
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        course = session.call("GET", f"/v1/courses/{course_id}")
        for section in course["sections"]:
            for lesson in section["lessons"]:
                if lesson["title"] == LESSON_TITLE:
                    return {
                        "id": course_id,
                        "slug": course["slug"],
                        "video_lesson_id": lesson["id"],
                    }
        if any("demo video: not added" in line for line in session.log_lines):
            break
        time.sleep(1)
    raise RuntimeError("the demo video lesson never became ready: " + "; ".join(session.log_lines))


def _stats(session: Session) -> dict[str, dict[str, Any]]:
    return session.call("GET", "/_local/stats")["routes"]


def _run_locust(session: Session, workdir: Path) -> dict[str, Any]:
    """Locust's final figures (``routes``, ``total``, ``failures``) and the learners' records."""
    plan_path, results_path = workdir / "plan.json", workdir / "results.json"
    plan_path.write_text(json.dumps(session.plan))
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{SECONDS}s",
        # Stopping waits for each learner's running task, first walk of the mix included (so every
        # route is in the table even when a loaded machine makes the walk outlast --run-time).
        "--stop-timeout",
        str(STOP_TIMEOUT_SECONDS),
        "--host",
        session.platform.url,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",  # errors are judged below, with their messages
    ]
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_RESULTS": str(results_path)}
    timeout = SECONDS + STOP_TIMEOUT_SECONDS + 120
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not results_path.exists():
        raise RuntimeError(f"locust failed ({done.returncode}): {done.stderr[-2000:]}")
    results = json.loads(results_path.read_text())
    if results["failures"]:
        detail = "; ".join(
            f"{f['route']}: {f['error']} (x{f['occurrences']})" for f in results["failures"]
        )
        raise AssertionError(f"requests failed under load: {detail}")
    return results


def lost_writes(session: Session, records: list[dict[str, Any]]) -> list[str]:
    """Every way the table disagrees with what the learners saw succeed (empty: none)."""
    from local.pollers import StreamPoller, wait_until_idle

    streams = [p for p in session.platform.pollers if isinstance(p, StreamPoller)]
    wait_until_idle(streams, timeout=60)
    problems = []
    tokens = {a["email"]: a["token"] for a in session.plan["accounts"]}
    catalog = {c["id"]: c for c in session.call("GET", "/v1/courses?limit=50")["items"]}
    for course in session.plan["courses"]:
        created = [r["email"] for r in records if r["created"].get(course["id"])]
        twice = [r["email"] for r in records if r["created"].get(course["id"], 0) > 1]
        if twice:
            problems.append(f"{course['id']}: enrolled twice: {twice}")
        page = session.call("GET", f"/v1/courses/{course['id']}")
        roster = session.call("GET", f"/v1/courses/{course['id']}/students?limit=100")["items"]
        listed = catalog.get(course["id"], {}).get("enrollment_count")
        for where, count in (
            ("course page", page["enrollment_count"]),
            ("catalog", listed),
            ("roster", len(roster)),
        ):
            if count != len(created):
                problems.append(f"{course['id']}: {where} says {count}, {len(created)} enrolled")
    for record in records:
        token = tokens[record["email"]]
        for course_id in record["enrolled"]:
            progress = session.call("GET", f"/v1/courses/{course_id}/progress", token=token)
            expected = set(record["completed"].get(course_id, []))
            if set(progress["completed_lesson_ids"]) != expected:
                problems.append(
                    f"{record['email']} {course_id}: completed {progress['completed_lesson_ids']}"
                    f", saw {sorted(expected)} succeed"
                )
            last = record["last_write"].get(course_id)
            if last and last["kind"] == "position":
                seen = (progress["last_lesson_id"], progress["last_position_seconds"])
                if seen != (last["lesson_id"], last["position_seconds"]):
                    problems.append(f"{record['email']} {course_id}: resume point {seen}, {last}")
    return problems


def _per_route(
    locust_routes: dict[str, dict[str, Any]],
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
) -> list[cost_model.RouteLoad]:
    """Locust's client-side figures joined with the gateway's, per route, over the run only."""
    loads = []
    for route, figures in sorted(locust_routes.items()):
        if route not in after:
            raise AssertionError(f"the gateway served no {route}")
        now, then = after[route], before.get(route, {})
        served = now["requests"] - then.get("requests", 0)
        delta = {name: (now[name] - then.get(name, 0)) / served for name in _SUMMED}
        loads.append(
            cost_model.RouteLoad(
                route=route,
                requests=figures["requests"],
                requests_per_second=figures["requests_per_second"],
                p50_ms=figures["p50_ms"],
                p95_ms=figures["p95_ms"],
                response_bytes=figures["response_bytes"],
                cpu_ms=delta["cpu_seconds"] * 1000,
                wall_ms=delta["wall_seconds"] * 1000,
                round_trips=delta["dynamodb_round_trips"],
                read_units=delta["read_units"],
                write_units=delta["write_units"],
                memory_mb=registry.function(now["function"]).memory_mb,
            )
        )
    return loads


_SUMMED = ("cpu_seconds", "wall_seconds", "dynamodb_round_trips", "read_units", "write_units")


def run() -> list[dict[str, object]]:
    session = _start()
    try:
        session.plan = {
            "accounts": _accounts(session),
            "courses": [_course(session, index) for index in range(COURSES)],
            "demo": _demo_video(session),
        }
        with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
            before = _stats(session)
            own = resource.getrusage(resource.RUSAGE_SELF)
            results = _run_locust(session, Path(scratch))
            used = resource.getrusage(resource.RUSAGE_SELF)
            after = _stats(session)
        problems = lost_writes(session, results["learners"])
    finally:
        session.platform.stop()
    if problems:
        raise AssertionError("lost or doubled writes: " + "; ".join(problems))
    loads = _per_route(results["routes"], before, after)
    total = results["total"]
    runner_cpu = used.ru_utime + used.ru_stime - own.ru_utime - own.ru_stime
    runner_ms = runner_cpu / total["requests"] * 1000
    return [
        *(_row(load) for load in loads),
        {
            "route": f"all ({USERS} users, {SECONDS} s, 0 errors, no lost writes)",
            "requests": total["requests"],
            "req/s": f"{total['requests_per_second']:.1f}",
            "p50 ms": total["p50_ms"],
            "p95 ms": total["p95_ms"],
            "cpu ms/req": f"{cost_model.mixed(loads, 'cpu_ms'):.1f}",
            "round trips": f"{cost_model.mixed(loads, 'round_trips'):.2f}",
            "RRU": f"{cost_model.mixed(loads, 'read_units'):.2f}",
            "WRU": f"{cost_model.mixed(loads, 'write_units'):.2f}",
            "ours $/1M": f"{cost_model.our_code_per_million(loads):.3f}",
            "note": f"whole runner (moto too): {runner_ms:.1f} cpu ms/req",
        },
        *cost_model.per_million_rows(loads),
    ]


def _row(load: cost_model.RouteLoad) -> dict[str, object]:
    return {
        "route": load.route,
        "requests": load.requests,
        "req/s": f"{load.requests_per_second:.1f}",
        "p50 ms": f"{load.p50_ms:.0f}",
        "p95 ms": f"{load.p95_ms:.0f}",
        "cpu ms/req": f"{load.cpu_ms:.1f}",
        "round trips": f"{load.round_trips:.2f}",
        "RRU": f"{load.read_units:.2f}",
        "WRU": f"{load.write_units:.2f}",
        "ours $/1M": f"{cost_model.our_code_per_million([load]):.3f}",
        "note": f"handler wall {load.wall_ms:.0f} ms, {load.memory_mb} MB",
    }


def budgets(rows: list[dict[str, Any]]) -> list[Budget]:
    """What our code controls per 1M mixed requests (``cost_model.per_million_rows``)."""
    row = next(r for r in rows if r["route"] == "$ per 1M mixed: Lambda duration + DynamoDB")
    dollars = float(str(row["requests"]).removeprefix("$"))
    return [
        {
            "budget": f"Lambda duration + DynamoDB ≤ ${cost_model.OUR_CODE_BUDGET:.2f} per 1M "
            "mixed requests",
            "figure": f"${dollars:.3f}",
            "met": dollars <= cost_model.OUR_CODE_BUDGET,
        }
    ]
