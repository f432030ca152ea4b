"""Platform mail is sent with an SES configuration set whose bounces and complaints reach the
default bus, where the notifications consumer's rule picks them up."""

from __future__ import annotations

import json

from coursewave import resources
from functions import registry
from tests.infra.conftest import Build


def test_bounces_and_complaints_go_to_the_default_bus_and_mail_is_sent_with_the_set(
    full: Build,
) -> None:
    [(set_id, config_set)] = full.resources("AWS::SES::ConfigurationSet").items()
    [destination] = full.resources("AWS::SES::ConfigurationSetEventDestination").values()
    assert config_set["Properties"]["Name"] == full.stack.names.resource("mail")

    target = destination["Properties"]["EventDestination"]
    assert sorted(target["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert "event-bus/default" in json.dumps(target["EventBridgeDestination"]["EventBusArn"])
    for decl in full.declarations.functions:
        if registry.MAIL in decl.uses:
            _, props = full.function(decl.name)
            env = props["Environment"]["Variables"]
            assert env[resources.MAIL_CONFIGURATION_SET.env] == {"Ref": set_id}, decl.name
    feedback = next(c for c in registry.CONSUMERS if c.name == "notifications-mail-feedback")
    assert feedback.on_default_bus and feedback.sources == ("aws.ses",)
