"""Context values are validated once, with errors that name the key (no synth needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra_cdk.app import build_app
from infra_cdk.settings import Settings, SettingsError
from tests.infra.conftest import SKIP_BUNDLING, public_key_pem


class Context:
    """Stands in for a construct node: only ``try_get_context`` is read."""

    def __init__(self, **values: Any) -> None:
        self.values = values

    def try_get_context(self, key: str) -> Any:
        return self.values.get(key)


def settings(**values: Any) -> Settings:
    return Settings.from_context(Context(**values))  # type: ignore[arg-type]


def test_defaults_describe_a_production_deployment_with_waf() -> None:
    found = settings()

    assert found.stage == "prod"
    assert found.waf is True
    assert found.oauth is False
    assert found.mail is None
    assert found.media_signing_public_key is None
    assert found.transcode_image_tag == "latest"


def test_cli_strings_are_parsed() -> None:
    found = settings(oauth="true", waf="false", apiThrottleRateLimit="25", githubClientId="gh")

    assert found.oauth is True
    assert found.waf is False
    assert found.throttle_rate_limit == 25
    assert found.oauth_client_ids == {"GitHub": "gh"}
    assert (
        settings(webAppUrl="https://learn.example.com/").web_app_url == "https://learn.example.com"
    )


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"stage": "Prod!"}, "stage"),
        ({"oauth": "maybe"}, "oauth"),
        ({"apiThrottleRateLimit": "-1"}, "apiThrottleRateLimit"),
        ({"wafRateLimit": "lots"}, "wafRateLimit"),
        ({"mailFrom": "Coursewave"}, "mailFrom"),
        ({"sesIdentityArn": "arn:aws:ses:us-east-1:1:identity/x.com"}, "sesIdentityArn"),
        ({"mediaSigningPublicKey": "no/such/file.pem"}, "mediaSigningPublicKey"),
        ({"logLevel": "chatty"}, "logLevel"),
        ({"workerMinCapacity": "5", "workerMaxCapacity": "2"}, "workerMinCapacity"),
        ({"webAppUrl": "http://app.example.com"}, "webAppUrl"),
    ],
)
def test_bad_values_are_refused_naming_the_key(values: dict[str, Any], key: str) -> None:
    with pytest.raises(SettingsError, match=key):
        settings(**values)


def test_mail_from_keeps_the_display_name_and_finds_the_domain() -> None:
    mail = settings(mailFrom="Coursewave <no-reply@learn.example.org>").mail

    assert mail is not None
    assert mail.from_header == "Coursewave <no-reply@learn.example.org>"
    assert mail.address == "no-reply@learn.example.org"
    assert mail.domain == "learn.example.org"


def test_the_media_key_may_be_a_pem_or_a_file(tmp_path: Path) -> None:
    pem = public_key_pem()
    path = tmp_path / "media.pub.pem"
    path.write_text(pem)

    assert settings(mediaSigningPublicKey=pem).media_signing_public_key == pem.strip() + "\n"
    assert settings(mediaSigningPublicKey=str(path)).media_signing_public_key == pem.strip() + "\n"
    with pytest.raises(SettingsError, match="PUBLIC KEY"):
        settings(mediaSigningPublicKey="-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----")


def test_oauth_without_its_deployment_values_fails_early(tmp_path: Path) -> None:
    context = {**SKIP_BUNDLING, "oauth": "true", "oauthCallbackUrls": "https://app.example.com/cb"}

    with pytest.raises(SettingsError, match="googleClientId, githubClientId"):
        build_app(context=context, outdir=str(tmp_path))
