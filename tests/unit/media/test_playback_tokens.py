"""Playback tokens: short-lived, bound to one video, unforgeable."""

from __future__ import annotations

import pytest

from coursewave.errors import Forbidden, Unauthenticated
from functions.media import playback

KEY = b"k" * 32
NOW = 1_800_000_000


def test_a_token_is_valid_for_ten_minutes_for_its_media() -> None:
    token, grant = playback.issue_token(KEY, "med_1", "user-1", NOW)

    assert grant.expires_at - NOW == playback.TOKEN_TTL_SECONDS <= 600
    assert playback.verify_token(KEY, token, "med_1", NOW + 599) == grant
    assert grant.user_id == "user-1"


def test_an_expired_token_is_refused_with_401() -> None:
    token, _ = playback.issue_token(KEY, "med_1", "user-1", NOW)

    with pytest.raises(Unauthenticated, match="expired"):
        playback.verify_token(KEY, token, "med_1", NOW + 600)


def test_a_token_for_another_video_is_refused_with_403() -> None:
    token, _ = playback.issue_token(KEY, "med_1", "user-1", NOW)

    with pytest.raises(Forbidden):
        playback.verify_token(KEY, token, "med_2", NOW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: "eyJtIjoibWVkXzIiLCJ1IjoidXNlci0xIiwiZSI6OTk5OTk5OTk5OX0" + t[t.index(".") :],
        lambda t: t.split(".")[0],  # no signature
        lambda t: "",
        lambda t: "not-a-token.at-all",
        lambda t: t + "é",
    ],
)
def test_forged_or_damaged_tokens_are_refused_with_401(tamper) -> None:  # type: ignore[no-untyped-def]
    token, _ = playback.issue_token(KEY, "med_1", "user-1", NOW)

    with pytest.raises(Unauthenticated):
        playback.verify_token(KEY, tamper(token), "med_1", NOW)


def test_a_token_signed_with_another_key_is_refused() -> None:
    token, _ = playback.issue_token(b"another key", "med_1", "user-1", NOW)

    with pytest.raises(Unauthenticated):
        playback.verify_token(KEY, token, "med_1", NOW)
