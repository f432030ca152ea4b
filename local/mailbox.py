"""Every email the platform sent through SES, read from the in-process moto backend."""

from __future__ import annotations

import json
import threading
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from coursewave.clock import now_iso


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
                found.append(
                    {
                        "to": recipients,
                        "subject": message.subject,
                        "text": message.body,
                        "sent_at": sent_at,
                    }
                )
        return list(reversed(found))

    def route(self, query: dict[str, str]) -> tuple[int, str, bytes]:
        """``GET /_local/mailbox?to=``: newest first."""
        body = {"items": self.items(query.get("to") or None)}
        return 200, "application/json", json.dumps(body).encode()


def _recipients(message: Any) -> list[str]:
    destinations = message.destinations or {}
    if isinstance(destinations, dict):
        addresses = [a for values in destinations.values() for a in values]
    else:
        addresses = list(destinations)
    return [address.lower() for address in addresses]
