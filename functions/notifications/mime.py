"""An email as raw MIME: ``multipart/alternative`` with a plain-text and an HTML part.

SES v2 sends it as ``Content.Raw``: the simple form cannot carry ``List-Unsubscribe`` headers (and
moto keeps only its HTML part). Pure standard library; no I/O.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr

from coursewave.clock import now
from functions.notifications.domain import Message


def _one_line(value: str) -> str:
    return " ".join(value.split())


def build(sender: str, message: Message) -> bytes:
    """The raw message. ``sender`` is the From header (``Name <address>``); the recipient's name
    is in To. Non-transactional mail carries ``List-Unsubscribe`` with its signed link and
    ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058)."""
    sender_name, sender_address = parseaddr(sender)
    mail = EmailMessage(policy=SMTP)
    mail["From"] = Address(display_name=_one_line(sender_name), addr_spec=sender_address)
    mail["To"] = Address(display_name=_one_line(message.to_name), addr_spec=message.to_email)
    mail["Subject"] = _one_line(message.subject)
    mail["Date"] = format_datetime(now())
    mail["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    if message.unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(message.text, subtype="plain", charset="utf-8")
    mail.add_alternative(message.html, subtype="html", charset="utf-8")
    return mail.as_bytes()
