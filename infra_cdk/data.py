"""The single DynamoDB table, exactly as ``coursewave.resources.TABLE`` declares it."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from coursewave import resources


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class DataTable(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        decl = resources.TABLE
        self.table = dynamodb.Table(
            self,
            decl.logical_id,
            partition_key=_string(decl.hash_key),
            sort_key=_string(decl.range_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            time_to_live_attribute=decl.ttl_attribute,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in decl.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string(index.hash_key),
                sort_key=_string(index.range_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
