"""The load benchmark's learners (Locust 2.47), run by ``benchmarks/load.py`` against a local
runner on 127.0.0.1; never against anything else.

The plan (``LOAD_PLAN``, a JSON file the benchmark writes) holds pre-created accounts with their
access tokens, the courses to enroll in with their open lessons, and the demo video lesson to
play. Each simulated learner takes the next account and mixes what learners do: browse the
catalog, open a course page, enroll, start playback, complete lessons, save the resume point,
read their progress. Every request is named by its API route key, so Locust's table and the
gateway's ``/_local/stats`` join on it.

When Locust quits (every learner stopped), ``LOAD_RESULTS`` gets what each learner saw succeed
(the benchmark checks the table against it afterwards: no lost writes, nothing done twice) and
Locust's final figures per route and its failures. Locust's ``--csv`` files are rewritten once a
second while it runs and not at exit, so they can miss the last second's requests.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
RESULTS = Path(os.environ["LOAD_RESULTS"])
_accounts = itertools.cycle(PLAN["accounts"])
_records: list[dict[str, Any]] = []

CATALOG = "GET /v1/courses"
COURSE_PAGE = "GET /v1/courses/{id}"
ENROLL = "POST /v1/courses/{id}/enroll"
PLAYBACK = "GET /v1/courses/{id}/lessons/{lesson_id}/playback"
COMPLETE = "POST /v1/courses/{id}/lessons/{lesson_id}/complete"
POSITION = "PUT /v1/courses/{id}/lessons/{lesson_id}/position"
PROGRESS = "GET /v1/courses/{id}/progress"


@events.init.add_listener
def _loopback_only(environment: Any, **_: Any) -> None:
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"the load profile runs against the local runner only, not {host!r}")


def _figures(entry: Any) -> dict[str, Any]:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "requests_per_second": entry.total_rps,
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "response_bytes": entry.avg_content_length,
    }


@events.quitting.add_listener
def _write_results(environment: Any, **_: Any) -> None:
    stats = environment.stats
    RESULTS.write_text(
        json.dumps(
            {
                "learners": _records,
                "routes": {entry.name: _figures(entry) for entry in stats.entries.values()},
                "total": _figures(stats.total),
                "failures": [
                    {"route": e.name, "error": str(e.error), "occurrences": e.occurrences}
                    for e in stats.errors.values()
                ],
            }
        )
    )


class Learner(HttpUser):
    wait_time = between(0.05, 0.25)

    def on_start(self) -> None:
        account = next(_accounts)
        self.client.headers["Authorization"] = f"Bearer {account['token']}"
        # What this learner saw succeed: created enrollments per course, completed lessons per
        # course, and per course the last progress write in order ("complete" or a position).
        self.record: dict[str, Any] = {
            "email": account["email"],
            "created": {},
            "enrolled": [],
            "completed": {},
            "last_write": {},
        }
        _records.append(self.record)
        # A first visit walks the whole mix once (so every route is in every run, however
        # short), then the tasks below repeat at their weights.
        for step in (
            self.catalog,
            self.course_page,
            self.enroll,
            self.playback,
            self.complete,
            self.position,
            self.progress,
        ):
            step()

    def _course(self) -> dict[str, Any]:
        return random.choice(PLAN["courses"])

    def _enrolled_course(self) -> dict[str, Any] | None:
        enrolled = self.record["enrolled"]
        if not enrolled:
            return None
        course_id = random.choice(enrolled)
        return next(c for c in PLAN["courses"] if c["id"] == course_id)

    @task(4)
    def catalog(self) -> None:
        self.client.get("/v1/courses?limit=20", name=CATALOG)

    @task(4)
    def course_page(self) -> None:
        course = random.choice([*PLAN["courses"], PLAN["demo"]])
        self.client.get(f"/v1/courses/{course['slug']}", name=COURSE_PAGE)

    @task(2)
    def enroll(self) -> None:
        course = self._course()
        with self.client.post(
            f"/v1/courses/{course['id']}/enroll", name=ENROLL, catch_response=True
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"enroll answered {response.status_code}: {response.text}")
                return
            if response.status_code == 201:
                created = self.record["created"]
                created[course["id"]] = created.get(course["id"], 0) + 1
            if course["id"] not in self.record["enrolled"]:
                self.record["enrolled"].append(course["id"])

    @task(2)
    def playback(self) -> None:
        demo = PLAN["demo"]
        with self.client.get(
            f"/v1/courses/{demo['id']}/lessons/{demo['video_lesson_id']}/playback",
            name=PLAYBACK,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or response.json().get("type") != "hls":
                response.failure(f"playback answered {response.status_code}: {response.text}")

    @task(3)
    def complete(self) -> None:
        course = self._enrolled_course()
        if course is None:
            return self.enroll()
        lesson_id = random.choice(course["lesson_ids"])
        response = self.client.post(
            f"/v1/courses/{course['id']}/lessons/{lesson_id}/complete", name=COMPLETE
        )
        if response.ok:
            done = self.record["completed"].setdefault(course["id"], [])
            if lesson_id not in done:
                done.append(lesson_id)
            self.record["last_write"][course["id"]] = {"kind": "complete"}
        return None

    @task(3)
    def position(self) -> None:
        course = self._enrolled_course()
        if course is None:
            return self.enroll()
        lesson_id = random.choice(course["lesson_ids"])
        seconds = random.randint(1, 600)
        response = self.client.put(
            f"/v1/courses/{course['id']}/lessons/{lesson_id}/position",
            json={"position_seconds": seconds},
            name=POSITION,
        )
        if response.ok:
            self.record["last_write"][course["id"]] = {
                "kind": "position",
                "lesson_id": lesson_id,
                "position_seconds": seconds,
            }
        return None

    @task(2)
    def progress(self) -> None:
        course = self._enrolled_course()
        if course is None:
            return self.enroll()
        self.client.get(f"/v1/courses/{course['id']}/progress", name=PROGRESS)
        return None
