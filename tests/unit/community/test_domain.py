"""The community's pure rules: the sliding comment rate window, the edit window, who may post,
delete and reply, and how a review's changes move its course's rating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coursewave.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from coursewave.users import Principal
from functions.community import domain
from functions.community.domain import Comment, CourseFacts, Reply, Review

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def person(user_id: str, *roles: str) -> Principal:
    return Principal(
        user_id=user_id,
        email=f"{user_id}@x.test",
        name=user_id,
        roles=frozenset(roles or ("student",)),
        status="active",
    )


def comment(**overrides: object) -> Comment:
    fields: dict[str, object] = {
        "id": "cmt_1",
        "course_id": "crs_1",
        "course_owner_id": "owner",
        "author_id": "ann",
        "author_name": "Ann",
        "body": "Hi",
        "created_at": "2026-11-23T10:00:00Z",
    }
    return Comment(**{**fields, **overrides})  # type: ignore[arg-type]


def review(**overrides: object) -> Review:
    fields: dict[str, object] = {
        "id": "rev_1",
        "course_id": "crs_1",
        "course_owner_id": "owner",
        "author_id": "ann",
        "author_name": "Ann",
        "rating": 4,
        "body": None,
        "created_at": "2026-11-23T10:00:00Z",
        "updated_at": "2026-11-23T10:00:00Z",
    }
    return Review(**{**fields, **overrides})  # type: ignore[arg-type]


def test_the_rate_window_slides_and_says_when_to_retry() -> None:
    start = T0.timestamp()
    posted: list[float] = []
    for n in range(domain.RATE_LIMIT):
        posted = domain.admit_comment(posted, start + n)
    with pytest.raises(RateLimited) as refused:
        domain.admit_comment(posted, start + 30)
    assert refused.value.headers["Retry-After"] == "31"  # the first post leaves at +60
    # a fixed window would admit a burst at the boundary; the sliding one does not
    with pytest.raises(RateLimited):
        domain.admit_comment(posted, start + 59.5)
    later = domain.admit_comment(posted, start + 60)
    assert len(later) == domain.RATE_LIMIT and later[0] == start + 1


def test_the_edit_window_is_fifteen_minutes_for_the_author_only() -> None:
    mine = comment()
    assert domain.check_may_edit(mine, person("ann"), T0 + timedelta(minutes=15)) == mine
    with pytest.raises(Forbidden) as late:
        domain.check_may_edit(mine, person("ann"), T0 + timedelta(minutes=15, seconds=1))
    assert late.value.code == "EDIT_WINDOW_CLOSED"
    with pytest.raises(Forbidden):
        domain.check_may_edit(mine, person("bob"), T0)
    with pytest.raises(NotFound):
        domain.check_may_edit(
            comment(deleted_at="2026-11-23T10:01:00Z", body=None), person("ann"), T0
        )


def test_deletion_by_the_author_the_course_owner_or_an_admin() -> None:
    mine = comment()
    for who in (person("ann"), person("owner", "instructor"), person("ada", "admin")):
        assert domain.check_may_delete(mine, who) == mine
    with pytest.raises(Forbidden):
        domain.check_may_delete(mine, person("other-instructor", "instructor"))
    gone = domain.soft_deleted(mine, person("owner"), "2026-11-23T10:05:00Z")
    assert gone.body is None and gone.deleted and gone.deleted_by == "owner" and gone.id == mine.id


def test_posting_and_reviewing_need_an_enrollment_or_ownership() -> None:
    facts = CourseFacts("crs_1", "owner", published=True, visible_to_caller=True, enrolled=False)
    with pytest.raises(Forbidden):
        domain.check_may_post(facts, person("bob"))
    assert domain.check_may_post(facts, person("owner")) == facts
    with pytest.raises(Forbidden):
        domain.check_may_review(facts, person("owner"))  # no reviews of one's own course
    enrolled = CourseFacts("crs_1", "owner", published=True, visible_to_caller=True, enrolled=True)
    assert domain.check_may_review(enrolled, person("bob")) == enrolled
    hidden = CourseFacts("crs_1", "owner", published=False, visible_to_caller=False, enrolled=False)
    for check in (domain.check_may_post, domain.check_may_review, domain.check_may_announce):
        with pytest.raises(NotFound):
            check(hidden, person("bob"))
    with pytest.raises(NotFound):
        domain.readable(
            CourseFacts("crs_1", "owner", published=False, visible_to_caller=True, enrolled=True)
        )


def test_a_reply_goes_to_a_live_top_level_comment_of_the_course() -> None:
    top = comment()
    assert domain.check_parent(top, "crs_1") == top
    for parent in (None, comment(course_id="crs_2"), comment(parent_id="cmt_0")):
        with pytest.raises(ValidationFailed):
            domain.check_parent(parent, "crs_1")
    for parent in (
        comment(deleted_at="2026-11-23T10:01:00Z", body=None),
        comment(reply_count=domain.MAX_REPLIES_PER_THREAD),
    ):
        with pytest.raises(Conflict):
            domain.check_parent(parent, "crs_1")


def test_the_owner_replies_once() -> None:
    with pytest.raises(Forbidden):
        domain.check_may_reply(review(), person("ada", "admin"))
    assert domain.check_may_reply(review(), person("owner")).reply is None
    with pytest.raises(Conflict):
        domain.check_may_reply(review(reply=Reply("owner", "Thanks", "t")), person("owner"))


def test_rating_changes_count_visible_reviews_only() -> None:
    four, two = review(), review(rating=2)
    hidden = review(hidden_at="2026-11-23T11:00:00Z")
    assert domain.rating_change(None, four) == (4, 1)
    assert domain.rating_change(four, two) == (-2, 0)
    assert domain.rating_change(four, None) == (-4, -1)
    assert domain.rating_change(four, hidden) == (-4, -1)
    assert domain.rating_change(hidden, None) == (0, 0)  # a hidden review left the rating already
    assert domain.rating_change(hidden, review(rating=1, hidden_at="x")) == (0, 0)


def test_a_review_id_is_the_natural_key_of_learner_and_course() -> None:
    first = domain.review_id("crs_1", "ann")
    assert first == domain.review_id("crs_1", "ann") and first.startswith("rev_")
    assert len({first, domain.review_id("crs_2", "ann"), domain.review_id("crs_1", "bob")}) == 3
    assert domain.review_id("crs_1a", "nn") != domain.review_id("crs_1", "ann")
