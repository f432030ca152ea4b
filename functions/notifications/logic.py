"""Notifications use cases: an event through the table (``rules.py``) to in-app notifications and
email, the caller's list and reads, unsubscribing, bounces, erasure.

Per recipient, everything is idempotent on (event id, recipient, rule): the notification's id is
derived from them, its write is conditional, and its email is claimed once
(``repository.claim_mail``) — a repeated delivery writes and sends nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coursewave.clock import now_iso
from coursewave.config import settings
from coursewave.errors import BadRequest, Conflict, NotFound
from coursewave.observability import logger, metrics
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import BANNED, DELETED, Principal
from functions.auth import public as auth
from functions.courses import public as courses
from functions.enrollment import public as enrollment
from functions.notifications import domain, fanout, repository, rules, sender, tokens
from functions.notifications.domain import (
    COURSE_OWNER,
    EMAIL,
    ENROLLED_LEARNERS,
    IN_APP,
    USER,
    Message,
    Notification,
    Person,
    Rule,
)
from functions.users import public as users

FANOUT_PAGE = 50  # learners per message of an announcement's fan-out
READ_ALL_BATCH = 99  # notifications per transaction (the unread count is the 100th item)
UNSUBSCRIBE_PATH = "/v1/unsubscribe"


@dataclass(frozen=True)
class Event:
    source: str
    detail_type: str
    event_id: str
    occurred_at: str
    data: Mapping[str, Any]
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Event:
        """The parts of an EventBridge event we use (``KeyError``/``TypeError``: a poison)."""
        metadata = body["detail"]["metadata"]
        data = body["detail"]["data"]
        if not isinstance(data, dict):
            raise TypeError("event data must be an object")
        return cls(
            source=str(body["source"]),
            detail_type=str(body["detail-type"]),
            event_id=str(metadata["event_id"]),
            occurred_at=str(metadata["occurred_at"]),
            data=data,
            raw=body,
        )


# -- events → notifications -------------------------------------------------------------------


def _owner(course_id: Any) -> list[str]:
    found = courses.course(str(course_id)) if course_id else None
    return [found.instructor_id] if found else []


RESOLVERS: dict[str, Callable[[Any], list[str]]] = {
    USER: lambda user_id: [str(user_id)] if user_id else [],
    COURSE_OWNER: _owner,
}


def handle_event(event: Event) -> int:
    """Every rule the event matches, for all its recipients; how many were reached."""
    reached = 0
    context = _Context(event)
    for rule in rules.rules_for(event.source, event.detail_type):
        if rule.applies_to(event.data):
            reached += apply_rule(rule, event, context)
    return reached


def apply_rule(
    rule: Rule, event: Event, context: _Context | None = None, cursor: str | None = None
) -> int:
    context = context or _Context(event)
    value = event.data.get(rule.recipients.field)
    if rule.recipients.kind == ENROLLED_LEARNERS:
        # One roster page here; the next page continues from the consumer's own queue, so a
        # course of any size never outlasts one invocation (each page is idempotent too).
        user_ids, next_cursor = enrollment.learner_ids_page(str(value), FANOUT_PAGE, cursor)
        if next_cursor:
            fanout.continue_later(
                {"event": dict(event.raw), "rule": rule.name, "cursor": next_cursor}
            )
    else:
        user_ids = RESOLVERS[rule.recipients.kind](value)
    excluded = {str(event.data.get(name)) for name in rule.exclude}
    reached = 0
    for user_id in dict.fromkeys(user_ids):
        if user_id not in excluded:
            reached += deliver(rule, event, user_id, context)
    return reached


def continue_fanout(continuation: Mapping[str, Any]) -> int:
    event = Event.parse(continuation["event"])
    rule = next(r for r in rules.RULES if r.name == continuation["rule"])
    return apply_rule(rule, event, cursor=str(continuation["cursor"]))


class _Context:
    """What templates may use besides the event's data, read once per event."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self._shared: dict[str, Any] | None = None

    def shared(self) -> dict[str, Any]:
        if self._shared is None:
            data = dict(self.event.data)
            values: dict[str, Any] = dict(data)
            if "course_id" in data:
                found = courses.course(str(data["course_id"]))
                values["course_title"] = found.title if found else "your course"
            amount = data.get("amount")
            if isinstance(amount, dict):
                currency = str(amount["currency"])
                exponent = courses.currency_exponent(currency)
                values["amount"] = domain.money(int(amount["amount"]), currency, exponent)
            if "provider" in data:
                values["provider_name"] = domain.PROVIDER_NAMES.get(
                    str(data["provider"]), str(data["provider"])
                )
            self._shared = values
        return self._shared

    def for_person(self, person: Person) -> dict[str, Any]:
        return {**self.shared(), "name": person.name}


