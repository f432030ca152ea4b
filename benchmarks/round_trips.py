"""DynamoDB round trips per API request, against the budgets of DESIGN.md §4.

Builds the platform in-process (moto, the real gateway and handlers), creates a published course
with lessons and a learner, then calls each route the way a client would and reads how many
DynamoDB calls the request made (``local.guards.last_request``). Budget: ≤ 3 per request, ≤ 2
for the catalog and the course page. The authenticated caller's user-record read counts.
Round trips do not vary from run to run, so ``--tiny`` runs the same: one request per route.

    python -m benchmarks round_trips
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from benchmarks import Budget, verdict

TITLE = "DynamoDB round trips per request (budget: 3; catalog and course page: 2)"
BUDGET = 3
PAGE_BUDGET = 2  # the catalog and the course page


def measure(platform: Any) -> list[dict[str, Any]]:
    """The measured rows for an in-process ``tests.support.cloud.Platform``."""
    from local import guards
    from tests.integration.courses.builders import build_course, enroll

    owner = platform.user("instructor")
    learner = platform.user("student")
    course = build_course(platform, owner, lessons=4, title="Round trip course", tags=["bench"])
    enroll(platform, course.id, learner)
    unseen = build_course(platform, owner, lessons=1, title="A slug nobody asked for yet")
    newcomer = platform.user("student")
    admin = platform.user("admin")
    platform.drain()
    lesson = course.lesson_ids[0]
    rows: list[dict[str, Any]] = []

    def row(label: str, budget: int, call: Callable[[], Any], expect: int = 200) -> None:
        response = call()
        assert response.status == expect, (label, response.status, response.json())
        stats = guards.last_request.get()
        assert stats is not None
        rows.append(
            {
                "request": label,
                "route": stats.route_key,
                "dynamodb_round_trips": stats.dynamodb_round_trips,
                "calls": ", ".join(op for service, op in stats.calls if service == "dynamodb"),
                "budget": budget,
                "within_budget": stats.dynamodb_round_trips <= budget,
            }
        )

    def get(path: str, caller: Any = None) -> Callable[[], Any]:
        return lambda: platform.call("GET", path, caller=caller)

    row("catalog list", PAGE_BUDGET, get("/v1/courses"))
    row("catalog search + filters", PAGE_BUDGET, get("/v1/courses?q=round%20tri&price=free"))
    row("categories", PAGE_BUDGET, get("/v1/categories"))
    row("course detail by id (anonymous)", PAGE_BUDGET, get(f"/v1/courses/{course.id}"))
    row("course detail by slug (anonymous)", PAGE_BUDGET, get(f"/v1/courses/{course.slug}"))
    row(
        "course detail by id (enrolled learner)",
        PAGE_BUDGET,
        get(f"/v1/courses/{course.id}", learner),
    )
    row(
        "course detail by slug (enrolled learner; slug known to the instance)",
        PAGE_BUDGET,
        get(f"/v1/courses/{course.slug}", learner),
    )
    row(
        "course detail by slug (signed in; slug new to the instance)",
        PAGE_BUDGET,
        get(f"/v1/courses/{unseen.slug}", learner),
    )
    row(
        "enroll (new enrollment)",
        BUDGET,
        lambda: platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=newcomer),
        expect=201,
    )
    row(
        "enroll (repeat)",
        BUDGET,
        lambda: platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=newcomer),
    )
    row("lesson content", BUDGET, get(f"/v1/courses/{course.id}/lessons/{lesson}", learner))
    row(
        "complete lesson",
        BUDGET,
        lambda: platform.call(
            "POST", f"/v1/courses/{course.id}/lessons/{lesson}/complete", caller=learner
        ),
    )
    row(
        "save resume position",
        BUDGET,
        lambda: platform.call(
            "PUT",
            f"/v1/courses/{course.id}/lessons/{lesson}/position",
            caller=learner,
            json_body={"position_seconds": 30},
        ),
        expect=204,
    )
    row("progress", BUDGET, get(f"/v1/courses/{course.id}/progress", learner))
    row("dashboard", BUDGET, get("/v1/me/dashboard", learner))
    row("my enrollments", BUDGET, get("/v1/me/enrollments", learner))
    row("course roster (owner)", BUDGET, get(f"/v1/courses/{course.id}/students", owner))
    row(
        "add a lesson (owner)",
        BUDGET,
        lambda: platform.call(
            "POST",
            f"/v1/courses/{course.id}/lessons",
            caller=owner,
            json_body={
                "section_id": course.section_ids[0],
                "title": "One more",
                "type": "text",
                "content": "More.",
            },
        ),
        expect=201,
    )
    video_lesson(platform, row, course, owner)
    row(
        "publish (owner)",
        BUDGET,
        lambda: platform.call("POST", f"/v1/courses/{course.id}/publish", caller=owner),
    )
    community(platform, row, course.id, owner, learner)
    row("course statistics (owner)", BUDGET, get(f"/v1/courses/{course.id}/stats", owner))
    for report in ("overview", "courses", "payments"):
        row(f"admin statistics: {report}", BUDGET, get(f"/v1/admin/stats/{report}", admin))
    return rows


def video_lesson(platform: Any, row: Callable[..., None], course: Any, owner: Any) -> None:
    """Adding a lesson that plays an uploaded video, and pointing a lesson at one: the media's
    state is read in the course's BatchGet."""
    from coursewave.clock import new_id
    from tests.integration.courses.builders import course_media

    media_id = new_id("med")
    course_media(platform, course.id, owner.user_id, media_id, "ready", duration_seconds=42.0)
    platform.drain()
    video = {"source": "upload", "media_id": media_id}
    lessons = f"/v1/courses/{course.id}/lessons"
    created: list[Any] = []

    def add() -> Any:
        body = {"section_id": course.section_ids[0], "title": "On video", "type": "video"}
        response = platform.call("POST", lessons, caller=owner, json_body={**body, "video": video})
        created.append(response.json())
        return response

    row("add a video lesson (owner; an uploaded video)", BUDGET, add, expect=201)
    row(
        "point a lesson at an uploaded video (owner)",
        BUDGET,
        lambda: platform.call(
            "PATCH",
            f"{lessons}/{created[0]['id']}",
            caller=owner,
            json_body={"title": "On video, again", "video": video},
        ),
    )


