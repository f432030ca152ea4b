"""The table is exactly ``coursewave.resources.TABLE``, protected and streaming."""

from __future__ import annotations

from coursewave import resources
from tests.infra.conftest import Build


def test_table_keys_and_indexes_come_from_the_declaration(default: Build) -> None:
    decl = resources.TABLE
    table = default.only("AWS::DynamoDB::Table")
    props = table["Properties"]

    assert props["KeySchema"] == [
        {"AttributeName": decl.hash_key, "KeyType": "HASH"},
        {"AttributeName": decl.range_key, "KeyType": "RANGE"},
    ]
    indexes = {index["IndexName"]: index for index in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {index.name for index in decl.indexes}
    for index in decl.indexes:
        assert indexes[index.name]["KeySchema"] == [
            {"AttributeName": index.hash_key, "KeyType": "HASH"},
            {"AttributeName": index.range_key, "KeyType": "RANGE"},
        ]
        assert indexes[index.name]["Projection"] == {"ProjectionType": "ALL"}
    assert all(a["AttributeType"] == "S" for a in props["AttributeDefinitions"])


def test_table_is_on_demand_protected_and_streams_both_images(default: Build) -> None:
    table = default.only("AWS::DynamoDB::Table")
    props = table["Properties"]

    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": resources.TABLE.ttl_attribute,
        "Enabled": True,
    }
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
