"""The authorization matrix of every notifications route, for every persona: a person's
notifications are theirs alone (someone else's id is a 404, admins included); the unsubscribe
link is public and answers the same whoever follows it. Refusals leave the table unchanged."""

from __future__ import annotations

import pytest

from tests.integration.notifications.conftest import Inbox
from tests.support.matrix import Case, run, same_for_everyone

NO_SUCH_ID = "n20261124T090000-0000000000000000beef"
SIGNED_IN_OK = ("student", "other_student", "instructor", "admin")


def _refused_to_strangers() -> list[Case]:
    return [Case("anonymous", 401), Case("banned", 403, "ACCOUNT_DISABLED")]


@pytest.mark.authz("GET /v1/me/notifications")
def test_everyone_signed_in_lists_only_their_own(inbox: Inbox) -> None:
    inbox.enrolled(inbox.personas.student)
    cases = [*_refused_to_strangers(), *(Case(name, 200) for name in SIGNED_IN_OK)]

    answers = run(inbox.platform, inbox.personas, "GET", "/v1/me/notifications", cases)

    assert len(answers["student"].json()["items"]) == 1
    for name in ("other_student", "instructor", "admin"):
        assert answers[name].json()["items"] == [], name


@pytest.mark.authz("POST /v1/me/notifications/{id}/read")
def test_only_the_recipient_reads_a_notification(inbox: Inbox) -> None:
    student = inbox.personas.student
    inbox.enrolled(student)
    [mine] = inbox.notifications(student)
    path = f"/v1/me/notifications/{mine['id']}/read"
    cases = [
        *_refused_to_strangers(),
        Case("other_student", 404),
        Case("instructor", 404),
        Case("admin", 404),
        Case("student", 404, path=f"/v1/me/notifications/{NO_SUCH_ID}/read"),
        Case("student", 404, path="/v1/me/notifications/not-an-id/read", label="malformed"),
        Case("student", 204, label="own"),
    ]

    run(inbox.platform, inbox.personas, "POST", path, cases)

    assert inbox.unread(student) == 0


@pytest.mark.authz("POST /v1/me/notifications/read-all")
def test_read_all_reads_the_callers_own_only(inbox: Inbox) -> None:
    student, other = inbox.personas.student, inbox.personas.other_student
    inbox.enrolled(student)
    inbox.enrolled(other)
    cases = [*_refused_to_strangers(), *(Case(name, 204) for name in ("instructor", "admin"))]
    cases.append(Case("student", 204))

    run(inbox.platform, inbox.personas, "POST", "/v1/me/notifications/read-all", cases)

    assert inbox.unread(student) == 0 and inbox.unread(other) == 1
    cases = [Case("other_student", 204)]
    run(inbox.platform, inbox.personas, "POST", "/v1/me/notifications/read-all", cases)
    assert inbox.unread(other) == 0


def _unsubscribe_path(inbox: Inbox) -> str:
    inbox.enrolled(inbox.personas.student)
    [mail] = inbox.mails(inbox.personas.student)
    return (
        mail["headers"]["list-unsubscribe"].strip("<>").removeprefix("https://api.coursewave.test")
    )


@pytest.mark.authz("GET /v1/unsubscribe")
def test_the_confirmation_page_is_public_and_the_same_for_everyone(inbox: Inbox) -> None:
    path = _unsubscribe_path(inbox)

    answers = run(inbox.platform, inbox.personas, "GET", path, same_for_everyone(200))

    assert {a.json()["notification_type"] for a in answers.values()} == {"enrollment"}
    assert all(a.json()["email_enabled"] for a in answers.values())


@pytest.mark.authz("POST /v1/unsubscribe")
def test_one_click_is_public_and_idempotent_whoever_sends_it(inbox: Inbox) -> None:
    path = _unsubscribe_path(inbox)
    for case in same_for_everyone(200):
        caller = inbox.personas.caller(case.persona)
        response = inbox.platform.call(
            "POST",
            path,
            caller=caller,
            body=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 200, (case.persona, response.body)
        assert response.json()["email_enabled"] is False
