"""The SES configuration set platform mail is sent with, and its event destination: bounces and
complaints go to the account's default event bus, where the notifications domain's consumer
(``notifications-mail-feedback`` in ``functions/registry.py``) stops email to those addresses.

SES can only deliver to the default bus, which is why that consumer's rule sits there.
"""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_ses as ses
from constructs import Construct

from infra_cdk.naming import Names


class MailEvents(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, names: Names, default_bus: events.IEventBus
    ) -> None:
        super().__init__(scope, construct_id)
        self.configuration_set = ses.ConfigurationSet(
            self, "ConfigurationSet", configuration_set_name=names.resource("mail")
        )
        self.configuration_set.add_event_destination(
            "ToEventBridge",
            destination=ses.EventDestination.event_bus(default_bus),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )

    @property
    def name(self) -> str:
        return self.configuration_set.configuration_set_name
