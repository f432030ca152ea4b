"""The event lake (``coursewave.resources.EVENT_LAKE``): a Firehose delivery stream into the lake
bucket and the Glue table Athena queries it through.

The analytics-lake function puts events on the stream (``PutRecordBatch``); Firehose writes them
as JSON lines under ``events/YYYY/MM/DD/HH/`` (its default time layout after the prefix, which
moto writes too). The table's partition ``dt`` is projected from that layout, so no crawler and
no ``MSCK REPAIR`` is needed: a query filters on ``dt`` and Athena reads only those hours.
"""

from __future__ import annotations

from aws_cdk import Duration, Size, Stack
from aws_cdk import aws_glue as glue
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_s3 as s3
from constructs import Construct

from coursewave import resources
from infra_cdk.nag import acknowledge, token_name
from infra_cdk.naming import Names
from infra_cdk.storage import private_bucket_props

BUFFER_INTERVAL = Duration.minutes(5)
BUFFER_SIZE = Size.mebibytes(5)
# The columns of one line (functions/analytics/domain.py ``lake_record``); ``data`` is the
# event's own JSON (Athena: json_extract_scalar(data, '$.course_id')).
COLUMNS = (
    ("event_id", "string"),
    ("source", "string"),
    ("detail_type", "string"),
    ("version", "int"),
    ("occurred_at", "string"),
    ("correlation_id", "string"),
    ("data", "string"),
)
FIRST_HOUR = "2026/01/01/00"


class EventLake(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, access_logs: s3.IBucket, names: Names
    ) -> None:
        super().__init__(scope, construct_id)
        decl = resources.EVENT_LAKE
        self.bucket = bucket = s3.Bucket(
            self,
            decl.bucket_logical_id,
            lifecycle_rules=[
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1))
            ],
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix=f"s3/{decl.bucket_logical_id}/",
            **private_bucket_props(),
        )
        self.stream = firehose.DeliveryStream(
            self,
            decl.logical_id,
            delivery_stream_name=names.resource("event-lake"),
            destination=firehose.S3Bucket(
                bucket,
                data_output_prefix=decl.prefix,
                error_output_prefix=decl.error_prefix,
                buffering_interval=BUFFER_INTERVAL,
                buffering_size=BUFFER_SIZE,
            ),
            encryption=firehose.StreamEncryption.aws_owned_key(),
        )
        role = self.stream.node.find_child("S3 Destination Role")
        for rule in ("s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*"):
            acknowledge(
                role,
                f"AwsSolutions-IAM5[Action::{rule}]",
                "Firehose's own delivery role, as the CDK grants it (read/write on the lake "
                "bucket only, for multipart uploads and retries); no other bucket is reachable.",
            )
        bucket_arn = token_name(bucket.node.default_child, "Arn")  # type: ignore[arg-type]
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::{bucket_arn}/*]",
            "Firehose names its objects at delivery time (by hour), so it writes any key of the "
            "lake bucket, and of that bucket only.",
        )
        account = Stack.of(self).account
        database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=f"{decl.database}_{names.stage.replace('-', '_')}",  # Glue: no "-"
                description="Coursewave domain events (the event lake)",
            ),
        )
        location = f"s3://{bucket.bucket_name}/{decl.prefix}"
        self.table = glue.CfnTable(
            self,
            "Table",
            catalog_id=account,
            database_name=database.ref,
            table_input=glue.CfnTable.TableInputProperty(
                name=decl.table,
                description="One row per domain event, from the event lake's JSON lines",
                table_type="EXTERNAL_TABLE",
                partition_keys=[glue.CfnTable.ColumnProperty(name="dt", type="string")],
                parameters={
                    "classification": "json",
                    "projection.enabled": "true",
                    "projection.dt.type": "date",
                    "projection.dt.format": "yyyy/MM/dd/HH",
                    "projection.dt.range": f"{FIRST_HOUR},NOW",
                    "projection.dt.interval": "1",
                    "projection.dt.interval.unit": "HOURS",
                    "storage.location.template": location + "${dt}/",
                },
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=location,
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in COLUMNS],
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.openx.data.jsonserde.JsonSerDe",
                        parameters={"ignore.malformed.json": "true"},
                    ),
                ),
            ),
        )
