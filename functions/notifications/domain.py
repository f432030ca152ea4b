"""The notifications domain's pure rules: what a rule says, who wants what, how text is made.

No I/O here. ``rules.py`` holds the table (one row per event and notification type), ``logic.py``
applies it, ``repository.py`` stores notifications, ``sender.py`` talks to SES.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

IN_APP, EMAIL = "in_app", "email"
Channel = Literal["in_app", "email"]

# Who a rule notifies, from the event's data (``Recipients.field`` names the data field):
USER = "user"  # the user id in the field (nobody when it is null)
COURSE_OWNER = "course_owner"  # the instructor of the course id in the field
ENROLLED_LEARNERS = "enrolled_learners"  # every active learner of the course id in the field
RecipientKind = Literal["user", "course_owner", "enrolled_learners"]


@dataclass(frozen=True)
class Recipients:
    kind: RecipientKind
    field: str


@dataclass(frozen=True)
class Rule:
    """One row of the table: an event becomes a notification of ``type`` for ``recipients``.

    ``title`` and ``body`` are ``str.format`` templates over the event's data and the context the
    consumer adds (``name``: the recipient's name; ``course_title`` when the data has a
    ``course_id``; ``amount`` when it has an ``amount``; ``provider_name``; ``code`` and
    ``valid_hours`` for rules that ``issue_code``). The email's subject is the title, its text
    part the body and its HTML part the same words, escaped; ``link`` (a path of the web app)
    goes with the in-app notification. ``transactional`` mail (codes, receipts) ignores
    preferences and carries no unsubscribe; every other type is one of
    ``users.NOTIFICATION_TYPES``. ``when`` keeps the rule to events whose data field has one of
    the listed values; ``exclude`` names data fields whose user is never notified (the author of
    their own comment).
    """

    name: str  # unique: part of every notification's id (idempotency)
    source: str
    detail_type: str
    type: str
    recipients: Recipients
    title: str
    body: str
    link: str | None = None  # a path of the web app, a template like the others
    transactional: bool = False
    in_app: bool = True
    email: bool = True
    when: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    issue_code: bool = False  # the email carries a one-time code issued at send time

    def applies_to(self, data: Mapping[str, Any]) -> bool:
        return all(data.get(name) in allowed for name, allowed in self.when.items())

    def placeholders(self) -> set[str]:
        """Every name the templates use (checked against each event's sample in the tests)."""
        names: set[str] = set()
        for template in (self.title, self.body, self.link or ""):
            names |= {part[1] for part in string.Formatter().parse(template) if part[1]}
        return names


@dataclass(frozen=True)
class Notification:
    id: str
    user_id: str
    type: str
    title: str
    body: str
    link: str | None
    created_at: str
    read_at: str | None = None
    event_id: str = ""


@dataclass(frozen=True)
class Person:
    """A recipient as the users domain knows them (an account that can receive nothing is
    never a ``Person``: deleted, banned)."""

    user_id: str
    name: str
    email: str
    preferences: Mapping[str, Any]


@dataclass(frozen=True)
class Message:
    """One email, ready for the sender."""

    to_name: str
    to_email: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str | None  # None: transactional (no List-Unsubscribe)


class TemplateError(ValueError):
    """A template names a value the event and its context do not have (a rule's bug)."""


PROVIDER_NAMES = {
    "stripe": "card (Stripe)",
    "mtn_momo": "MTN Mobile Money",
    "airtel_money": "Airtel Money",
    "google": "Google",
    "github": "GitHub",
}


def money(amount: int, currency: str, exponent: int) -> str:
    """``19.99 USD``, ``5000 RWF``: minor units shown with the currency's decimals."""
    if exponent <= 0:
        return f"{amount} {currency}"
    return f"{amount / 10**exponent:.{exponent}f} {currency}"


def wants(preferences: Mapping[str, Any], notification_type: str, channel: Channel) -> bool:
    """Whether the person's preferences let ``notification_type`` through ``channel``: on unless
    they turned it off (``preferences.notifications.<type>.<channel> == false``)."""
    chosen = (preferences.get("notifications") or {}).get(notification_type) or {}
    return chosen.get(channel) is not False


def render(template: str, context: Mapping[str, Any]) -> str:
    try:
        return template.format_map(dict(context))
    except (KeyError, IndexError, ValueError) as exc:
        raise TemplateError(f"template {template!r} needs {exc}") from exc


def notification_id(occurred_at: str, event_id: str, user_id: str, rule_name: str) -> str:
    """Deterministic (a repeat of the event gives the same id: one notification) and sortable
    by the event's time: ``n<yyyymmddThhmmss>-<digest>``."""
    stamp = re.sub(r"[^0-9T]", "", occurred_at)
    digest = hashlib.sha256(f"{event_id}|{user_id}|{rule_name}".encode()).hexdigest()[:20]
    return f"n{stamp}-{digest}"


NOTIFICATION_ID = re.compile(r"^n\d{8}T\d{6}-[0-9a-f]{20}$")


def html_part(title: str, text: str, unsubscribe_url: str | None) -> str:
    """The HTML alternative of an email: the same words as the text part, escaped."""
    paragraphs = "".join(
        f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>"
        for block in text.split("\n\n")
        if block.strip()
    )
    parts = [
        '<!doctype html><html><body style="font-family:sans-serif;max-width:36em">',
        f'<h1 style="font-size:1.3em">{html.escape(title)}</h1>',
        paragraphs,
    ]
    if unsubscribe_url:
        parts.append(
            '<p style="color:#666;font-size:.85em">You receive this because of your '
            "notification settings. "
            f'<a href="{html.escape(unsubscribe_url, quote=True)}">Unsubscribe</a> from this '
            "kind of email.</p>"
        )
    parts.append("</body></html>")
    return "".join(parts)


# How an unsubscribe page names each kind of email (``users.NOTIFICATION_TYPES``).
TYPE_LABELS = {
    "enrollment": "your enrollments",
    "media": "your videos being ready",
    "exam_result": "your exam results",
    "certificate": "your certificates",
    "comment_on_my_course": "comments on your courses",
    "reply_to_me": "replies to your comments",
    "review_on_my_course": "reviews of your courses",
    "announcement": "course announcements",
}

# What a browser that opens an unsubscribe page may do: show it, post its own form, nothing else.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",  # the page's URL carries the signed token
    "X-Content-Type-Options": "nosniff",
}


