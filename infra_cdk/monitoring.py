"""Operator alarms: one SNS topic (optionally mailed), and the alarms every capability adds."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, alarm_email: str | None) -> None:
        super().__init__(scope, construct_id)
        # A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed
        # SNS key, and the topic must be encrypted at rest.
        key = kms.Key(
            self,
            "TopicKey",
            description="Encrypts the Coursewave operator alarm topic",
            enable_key_rotation=True,
        )
        key.grant(
            iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
        )
        self.topic = sns.Topic(
            self, "AlarmTopic", display_name="Coursewave alarms", master_key=key, enforce_ssl=True
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self._action = cloudwatch_actions.SnsAction(self.topic)

    def alarm(self, alarm: cloudwatch.Alarm) -> cloudwatch.Alarm:
        alarm.add_alarm_action(self._action)
        return alarm

    def dead_letters(self, scope: Construct, queue: sqs.IQueue, what: str) -> cloudwatch.Alarm:
        """Alarm as soon as one message sits in ``queue`` (a dead-letter queue)."""
        return self.alarm(
            cloudwatch.Alarm(
                scope,
                "DeadLettersAlarm",
                alarm_description=f"Messages in the dead-letter queue of {what}: inspect, redrive",
                metric=queue.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(1), statistic="Maximum"
                ),
                threshold=0,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
        )
