"""What the auth domain offers other domains.

Sign-in and sessions are reached over HTTP (``/v1/auth/*``) only. The notifications domain, which
sends every email, issues the one-time code of a ``CodeRequested`` event when it writes the email
(``issue_code``): the code never travels in an event.
"""

from __future__ import annotations

from functions.auth.codes import IssuedCode, issue_code

__all__ = ["IssuedCode", "issue_code"]