def person(user_id: str, transactional: bool) -> Person | None:
    """The recipient, if they can receive anything: a deleted account never does, a banned one
    only transactional mail (a refund receipt)."""
    account = users.find(user_id)
    if account is None or account.status == DELETED:
        return None
    if account.status == BANNED and not transactional:
        return None
    return Person(account.user_id, account.name, account.email, account.preferences)


def deliver(rule: Rule, event: Event, user_id: str, context: _Context) -> int:
    """The rule's in-app notification and email for one recipient, each at most once."""
    recipient = person(user_id, rule.transactional)
    if recipient is None:
        return 0
    values = context.for_person(recipient)
    notification_id = domain.notification_id(event.occurred_at, event.event_id, user_id, rule.name)
    if rule.in_app and (
        rule.transactional or domain.wants(recipient.preferences, rule.type, IN_APP)
    ):
        created = repository.create(
            Notification(
                id=notification_id,
                user_id=user_id,
                type=rule.type,
                title=domain.render(rule.title, values),
                body=domain.render(rule.body, values),
                link=domain.render(rule.link, values) if rule.link else None,
                created_at=now_iso(),
                event_id=event.event_id,
            )
        )
        if created:
            metrics.add_metric(name="NotificationCreated", unit="Count", value=1)
    if rule.email and (rule.transactional or domain.wants(recipient.preferences, rule.type, EMAIL)):
        _email(rule, event, recipient, notification_id, values)
    return 1


def _email(
    rule: Rule, event: Event, recipient: Person, notification_id: str, values: dict[str, Any]
) -> None:
    # Codes go out even to a suppressed address: the person asked for one just now.
    if not rule.issue_code and repository.suppressed(recipient.email):
        metrics.add_metric(name="EmailSuppressed", unit="Count", value=1)
        return
    if not repository.claim_mail(recipient.user_id, notification_id):
        return  # sent for an earlier delivery of the same event
    try:
        if rule.issue_code:
            issued = auth.issue_code(recipient.user_id, str(event.data["purpose"]))
            if issued is None:
                return  # no longer due (confirmed meanwhile): nothing to send
            values = {**values, "code": issued.code, "valid_hours": issued.valid_hours}
        sender.send(message(rule, recipient, values))
    except Exception:
        repository.release_mail(recipient.user_id, notification_id)  # the retry sends it
        raise
    metrics.add_metric(name="EmailSent", unit="Count", value=1)


def message(rule: Rule, recipient: Person, values: Mapping[str, Any]) -> Message:
    title = domain.render(rule.title, values)
    body = domain.render(rule.body, values)
    unsubscribe = None if rule.transactional else unsubscribe_url(recipient.user_id, rule.type)
    return Message(
        to_name=recipient.name,
        to_email=recipient.email,
        subject=title,
        text=domain.text_part(body, unsubscribe),
        html=domain.html_part(title, body, unsubscribe),
        unsubscribe_url=unsubscribe,
    )


def unsubscribe_url(user_id: str, notification_type: str) -> str:
    token = domain.sign_unsubscribe(tokens.key(), domain.Unsubscribe(user_id, notification_type))
    base = settings().require("public_base_url").rstrip("/")
    return f"{base}{UNSUBSCRIBE_PATH}?token={token}"


# -- the caller's notifications ---------------------------------------------------------------


