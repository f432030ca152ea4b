"""Playback tokens: short-lived, bound to one video, its viewer and lesson, unforgeable."""

from __future__ import annotations

import pytest

from coursewave.errors import Forbidden, Unauthenticated
from functions.media import playback

KEY = b"k" * 32
NOW = 1_800_000_000


def _token(
    key: bytes = KEY, ttl: int = 600, media_id: str = "med_1"
) -> tuple[str, playback.PlaybackGrant]:
    grant = playback.grant_for(media_id, "user-1", "crs_1", "lsn_1", NOW, ttl)
    return playback.issue_token(key, grant), grant


def test_a_token_is_valid_for_ten_minutes_for_its_media() -> None:
    token, grant = _token()

    assert grant.expires_at - NOW == playback.TOKEN_TTL_SECONDS <= 600
    assert playback.verify_token(KEY, token, "med_1", NOW + 599) == grant
    assert (grant.user_id, grant.course_id, grant.lesson_id) == ("user-1", "crs_1", "lsn_1")


def test_a_configured_lifetime_is_used_but_never_beyond_ten_minutes() -> None:
    assert _token(ttl=3)[1].expires_at == NOW + 3
    assert _token(ttl=3600)[1].expires_at == NOW + 600
    assert _token(ttl=0)[1].expires_at == NOW + 1


def test_an_expired_token_is_refused_with_401() -> None:
    token, _ = _token()

    with pytest.raises(Unauthenticated, match="expired"):
        playback.verify_token(KEY, token, "med_1", NOW + 600)


def test_an_expired_token_is_read_only_where_the_caller_asks_for_it() -> None:
    token, grant = _token()

    assert playback.verify_token(KEY, token, "med_1", NOW + 9999, allow_expired=True) == grant
    with pytest.raises(Forbidden):
        playback.verify_token(KEY, token, "med_2", NOW + 9999, allow_expired=True)


def test_a_token_for_another_video_is_refused_with_403() -> None:
    token, _ = _token()

    with pytest.raises(Forbidden):
        playback.verify_token(KEY, token, "med_2", NOW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        # another video's claims under this token's signature
        lambda t: (
            "eyJtIjoibWVkXzIiLCJ1IjoidXNlci0xIiwiYyI6ImMiLCJsIjoibCIsImUiOjk5OTk5OTk5OTl9"
            + t[t.index(".") :]
        ),
        lambda t: t.split(".")[0],  # no signature
        lambda t: "",
        lambda t: "not-a-token.at-all",
        lambda t: t + "é",
    ],
)
def test_forged_or_damaged_tokens_are_refused_with_401(tamper) -> None:  # type: ignore[no-untyped-def]
    token, _ = _token()

    with pytest.raises(Unauthenticated):
        playback.verify_token(KEY, tamper(token), "med_1", NOW)
    with pytest.raises(Unauthenticated):
        playback.verify_token(KEY, tamper(token), "med_1", NOW, allow_expired=True)


def test_a_token_signed_with_another_key_is_refused() -> None:
    token, _ = _token(key=b"another key")

    with pytest.raises(Unauthenticated):
        playback.verify_token(KEY, token, "med_1", NOW)


def test_a_segment_redirect_expires_within_a_minute_and_never_after_the_token() -> None:
    _, grant = _token()
    assert playback.redirect_expiry(grant, NOW) == NOW + playback.REDIRECT_TTL_SECONDS <= NOW + 60
    assert playback.redirect_expiry(grant, NOW + 590) == grant.expires_at
