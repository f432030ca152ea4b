from __future__ import annotations

import pytest

from coursewave.clock import iso, new_id, now
from coursewave.errors import BadRequest
from coursewave.pagination import decode_cursor, encode_cursor

KEYS = {"PK", "SK"}


def test_a_cursor_round_trips_to_the_exclusive_start_key() -> None:
    lek = {"PK": {"S": "COURSE#1"}, "SK": {"S": "LESSON#2"}}
    cursor = encode_cursor(lek)
    assert cursor is not None
    assert decode_cursor(cursor, key_names=KEYS, fixed={"PK": "COURSE#1"}) == lek


def test_no_last_key_means_no_cursor() -> None:
    assert encode_cursor(None) is None
    assert decode_cursor(None, key_names=KEYS) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        encode_cursor({"PK": {"S": "COURSE#other"}, "SK": {"S": "x"}}),
        encode_cursor({"PK": {"S": "COURSE#1"}}),
        encode_cursor({"PK": {"S": "COURSE#1"}, "SK": {"S": "x"}, "GSI1PK": {"S": "y"}}),
    ],
    ids=["garbage", "other partition", "missing key", "extra key"],
)
def test_tampered_cursors_are_rejected(cursor: str) -> None:
    with pytest.raises(BadRequest):
        decode_cursor(cursor, key_names=KEYS, fixed={"PK": "COURSE#1"})


def test_ids_are_unique_sortable_and_opaque() -> None:
    ids = [new_id() for _ in range(500)]
    assert len(set(ids)) == 500
    assert all(len(value) == 26 and value.isalnum() for value in ids)
    assert new_id("m_").startswith("m_")


def test_timestamps_are_iso_utc_with_z() -> None:
    stamp = iso(now())
    assert stamp.endswith("Z") and len(stamp) == 20