def prefers_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for a page rather than JSON: a browser following a
    link sends ``text/html`` first; API clients send ``application/json``, ``*/*`` or nothing."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    fallback = weights.get("*/*", 0.0)
    html_weight = weights.get("text/html", 0.0)
    return html_weight > 0 and html_weight > weights.get("application/json", fallback)


def unsubscribe_page(label: str, masked_email: str, email_enabled: bool, action: str | None) -> str:
    """The page a person sees from an email's unsubscribe link: what the link turns off and a
    button that posts the one-click form (``action``: the link itself; None once done)."""
    if action is None:
        heading, lead = "Unsubscribed", f"We will not email {masked_email} about {label} again."
    elif email_enabled:
        heading, lead = "Unsubscribe", f"Stop emails about {label} to {masked_email}?"
    else:
        heading, lead = "Already unsubscribed", f"{masked_email} gets no emails about {label}."
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(heading)} · Coursewave</title></head><body><main>",
        f"<h1>{html.escape(heading)}</h1><p>{html.escape(lead)}</p>",
    ]
    if action is not None and email_enabled:
        parts.append(
            f'<form method="post" action="{html.escape(action, quote=True)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            f'<button type="submit">Stop emails about {html.escape(label)}</button></form>'
        )
    parts.append(
        "<p>You can change every kind of email in your notification settings.</p>"
        "</main></body></html>"
    )
    return "".join(parts)


def text_part(body: str, unsubscribe_url: str | None) -> str:
    text = body.rstrip() + "\n"
    if unsubscribe_url:
        text += f"\n--\nUnsubscribe from this kind of email: {unsubscribe_url}\n"
    return text


# -- unsubscribe tokens ---------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    user_id: str
    type: str


class BadToken(ValueError):
    """An unsubscribe token that is malformed or not signed by us."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload: str) -> bytes:
    return hmac.new(key, f"unsubscribe.v1.{payload}".encode(), hashlib.sha256).digest()


def sign_unsubscribe(key: bytes, target: Unsubscribe) -> str:
    """``<payload>.<HMAC-SHA256>``, both base64url: the user and the notification type. It does
    not expire: an unsubscribe link in an old email must keep working (RFC 8058)."""
    payload = _b64(json.dumps({"u": target.user_id, "t": target.type}).encode())
    return f"{payload}.{_b64(_signature(key, payload))}"


def verify_unsubscribe(key: bytes, token: str, allowed_types: tuple[str, ...]) -> Unsubscribe:
    payload, _, signature = token.partition(".")
    try:
        expected = _signature(key, payload)
        if not payload or not hmac.compare_digest(_unb64(signature), expected):
            raise BadToken("bad signature")
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError) as exc:
        raise BadToken("malformed token") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not data["u"]:
        raise BadToken("malformed token")
    if data.get("t") not in allowed_types:
        raise BadToken("not an optional notification type")
    return Unsubscribe(user_id=data["u"], type=data["t"])


def mask_email(address: str) -> str:
    """``a***@example.test``: enough for the owner to recognise, little for a link scanner."""
    local, _, domain_part = address.partition("@")
    return f"{local[:1]}***@{domain_part}" if domain_part else "***"


def address_digest(address: str) -> str:
    """How a suppressed address is stored: not the address itself."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()
