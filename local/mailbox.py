"""Every email the platform sent through SES, read from the in-process moto backend.

Mail goes out as raw MIME (``functions/notifications/mime.py``): each message is parsed back
into its subject, plain-text part (``text``: codes appear there), HTML part and headers.
"""

from __future__ import annotations

import json
import threading
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from coursewave.clock import now_iso

SHOWN_HEADERS = ("from", "to", "list-unsubscribe", "list-unsubscribe-post")


class Mailbox:
    def __init__(self, region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.region = region
        self.account_id = account_id
        self._stamps: dict[str, str] = {}
        self._lock = threading.Lock()

    def _messages(self) -> list[Any]:
        return list(ses_backends[self.account_id][self.region].sent_messages)

    def items(self, to: str | None = None) -> list[dict[str, Any]]:
        found = []
        with self._lock:
            for message in self._messages():
                sent_at = self._stamps.setdefault(message.id, now_iso())
                recipients = _recipients(message)
                if to and to.lower() not in recipients:
                    continue
                found.append({"to": recipients, "sent_at": sent_at, **_content(message)})
        return list(reversed(found))

    def route(self, query: dict[str, str]) -> tuple[int, str, bytes]:
        """``GET /_local/mailbox?to=``: newest first."""
        body = {"items": self.items(query.get("to") or None)}
        return 200, "application/json", json.dumps(body).encode()


def _content(message: Any) -> dict[str, Any]:
    raw = getattr(message, "raw_data", None)
    if raw is None:  # a simple (non-raw) message
        return {"subject": message.subject, "text": message.body, "html": None, "headers": {}}
    parsed = message_from_string(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    return {
        "subject": str(parsed["subject"] or ""),
        "text": text.get_content() if text is not None else "",
        "html": html.get_content() if html is not None else None,
        "headers": {name: str(parsed[name]) for name in SHOWN_HEADERS if parsed[name] is not None},
    }


def _recipients(message: Any) -> list[str]:
    destinations = message.destinations or {}
    if isinstance(destinations, dict):
        values = [a for addresses in destinations.values() for a in addresses]
    else:
        values = list(destinations)
    addresses = [address.lower() for _, address in getaddresses(values) if address]
    return list(dict.fromkeys(addresses))