def community(
    platform: Any, row: Callable[..., None], course_id: str, owner: Any, learner: Any
) -> None:
    """The community routes (docs/community.md, "Round trips")."""
    comments, reviews = f"/v1/courses/{course_id}/comments", f"/v1/courses/{course_id}/reviews"

    def post(path: str, caller: Any, body: dict[str, Any]) -> Callable[[], Any]:
        return lambda: platform.call("POST", path, caller=caller, json_body=body)

    row("post a comment", BUDGET, post(comments, learner, {"body": "Hello"}), expect=201)
    thread = platform.call("GET", comments).json()["items"][0]["id"]
    reply = {"body": "Welcome", "parent_id": thread}
    row("reply to a comment (owner)", BUDGET, post(comments, owner, reply), expect=201)
    row("list comments", PAGE_BUDGET, lambda: platform.call("GET", comments))
    row(
        "edit a comment",
        BUDGET,
        lambda: platform.call(
            "PATCH", f"/v1/comments/{thread}", caller=learner, json_body={"body": "Hi"}
        ),
    )
    row("review a course", BUDGET, post(reviews, learner, {"rating": 5}), expect=201)
    review = platform.call("GET", reviews).json()["items"][0]["id"]
    row("list reviews", PAGE_BUDGET, lambda: platform.call("GET", reviews))
    row(
        "edit a review",
        BUDGET,
        lambda: platform.call(
            "PATCH", f"/v1/reviews/{review}", caller=learner, json_body={"rating": 4}
        ),
    )
    row(
        "post an announcement (owner)",
        BUDGET,
        post(f"/v1/courses/{course_id}/announcements", owner, {"title": "Hi", "body": "All"}),
        expect=201,
    )


def shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as printed: ``within_budget`` becomes a met / not met column."""
    return [
        {
            ("met" if key == "within_budget" else key): (
                verdict(value) if key == "within_budget" and isinstance(value, bool) else value
            )
            for key, value in row.items()
        }
        for row in rows
    ]


def round_trip_budget(rows: list[dict[str, Any]], what: str) -> Budget:
    """One budget over every request row that has one: any request over it misses it."""
    judged = [row for row in rows if isinstance(row["budget"], int)]
    over = [row for row in judged if row["dynamodb_round_trips"] > row["budget"]]
    if over:
        figure = f"{len(judged) - len(over)} of {len(judged)} within; over: " + "; ".join(
            f"{row['request']} {row['dynamodb_round_trips']} (budget {row['budget']})"
            for row in over
        )
    else:
        worst = max(judged, key=lambda row: row["dynamodb_round_trips"])
        figure = (
            f"all {len(judged)} within; max {worst['dynamodb_round_trips']} ({worst['request']})"
        )
    return {
        "budget": what,
        "figure": figure,
        "met": not over,
    }


def budgets(rows: list[dict[str, Any]]) -> list[Budget]:
    return [
        round_trip_budget(
            rows,
            f"DynamoDB round trips ≤ {BUDGET} per request (catalog, course page ≤ {PAGE_BUDGET})",
        )
    ]


def run() -> list[dict[str, Any]]:
    """Build an in-process platform, measure, tear it down."""
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("COURSEWAVE_ACCESS_LOG", "0")
    from tests.support.cloud import in_process_platform

    platforms = in_process_platform()
    platform = next(platforms)
    try:
        return shown(measure(platform))
    finally:
        platforms.close()
