"""A stand-in for GitHub's OAuth and API endpoints the GitHub OIDC adapter calls.

Locally nobody signs in through GitHub's consent page (the local hosted UI, ``fake_oauth``,
signs GitHub users in directly), so no GitHub code or token exists here: this answers every
code and token the way GitHub answers one it never issued. Without it the adapter would try
the real github.com, which these machines cannot reach, and answer 503 where AWS answers 401.
"""

from __future__ import annotations

import json
from collections.abc import Callable

PREFIX = "/_local/github"
Answer = tuple[int, str, bytes]


def _json(status: int, body: object) -> Answer:
    return status, "application/json", json.dumps(body).encode()


def _bad_credentials(_: dict[str, str]) -> Answer:
    # api.github.com's answer for an unknown or revoked token.
    return _json(401, {"message": "Bad credentials", "status": "401"})


def _bad_code(_: dict[str, str]) -> Answer:
    # github.com/login/oauth/access_token answers 200 with an error for a code it never issued.
    return _json(
        200,
        {
            "error": "bad_verification_code",
            "error_description": "The code passed is incorrect or expired.",
        },
    )


def routes(prefix: str = PREFIX) -> dict[str, Callable[[dict[str, str]], Answer]]:
    return {
        f"{prefix}/user": _bad_credentials,
        f"{prefix}/user/emails": _bad_credentials,
        f"{prefix}/login/oauth/access_token": _bad_code,
    }
