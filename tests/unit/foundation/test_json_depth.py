"""The nesting scan that runs before a request body (or a cursor) is parsed."""

from __future__ import annotations

import json
import random
import time
from typing import Any

from coursewave.json_depth import MAX_JSON_DEPTH, nests_deeper_than

TRICKY = ["[", "]", "{", "}", '"', "\\", '\\"', "\\\\", '["', "x", "ü", "\\u005b"]


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


def _random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.choice(["list", "dict", "text", "number"] if depth < 12 else ["text", "number"])
    if kind == "list":
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == "dict":
        return {
            "".join(rng.choices(TRICKY, k=rng.randint(0, 4))): _random_value(rng, depth + 1)
            for _ in range(rng.randint(0, 3))
        }
    if kind == "text":
        return "".join(rng.choices(TRICKY, k=rng.randint(0, 6)))
    return rng.randint(-5, 5)


def test_the_scan_finds_the_parsers_depth_whatever_the_strings_hold() -> None:
    rng = random.Random(9)
    for _ in range(2000):
        value = _random_value(rng, 0)
        raw = json.dumps(value, ensure_ascii=rng.random() < 0.5).encode()
        depth = _depth(value)

        assert not nests_deeper_than(raw, depth), raw
        if depth:
            assert nests_deeper_than(raw, depth - 1), raw


def test_deep_arrays_and_objects_are_caught_and_the_limit_itself_passes() -> None:
    assert nests_deeper_than(b"[" * 5000 + b"]" * 5000)
    assert nests_deeper_than(b'{"a":' * 5000 + b"1" + b"}" * 5000)
    assert nests_deeper_than(b"[" * (MAX_JSON_DEPTH + 1))  # unterminated: still refused
    assert not nests_deeper_than(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert not nests_deeper_than(b"[]" * 10_000)  # many brackets, shallow


def test_brackets_inside_strings_do_not_count() -> None:
    assert not nests_deeper_than(json.dumps({"content": "[" * 5000 + "{" * 5000}).encode())
    assert not nests_deeper_than(json.dumps(["\\" * 7 + '"' + "[" * 5000]).encode())


def test_a_megabyte_of_brackets_is_scanned_quickly() -> None:
    started = time.perf_counter()
    nests_deeper_than(b"[]" * (512 * 1024))
    assert time.perf_counter() - started < 1.0
