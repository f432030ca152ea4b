"""DynamoDB on-demand request units as the local stats count them (``local/capacity.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from local.capacity import item_size, request_units, value_size


def _absent(_table: str, _key: dict[str, Any]) -> tuple[int, int] | None:
    return None


def _text(size: int) -> dict[str, Any]:
    """An item of exactly ``size`` bytes: attribute ``d`` (1 byte) holding ``size - 1`` bytes."""
    return {"d": {"S": "x" * (size - 1)}}


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": "héllo"}, 6),
        ({"N": "12345"}, 4),
        ({"N": "-0.5"}, 2),
        ({"BOOL": True}, 1),
        ({"NULL": True}, 1),
        ({"B": b"\x00\x01"}, 2),
        ({"SS": ["ab", "c"]}, 3),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + (1 + 2) + (1 + 2)),
        ({"M": {"k": {"S": "v"}}}, 3 + 1 + 1 + 1),
    ],
)
def test_value_sizes_follow_dynamodb(value: dict[str, Any], size: int) -> None:
    assert value_size(value) == size


def test_an_item_counts_its_attribute_names() -> None:
    assert item_size({"PK": {"S": "COURSE#1"}, "n": {"N": "7"}}) == 2 + 8 + 1 + 2


def test_reads_round_up_to_4_kb_and_halve_when_eventually_consistent() -> None:
    small = {"Item": _text(100)}
    large = {"Item": _text(4097)}

    assert request_units("GetItem", {"ConsistentRead": True}, small, _absent).read == 1
    assert request_units("GetItem", {}, small, _absent).read == 0.5
    assert request_units("GetItem", {"ConsistentRead": True}, large, _absent).read == 2
    assert request_units("GetItem", {}, {}, _absent).read == 0.5  # a miss still costs


def test_a_query_sums_its_items_before_rounding_and_an_index_is_never_strong() -> None:
    items = {"Items": [_text(1500), _text(1500), _text(1500)]}  # 4500 bytes: 2 units

    assert request_units("Query", {"ConsistentRead": True}, items, _absent).read == 2
    assert request_units("Query", {}, items, _absent).read == 1
    strong_on_index = {"ConsistentRead": True, "IndexName": "GSI1"}
    assert request_units("Query", strong_on_index, items, _absent).read == 1


def test_a_batch_get_prices_each_key_found_or_not() -> None:
    params = {"RequestItems": {"t": {"Keys": [{}, {}, {}], "ConsistentRead": True}}}
    response = {"Responses": {"t": [_text(5000), _text(10)]}}

    assert request_units("BatchGetItem", params, response, _absent).read == 2 + 1 + 1


def test_a_put_writes_the_table_and_every_index_holding_the_item() -> None:
    item = {**_text(1500), "GSI1PK": {"S": "a"}, "GSI3PK": {"S": "b"}}  # 1514 bytes: 2 units

    assert request_units("PutItem", {"Item": item}, {}, _absent).write == 2 + 2 * 2
    assert request_units("PutItem", {"Item": _text(10)}, {}, _absent).write == 1


def test_updates_are_priced_by_the_item_as_stored_afterwards() -> None:
    def stored(table: str, key: dict[str, Any]) -> tuple[int, int] | None:
        assert (table, key) == ("t", {"PK": {"S": "k"}})
        return 2100, 1  # 3 units, in one index

    params = {"TableName": "t", "Key": {"PK": {"S": "k"}}}

    assert request_units("UpdateItem", params, None, stored).write == 3 + 3
    assert request_units("DeleteItem", params, {}, _absent).write == 1


def test_a_transaction_doubles_the_table_writes() -> None:
    params = {
        "TransactItems": [
            {"Put": {"TableName": "t", "Item": {**_text(10), "GSI2PK": {"S": "x"}}}},
            {"Update": {"TableName": "t", "Key": {"PK": {"S": "k"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"PK": {"S": "c"}}}},
        ]
    }

    assert request_units("TransactWriteItems", params, {}, _absent).write == (2 + 1) + 2 + 2


def test_operations_that_touch_no_item_cost_nothing() -> None:
    assert request_units("DescribeTable", {}, {}, _absent).write == 0
    assert request_units("DescribeTable", {}, {}, _absent).read == 0
