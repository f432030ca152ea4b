"""The notifications domain's pure parts: the table, preferences, ids, unsubscribe tokens, MIME."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from coursewave.event_models import EVENTS
from functions.notifications import domain, mime, rules
from functions.notifications.domain import BadToken, Message, Unsubscribe
from functions.users.public import NOTIFICATION_TYPES
from tests.support.contracts import EVENTS_DIR

KEY = b"k" * 48
# What the consumer adds to an event's data for the templates (logic._Context, logic._email).
CONTEXT = {"name", "course_title", "amount", "provider_name", "code", "valid_hours"}


def _sample(detail_type: str) -> dict[str, object]:
    sample = json.loads((EVENTS_DIR / "samples" / f"{detail_type}.json").read_text())
    return dict(sample["detail"]["data"])


@pytest.mark.parametrize("rule", rules.RULES, ids=[rule.name for rule in rules.RULES])
def test_every_row_names_a_real_event_and_renders_with_its_sample(rule: domain.Rule) -> None:
    model = EVENTS[rule.detail_type]
    data = _sample(rule.detail_type)

    assert rule.source == f"coursewave.{model.publisher}"
    assert rule.recipients.field in model.model_fields
    fields = set(model.model_fields)
    assert set(rule.when) <= fields and set(rule.exclude) <= fields
    assert rule.placeholders() <= set(data) | CONTEXT, rule.placeholders() - set(data) - CONTEXT
    context = {**data, **{name: f"<{name}>" for name in CONTEXT}}
    assert domain.render(rule.title, context) and domain.render(rule.body, context)


def test_rows_are_unique_and_only_the_optional_types_can_be_turned_off() -> None:
    names = [rule.name for rule in rules.RULES]
    assert len(names) == len(set(names))
    for rule in rules.RULES:
        assert rule.transactional is (rule.type not in NOTIFICATION_TYPES), rule.name
        assert not rule.issue_code or (rule.transactional and not rule.in_app), rule.name


def test_the_code_rows_split_the_event_by_purpose_and_provider() -> None:
    def matching(data: dict[str, str]) -> list[str]:
        found = rules.rules_for("coursewave.auth", "CodeRequested")
        return [rule.name for rule in found if rule.applies_to(data)]

    assert matching({"purpose": "verify", "provider": "password"}) == ["verify-code"]
    assert matching({"purpose": "reset", "provider": "password"}) == ["reset-code"]
    assert matching({"purpose": "reset", "provider": "github"}) == ["federated-reset"]
    assert matching({"purpose": "verify", "provider": "google"}) == []


def test_a_template_naming_a_missing_value_fails_loudly() -> None:
    with pytest.raises(domain.TemplateError, match="course_title"):
        domain.render("Enrolled in {course_title}", {"name": "Ana"})


def test_preferences_are_on_unless_turned_off_per_type_and_channel() -> None:
    prefs = {"notifications": {"media": {"email": False}, "enrollment": {"in_app": False}}}

    assert domain.wants({}, "media", domain.EMAIL) and domain.wants({}, "media", domain.IN_APP)
    assert not domain.wants(prefs, "media", domain.EMAIL)
    assert domain.wants(prefs, "media", domain.IN_APP)
    assert not domain.wants(prefs, "enrollment", domain.IN_APP)
    assert domain.wants(prefs, "enrollment", domain.EMAIL)


def test_notification_ids_are_deterministic_and_sort_by_the_event_time() -> None:
    first = domain.notification_id("2026-11-24T09:00:00Z", "evt1", "u1", "enrollment")
    again = domain.notification_id("2026-11-24T09:00:00Z", "evt1", "u1", "enrollment")
    other_rule = domain.notification_id("2026-11-24T09:00:00Z", "evt1", "u1", "media-ready")
    later = domain.notification_id("2026-11-24T09:00:01Z", "evt0", "u1", "enrollment")

    assert first == again != other_rule
    assert first < later
    assert domain.NOTIFICATION_ID.match(first)


def test_an_unsubscribe_token_round_trips_and_any_tampering_is_refused() -> None:
    token = domain.sign_unsubscribe(KEY, Unsubscribe("u1", "media"))

    assert domain.verify_unsubscribe(KEY, token, NOTIFICATION_TYPES) == Unsubscribe("u1", "media")
    payload, signature = token.split(".")
    forged = domain.sign_unsubscribe(b"another key" * 4, Unsubscribe("u2", "media"))
    for bad in (
        forged,  # signed with another key
        f"{forged.split('.')[0]}.{signature}",  # someone else's payload, our signature
        f"{payload}.{signature[:-2]}",  # a cut signature
        f"{payload}x.{signature}",
        payload,
        "",
    ):
        with pytest.raises(BadToken):
            domain.verify_unsubscribe(KEY, bad, NOTIFICATION_TYPES)
    receipts = domain.sign_unsubscribe(KEY, Unsubscribe("u1", "payment"))
    with pytest.raises(BadToken, match="optional"):
        domain.verify_unsubscribe(KEY, receipts, NOTIFICATION_TYPES)  # transactional: never


def _parsed(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_mail_is_multipart_alternative_with_the_recipient_name_and_one_click_headers() -> None:
    url = "https://api.example.test/v1/unsubscribe?token=abc.def"
    body = "Hello Zoë <script>, your course is ready."
    message = Message(
        to_name="Zoë O'Brien, PhD",
        to_email="zoe@example.test",
        subject="Ready\r\nBcc: victim@example.test",
        text=domain.text_part(body, url),
        html=domain.html_part("Ready", body, url),
        unsubscribe_url=url,
    )

    parsed = _parsed(mime.build("Coursewave <no-reply@example.test>", message))

    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["To"].addresses[0].display_name == "Zoë O'Brien, PhD"
    assert parsed["To"].addresses[0].addr_spec == "zoe@example.test"
    assert parsed["Subject"] == "Ready Bcc: victim@example.test" and parsed["Bcc"] is None
    assert parsed["List-Unsubscribe"] == f"<{url}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert body in text and url in text
    assert "&lt;script&gt;" in html and "<script>" not in html and "Unsubscribe" in html


def test_transactional_mail_has_no_unsubscribe_header() -> None:
    message = Message("Ana", "ana@example.test", "Receipt", "Paid.\n", "<p>Paid.</p>", None)

    parsed = _parsed(mime.build("Coursewave <no-reply@example.test>", message))

    assert parsed["List-Unsubscribe"] is None and parsed["List-Unsubscribe-Post"] is None


def test_money_is_shown_with_the_currency_decimals() -> None:
    assert domain.money(1999, "USD", 2) == "19.99 USD"
    assert domain.money(5000, "RWF", 0) == "5000 RWF"
    assert domain.money(1234, "KWD", 3) == "1.234 KWD"


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chrome
        ("text/html", True),
        ("application/json", False),
        ("*/*", False),
        (None, False),
        ("", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0, */*", False),
        ("text/html;q=oops", False),
    ],
)
def test_a_page_goes_only_to_a_client_that_prefers_html(accept: str | None, page: bool) -> None:
    assert domain.prefers_html(accept) is page


def test_every_notification_type_has_a_label_on_the_unsubscribe_page() -> None:
    assert set(domain.TYPE_LABELS) == set(NOTIFICATION_TYPES)


def test_the_unsubscribe_page_escapes_what_it_shows() -> None:
    page = domain.unsubscribe_page("<b>x</b>", "a***@<i>.test", True, '?token=a"b')

    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<i>" not in page
    assert 'action="?token=a&quot;b"' in page
    assert "<script" not in page
