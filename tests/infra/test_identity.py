"""The user pool follows ``coursewave.resources.USER_POOL``; federation only with oauth=true."""

from __future__ import annotations

import json

import pytest

from coursewave import resources
from coursewave.config import reset_settings
from functions.auth import github_oidc
from infra_cdk.identity import OIDC_ENDPOINT_PATHS
from tests.infra.conftest import CALLBACK_URL, GITHUB_CLIENT_ID, GOOGLE_CLIENT_ID, Build

DECL = resources.USER_POOL


def test_password_policy_and_sign_in_come_from_the_declaration(default: Build) -> None:
    pool = default.only("AWS::Cognito::UserPool")["Properties"]
    policy = DECL.password_policy

    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": policy.min_length,
        "RequireLowercase": policy.require_lowercase,
        "RequireNumbers": policy.require_digits,
        "RequireSymbols": policy.require_symbols,
        "RequireUppercase": policy.require_uppercase,
    }
    assert pool["UsernameAttributes"] == list(DECL.username_attributes)
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is (not DECL.self_sign_up)
    assert pool.get("AutoVerifiedAttributes", []) == list(DECL.auto_verified_attributes)


def test_pool_is_protected_and_threat_protection_is_enforced(default: Build) -> None:
    resource = default.only("AWS::Cognito::UserPool")
    pool = resource["Properties"]

    assert pool["DeletionProtection"] == "ACTIVE"
    assert resource["DeletionPolicy"] == "Retain"
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": DECL.advanced_security_mode}


def test_groups_are_the_declared_roles(default: Build) -> None:
    groups = default.resources("AWS::Cognito::UserPoolGroup")

    assert sorted(g["Properties"]["GroupName"] for g in groups.values()) == sorted(DECL.groups)


def test_app_client_flows_and_token_lifetimes(default: Build) -> None:
    client = default.only("AWS::Cognito::UserPoolClient")["Properties"]

    assert client["ExplicitAuthFlows"] == [f"ALLOW_{flow}" for flow in DECL.auth_flows]
    assert client["GenerateSecret"] is False
    assert client["AccessTokenValidity"] == DECL.access_token_minutes
    assert client["IdTokenValidity"] == DECL.id_token_minutes
    assert client["RefreshTokenValidity"] == DECL.refresh_token_days * 24 * 60
    assert client["TokenValidityUnits"]["RefreshToken"] == "minutes"
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True


def test_refresh_token_rotation_never_breaks_the_declared_refresh_flow(each_build: Build) -> None:
    client = each_build.only("AWS::Cognito::UserPoolClient")["Properties"]
    rotation = client.get("RefreshTokenRotation", {}).get("Feature") == "ENABLED"

    # Cognito refuses REFRESH_TOKEN_AUTH on clients that rotate refresh tokens.
    assert not (rotation and "ALLOW_REFRESH_TOKEN_AUTH" in client["ExplicitAuthFlows"])
    assert rotation == (DECL.refresh_token_rotation and "REFRESH_TOKEN_AUTH" not in DECL.auth_flows)


def test_without_oauth_there_is_no_federation_and_cognito_sends_mail(default: Build) -> None:
    client = default.only("AWS::Cognito::UserPoolClient")["Properties"]
    pool = default.only("AWS::Cognito::UserPool")["Properties"]

    assert default.resources("AWS::Cognito::UserPoolIdentityProvider") == {}
    assert default.resources("AWS::Cognito::UserPoolDomain") == {}
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert "AllowedOAuthFlows" not in client
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}


def test_with_oauth_every_declared_provider_is_federated(full: Build) -> None:
    providers = {
        p["Properties"]["ProviderName"]: p["Properties"]
        for p in full.resources("AWS::Cognito::UserPoolIdentityProvider").values()
    }
    client = full.only("AWS::Cognito::UserPoolClient")["Properties"]

    assert set(providers) == {p.name for p in DECL.providers}
    assert providers[resources.GOOGLE.name]["ProviderType"] == "Google"
    assert providers[resources.GOOGLE.name]["ProviderDetails"]["client_id"] == GOOGLE_CLIENT_ID
    github = providers[resources.GITHUB.name]
    assert github["ProviderType"] == "OIDC"
    assert github["ProviderDetails"]["client_id"] == GITHUB_CLIENT_ID
    issuer = json.dumps(github["ProviderDetails"]["oidc_issuer"])
    assert "ApiEdgeDistribution" in issuer and resources.GITHUB.issuer_path in issuer
    assert client["AllowedOAuthFlows"] == list(DECL.oauth_flows)
    assert client["AllowedOAuthScopes"] == list(DECL.oauth_scopes)
    assert client["CallbackURLs"] == [CALLBACK_URL]
    assert len(client["SupportedIdentityProviders"]) == 1 + len(DECL.providers)
    assert full.resources("AWS::Cognito::UserPoolDomain")


def test_the_oidc_endpoints_are_the_ones_the_github_adapter_publishes(
    full: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = "https://d111.cloudfront.net" + str(resources.GITHUB.issuer_path)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://d111.cloudfront.net")
    reset_settings()
    try:
        published = github_oidc.discovery()
    finally:
        monkeypatch.undo()
        reset_settings()
    github = next(
        p["Properties"]["ProviderDetails"]
        for p in full.resources("AWS::Cognito::UserPoolIdentityProvider").values()
        if p["Properties"]["ProviderName"] == resources.GITHUB.name
    )

    assert published["issuer"] == issuer
    for name, key in (
        ("authorization", "authorization_endpoint"),
        ("token", "token_endpoint"),
        ("user_info", "userinfo_endpoint"),
        ("jwks_uri", "jwks_uri"),
    ):
        assert published[key] == issuer + OIDC_ENDPOINT_PATHS[name]
    for detail in ("authorize_url", "token_url", "attributes_url", "jwks_uri"):
        assert resources.GITHUB.issuer_path in json.dumps(github[detail])


def test_provider_secrets_are_dynamic_references_into_the_identity_secret(full: Build) -> None:
    secret_id = next(
        logical_id
        for logical_id in full.resources("AWS::SecretsManager::Secret")
        if "IdentitySecret" in logical_id
    )
    for provider in full.resources("AWS::Cognito::UserPoolIdentityProvider").values():
        secret = json.dumps(provider["Properties"]["ProviderDetails"]["client_secret"])
        assert "{{resolve:secretsmanager:" in secret
        assert secret_id in secret


def test_the_identity_secret_generates_the_pepper_and_leaves_placeholders(default: Build) -> None:
    secret = next(
        s["Properties"]
        for logical_id, s in default.resources("AWS::SecretsManager::Secret").items()
        if "IdentitySecret" in logical_id
    )
    generator = secret["GenerateSecretString"]
    template = json.loads(generator["SecretStringTemplate"])

    assert generator["GenerateStringKey"] == "code_pepper"
    assert set(template) | {"code_pepper"} == set(DECL.secret_keys)
    assert set(template.values()) == {"REPLACE_ME"}


def test_mail_from_context_sends_cognito_mail_through_ses(full: Build) -> None:
    email = full.only("AWS::Cognito::UserPool")["Properties"]["EmailConfiguration"]

    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"] == "Coursewave <no-reply@example.com>"
    assert "identity/example.com" in json.dumps(email["SourceArn"])