def my_notifications(
    principal: Principal, unread_only: bool, limit: int, cursor: str | None
) -> tuple[list[Notification], str | None]:
    names, fixed = repository.partition_of(principal.user_id, unread_only)
    start = decode_cursor(cursor, key_names=names, fixed=fixed)
    found, last_key = repository.page(principal.user_id, unread_only, limit, start)
    return found, encode_cursor(last_key)


def read(principal: Principal, notification_id: str) -> None:
    """Mark one of the caller's notifications read (again: no change); 404 if not theirs."""
    if not domain.NOTIFICATION_ID.match(notification_id):
        raise NotFound("No such notification.")
    if repository.mark_read(principal.user_id, notification_id, now_iso()) is None:
        raise NotFound("No such notification.")


def read_all(principal: Principal) -> int:
    """Every unread notification of the caller read, the unread count down by as many."""
    marked, at = 0, now_iso()
    for _attempt in range(50):
        batch = repository.unread_ids(principal.user_id, READ_ALL_BATCH)
        if not batch:
            return marked
        if repository.mark_many_read(principal.user_id, batch, at):
            marked += len(batch)
    raise Conflict("Notifications kept changing; try again.")


# -- unsubscribe ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    type: str
    email: str  # masked
    email_enabled: bool


def _target(token: str) -> tuple[domain.Unsubscribe, users.Account]:
    try:
        target = domain.verify_unsubscribe(tokens.key(), token, users.NOTIFICATION_TYPES)
    except domain.BadToken as exc:
        raise BadRequest("This unsubscribe link is not valid.", code="INVALID_TOKEN") from exc
    account = users.find(target.user_id)
    if account is None or account.status == DELETED:
        raise NotFound("No such subscription.")
    return target, account


def subscription(token: str) -> Subscription:
    """What the link would turn off (GET: changes nothing)."""
    target, account = _target(token)
    return Subscription(
        target.type,
        domain.mask_email(account.email),
        domain.wants(account.preferences, target.type, EMAIL),
    )


def unsubscribe(token: str) -> Subscription:
    """Turn the link's notification type's email off (idempotent)."""
    for _attempt in range(3):
        target, account = _target(token)
        if not domain.wants(account.preferences, target.type, EMAIL):
            break
        preferences = users.merge_preferences(
            account.preferences, {"notifications": {target.type: {EMAIL: False}}}
        )
        try:
            users.update(account, {"preferences": preferences, "updated_at": now_iso()})
        except users.ConcurrentChange:
            continue
        metrics.add_metric(name="Unsubscribed", unit="Count", value=1)
        break
    else:
        raise Conflict("The account changed at the same time; try again.")
    return Subscription(target.type, domain.mask_email(account.email), False)


# -- SES feedback and erasure -------------------------------------------------------------------


def mail_feedback(detail: Mapping[str, Any]) -> int:
    """An SES event (EventBridge ``aws.ses``): a permanent bounce or a complaint stops email to
    its addresses. Transient bounces and other events change nothing."""
    kind = detail.get("eventType")
    if kind == "Bounce" and (detail.get("bounce") or {}).get("bounceType") == "Permanent":
        addresses = _addresses(detail["bounce"].get("bouncedRecipients") or [])
        reason = "bounce"
    elif kind == "Complaint":
        addresses = _addresses(detail["complaint"].get("complainedRecipients") or [])
        reason = "complaint"
    else:
        return 0
    at = now_iso()
    for address in addresses:
        repository.suppress(address, reason, at)
    metrics.add_metric(name="EmailAddressSuppressed", unit="Count", value=len(addresses))
    return len(addresses)


def _addresses(recipients: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(r["emailAddress"]) for r in recipients if r.get("emailAddress")]


def erase(user_id: str) -> int:
    """``UserDeleted``: the person's notifications and mail claims go (their words may hold the
    name); the unread count is 0. A repeat deletes nothing."""
    removed = repository.erase(user_id)
    logger.info("notifications erased", extra={"items": removed})
    return removed
