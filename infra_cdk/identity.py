"""The Cognito user pool exactly as ``coursewave.resources.USER_POOL`` declares it: sign-in
attributes, who may sign up, the app client's flows and token lifetimes, groups, threat
protection, and (context ``oauth=true``) the hosted domain with the federated providers.

The identity secret (``USER_POOL.secret_env``: one JSON document with ``secret_keys``) is created
here: the code pepper is generated, the other keys hold placeholders an operator replaces
(docs/deploy.md). Federated providers read their client secret from it through CloudFormation
dynamic references, resolved at deploy time: no secret is in the code or the template. Google
is Cognito's native provider; GitHub is an OIDC provider whose issuer is the platform's own
adapter on the API (``<API URL><issuer_path>``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Annotations, Aws, Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from coursewave import resources
from infra_cdk.nag import acknowledge
from infra_cdk.naming import Names
from infra_cdk.settings import MailSettings

GENERATED_SECRET_KEY = "code_pepper"  # noqa: S105 - a JSON key of the identity secret
PLACEHOLDER = "REPLACE_ME"
# Declared username attribute → CDK's SignInAliases field.
SIGN_IN_ALIASES = {
    "email": "email",
    "phone_number": "phone",
    "preferred_username": "preferred_username",
}
AUTH_FLOWS = {
    "ADMIN_USER_PASSWORD_AUTH": "admin_user_password",
    "USER_PASSWORD_AUTH": "user_password",
    "USER_SRP_AUTH": "user_srp",
    "CUSTOM_AUTH": "custom",
}
REFRESH_FLOW = "REFRESH_TOKEN_AUTH"
STANDARD_SCOPES = {
    "openid": cognito.OAuthScope.OPENID,
    "email": cognito.OAuthScope.EMAIL,
    "profile": cognito.OAuthScope.PROFILE,
    "phone": cognito.OAuthScope.PHONE,
    "aws.cognito.signin.user.admin": cognito.OAuthScope.COGNITO_ADMIN,
}
# User pool attribute (as declared) → CDK's AttributeMapping field.
MAPPED_ATTRIBUTES = {
    "email": "email",
    "email_verified": "email_verified",
    "name": "fullname",
    "picture": "profile_picture",
    "given_name": "given_name",
    "family_name": "family_name",
}
ROTATION_GRACE = Duration.seconds(10)
# The endpoints of an OIDC provider, below its issuer: the GitHub adapter publishes the same in
# its discovery document. Naming them explicitly spares Cognito the discovery request when it
# creates the provider, which the adapter (served by functions created later in the same
# deployment, after the app client this provider belongs to) could not yet answer.
OIDC_ENDPOINT_PATHS = {
    "authorization": "/authorize",
    "token": "/token",
    "user_info": "/userinfo",
    "jwks_uri": "/jwks",
}


@dataclass(frozen=True)
class OAuthSettings:
    """What federated sign-in needs beyond the declaration: deployment-specific values."""

    callback_urls: tuple[str, ...]
    client_ids: Mapping[str, str]  # FederatedProviderDecl.name → its OAuth client id
    api_url: str  # the base of an OIDC provider's issuer_path


class Identity(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: Names,
        mail: MailSettings | None,
        oauth: OAuthSettings | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.decl = decl = resources.USER_POOL
        self.names = names
        self.oauth = oauth
        self.secret = self._identity_secret()
        self.user_pool = self._user_pool(mail)
        for group in decl.groups:
            cognito.UserPoolGroup(
                self, f"Group-{group}", user_pool=self.user_pool, group_name=group
            )
        providers = [self._provider(p, oauth) for p in decl.providers] if oauth else []
        self.domain = (
            self.user_pool.add_domain(
                "Domain",
                cognito_domain=cognito.CognitoDomainOptions(
                    domain_prefix=f"{names.prefix}-{Aws.ACCOUNT_ID}"
                ),
            )
            if oauth
            else None
        )
        self.client = self._client(providers)

    @property
    def issuer(self) -> str:
        """The ``iss`` of the pool's tokens, which the API's JWT authorizer trusts."""
        return f"https://cognito-idp.{Aws.REGION}.amazonaws.com/{self.user_pool.user_pool_id}"

    @property
    def hosted_domain_url(self) -> str | None:
        if self.domain is None:
            return None
        return f"https://{self.domain.domain_name}.auth.{Aws.REGION}.amazoncognito.com"

    def environment(self) -> dict[str, str]:
        """What functions that use the user pool learn about it (coursewave.config)."""
        env = {
            self.decl.pool_env: self.user_pool.user_pool_id,
            self.decl.client_env: self.client.user_pool_client_id,
            self.decl.secret_env: self.secret.secret_arn,
        }
        if self.oauth and self.hosted_domain_url:
            env[self.decl.domain_env] = self.hosted_domain_url
            env[self.decl.redirect_uris_env] = ",".join(self.oauth.callback_urls)
            for provider in self.decl.providers:
                env[provider.client_id_env] = self.oauth.client_ids[provider.name]
        return env

    def _identity_secret(self) -> secretsmanager.Secret:
        placeholders = {
            key: PLACEHOLDER for key in self.decl.secret_keys if key != GENERATED_SECRET_KEY
        }
        secret = secretsmanager.Secret(
            self,
            "IdentitySecret",
            secret_name=self.names.secret("identity"),
            description=(
                "Coursewave identity secret (JSON): code_pepper is generated; replace every "
                f"{PLACEHOLDER} value (docs/deploy.md)."
            ),
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps(placeholders),
                generate_string_key=GENERATED_SECRET_KEY,
                exclude_punctuation=True,
                password_length=48,
            ),
        )
        acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "Its values are rotated by hand (docs/deploy.md): the OAuth client secrets are "
            "issued by Google and GitHub, the OIDC signing key must stay published in the "
            "adapter's JWKS while tokens signed with it live, and a new code pepper "
            "invalidates outstanding one-time codes.",
        )
        return secret

    def _user_pool(self, mail: MailSettings | None) -> cognito.UserPool:
        decl = self.decl
        policy = decl.password_policy
        unknown = set(decl.username_attributes) - set(SIGN_IN_ALIASES)
        if unknown:
            raise ValueError(f"USER_POOL.username_attributes: unsupported {sorted(unknown)}")
        threat_protection = decl.advanced_security_mode == "ENFORCED"
        pool = cognito.UserPool(
            self,
            decl.logical_id,
            user_pool_name=self.names.resource("users"),
            sign_in_aliases=cognito.SignInAliases(
                **{SIGN_IN_ALIASES[name]: True for name in decl.username_attributes}
            ),
            sign_in_case_sensitive=False,
            self_sign_up_enabled=decl.self_sign_up,
            auto_verify=cognito.AutoVerifiedAttrs(
                email="email" in decl.auto_verified_attributes,
                phone="phone_number" in decl.auto_verified_attributes,
            ),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=policy.min_length,
                require_lowercase=policy.require_lowercase,
                require_uppercase=policy.require_uppercase,
                require_digits=policy.require_digits,
                require_symbols=policy.require_symbols,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OFF,
            feature_plan=(
                cognito.FeaturePlan.PLUS if threat_protection else cognito.FeaturePlan.ESSENTIALS
            ),
            standard_threat_protection_mode=(
                cognito.StandardThreatProtectionMode.FULL_FUNCTION if threat_protection else None
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            email=_email(mail, Aws.REGION),
        )
        if mail and mail.identity_arn:
            pool.node.default_child.add_property_override(  # type: ignore[union-attr]
                "EmailConfiguration.SourceArn", mail.identity_arn
            )
        acknowledge(
            pool,
            "AwsSolutions-COG1",
            "The password policy is the product's (API.md): at least "
            f"{policy.min_length} characters and not all one character class, checked by the auth "
            "function; NIST SP 800-63B favours length over composition rules. Threat protection "
            "(compromised credentials, adaptive authentication) is enforced on the pool.",
        )
        acknowledge(
            pool,
            "AwsSolutions-COG2",
            "Learners sign in with email and password or Google/GitHub; the API offers no MFA "
            "enrolment flow. Threat protection in full-function mode blocks risky sign-ins.",
        )
        return pool

    def _client(self, providers: list[cognito.UserPoolIdentityProvider]) -> cognito.UserPoolClient:
        decl, oauth = self.decl, self.oauth
        flows = [flow for flow in decl.auth_flows if flow != REFRESH_FLOW]
        unknown = set(flows) - set(AUTH_FLOWS)
        if unknown:
            raise ValueError(f"USER_POOL.auth_flows: unsupported {sorted(unknown)}")
        rotation = decl.refresh_token_rotation and REFRESH_FLOW not in decl.auth_flows
        if decl.refresh_token_rotation and not rotation:
            Annotations.of(self).add_warning_v2(
                "coursewave:refresh-token-rotation",
                "USER_POOL declares refresh_token_rotation and the REFRESH_TOKEN_AUTH flow; "
                "Cognito cannot rotate refresh tokens for clients that refresh with "
                "REFRESH_TOKEN_AUTH (only GetTokensFromRefreshToken), so rotation is left off.",
            )
        client = self.user_pool.add_client(
            "ApiClient",
            user_pool_client_name=self.names.resource("api"),
            generate_secret=False,
            auth_flows=cognito.AuthFlow(**{AUTH_FLOWS[flow]: True for flow in flows}),
            access_token_validity=Duration.minutes(decl.access_token_minutes),
            id_token_validity=Duration.minutes(decl.id_token_minutes),
            refresh_token_validity=Duration.days(decl.refresh_token_days),
            refresh_token_rotation_grace_period=ROTATION_GRACE if rotation else None,
            prevent_user_existence_errors=decl.prevent_user_existence_errors,
            enable_token_revocation=True,
            supported_identity_providers=[
                cognito.UserPoolClientIdentityProvider.COGNITO,
                *(
                    cognito.UserPoolClientIdentityProvider.custom(provider.provider_name)
                    for provider in providers
                ),
            ],
            disable_o_auth=oauth is None,
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(
                    authorization_code_grant="code" in decl.oauth_flows,
                    implicit_code_grant="implicit" in decl.oauth_flows,
                ),
                scopes=[
                    STANDARD_SCOPES.get(scope) or cognito.OAuthScope.custom(scope)
                    for scope in decl.oauth_scopes
                ],
                callback_urls=list(oauth.callback_urls),
                logout_urls=list(oauth.callback_urls),
            )
            if oauth
            else None,
        )
        # Exactly the declared flows (CDK would add ALLOW_REFRESH_TOKEN_AUTH on its own).
        client.node.default_child.add_property_override(  # type: ignore[union-attr]
            "ExplicitAuthFlows", [f"ALLOW_{flow}" for flow in decl.auth_flows]
        )
        for provider in providers:
            client.node.add_dependency(provider)
        return client

    def _provider(
        self, decl: resources.FederatedProviderDecl, oauth: OAuthSettings
    ) -> cognito.UserPoolIdentityProvider:
        client_id = oauth.client_ids[decl.name]
        secret = self.secret.secret_value_from_json(decl.secret_key)
        mapping = _attribute_mapping(decl.attribute_mapping)
        if decl.kind == "google":
            return cognito.UserPoolIdentityProviderGoogle(
                self,
                decl.name,
                user_pool=self.user_pool,
                client_id=client_id,
                client_secret_value=secret,
                scopes=list(decl.scopes),
                attribute_mapping=mapping,
            )
        if decl.kind == "oidc":
            if not decl.issuer_path:
                raise ValueError(f"OIDC provider {decl.name} declares no issuer_path")
            issuer = oauth.api_url.rstrip("/") + decl.issuer_path
            return cognito.UserPoolIdentityProviderOidc(
                self,
                decl.name,
                user_pool=self.user_pool,
                name=decl.name,
                issuer_url=issuer,
                endpoints=cognito.OidcEndpoints(
                    **{name: issuer + path for name, path in OIDC_ENDPOINT_PATHS.items()}
                ),
                client_id=client_id,
                # A dynamic reference ({{resolve:secretsmanager:...}}), not the value.
                client_secret=secret.unsafe_unwrap(),
                scopes=list(decl.scopes),
                attribute_request_method=cognito.OidcAttributeRequestMethod.GET,
                attribute_mapping=mapping,
            )
        raise ValueError(f"federated provider {decl.name}: unknown kind {decl.kind!r}")


def _attribute_mapping(mapping: Mapping[str, str]) -> cognito.AttributeMapping:
    """User pool attribute → provider claim, in CDK's terms (``name`` is ``fullname``)."""
    unknown = set(mapping) - set(MAPPED_ATTRIBUTES)
    if unknown:
        raise ValueError(f"unsupported attributes in a provider mapping: {sorted(unknown)}")
    return cognito.AttributeMapping(
        **{
            MAPPED_ATTRIBUTES[attribute]: cognito.ProviderAttribute.other(claim)
            for attribute, claim in mapping.items()
        }
    )


def _email(mail: MailSettings | None, region: str) -> cognito.UserPoolEmail:
    """Cognito's own sender unless context ``mailFrom`` names a verified SES identity."""
    if mail is None:
        return cognito.UserPoolEmail.with_cognito()
    name, _, _ = mail.from_header.partition("<")
    return cognito.UserPoolEmail.with_ses(
        from_email=mail.address,
        from_name=name.strip().strip('"') or None,
        ses_verified_domain=mail.domain,
        ses_region=region,  # the stack's own: the identity is verified where the pool lives
    )
