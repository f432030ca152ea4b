"""The Coursewave stack: a thin composition of one construct per capability.

Order matters only where a value flows: queues exist before functions (their URLs are
environment), the API's CloudFront URL before the user pool (GitHub's OIDC issuer is the API
itself), the user pool before the routes (the JWT authorizer trusts it).
"""

from __future__ import annotations

from aws_cdk import Annotations, CfnOutput, Stack
from constructs import Construct

from coursewave import resources
from functions.registry import MAIL
from infra_cdk.access import Platform
from infra_cdk.app_secrets import GeneratedSecrets, OperatorSecrets
from infra_cdk.compute import Functions
from infra_cdk.data import DataTable
from infra_cdk.declarations import Declarations
from infra_cdk.edge import VIEWER_ADDRESS_HEADER, ApiDistribution, EdgeFirewalls
from infra_cdk.event_lake import EventLake
from infra_cdk.http_api import HttpApi
from infra_cdk.identity import Identity, OAuthSettings
from infra_cdk.mail_events import MailEvents
from infra_cdk.media_delivery import MediaDelivery
from infra_cdk.messaging import Messaging, TableStreamConsumer
from infra_cdk.monitoring import Monitoring
from infra_cdk.naming import Names
from infra_cdk.schedules import Schedules
from infra_cdk.settings import Settings, SettingsError, client_id_key
from infra_cdk.signing_keys import SigningKeys
from infra_cdk.storage import Storage
from infra_cdk.web_app import WebApp
from infra_cdk.workers import ContainerWorkers
from infra_cdk.workflows import workflows

PUBLIC_BASE_URL = resources.PUBLIC_BASE_URL.env
CLIENT_IP_HEADER = resources.CLIENT_IP_HEADER.env


class CoursewaveStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        declarations: Declarations,
    ) -> None:
        names = Names(settings.stage)
        super().__init__(
            scope,
            construct_id,
            stack_name=names.stack,
            description=f"Coursewave e-learning platform ({settings.stage})",
        )
        self.settings = settings
        self.names = names
        monitoring = Monitoring(self, "Monitoring", alarm_email=settings.alarm_email)
        storage = Storage(self, "Storage")
        data = DataTable(self, "Data")
        messaging = Messaging(
            self, "Messaging", names=names, consumers=declarations.consumers, monitoring=monitoring
        )

        firewalls = EdgeFirewalls(self, "Firewalls", names=names, settings=settings)
        api = HttpApi(
            self,
            "HttpApi",
            names=names,
            throttle_rate_limit=settings.throttle_rate_limit,
            throttle_burst_limit=settings.throttle_burst_limit,
        )
        self.http_api = api
        edge = ApiDistribution(
            self,
            "ApiEdge",
            api_domain_name=api.domain_name,
            web_acl_arn=firewalls.api_acl_arn,
            log_bucket=storage.access_logs,
        )
        identity = Identity(
            self, "Identity", names=names, mail=settings.mail, oauth=self._oauth(settings, edge.url)
        )
        secrets = GeneratedSecrets(self, "Secrets", names=names)
        mail_events = (
            MailEvents(self, "MailEvents", names=names, default_bus=messaging.default_bus)
            if settings.mail
            else None
        )
        signing_keys = SigningKeys(self, "SigningKeys", names=names)
        operator_secrets = OperatorSecrets(self, "OperatorSecrets", names=names)
        media = MediaDelivery(
            self,
            "MediaDelivery",
            names=names,
            media_bucket=storage.buckets[resources.MEDIA_BUCKET.env],
            public_key_pem=settings.media_signing_public_key,
            web_acl_arn=firewalls.media_acl_arn,
            log_bucket=storage.access_logs,
        )
        web = WebApp(
            self,
            "WebApp",
            api_url=edge.url,
            upload_bucket=storage.buckets[resources.UPLOADS_BUCKET.env],
            media_domain=media.distribution.distribution_domain_name,
            web_acl_arn=firewalls.media_acl_arn,
            log_bucket=storage.access_logs,
        )
        lake = EventLake(
            self,
            "EventLake",
            access_logs=storage.access_logs,
            names=names,
        )
        platform = Platform(
            table=data.table,
            bus=messaging.bus,
            buckets=storage.buckets,
            user_pool=identity.user_pool,
            identity_env=identity.environment(),
            identity_secret=identity.secret,
            secrets=secrets.secrets,
            mail=settings.mail,
            mail_configuration_set=mail_events.name if mail_events else None,
            media=media.signing,
            queues=messaging.queues,
            queue_envs=messaging.queue_envs,
            operator_secrets=operator_secrets.secrets,
            payment_values=settings.payment_values,
            event_lake=lake.stream,
            xapi_lrs_endpoint=settings.xapi_lrs_endpoint,
            signing_keys=signing_keys.keys,
        )
        functions = Functions(
            self,
            "Functions",
            declarations=declarations,
            platform=platform,
            names=names,
            settings=settings,
        )
        if settings.mail is None and any(MAIL in decl.uses for decl in declarations.functions):
            Annotations.of(self).add_warning_v2(
                "coursewave:mail-from",
                "No context mailFrom: functions that send email fail with 'missing setting "
                f"{resources.MAIL_FROM.env}' until one is configured (docs/deploy.md).",
            )
        functions.add_environment(PUBLIC_BASE_URL, edge.url)
        functions.add_environment(resources.WEB_APP_URL.env, settings.web_app_url or web.url)
        functions.add_environment(CLIENT_IP_HEADER, VIEWER_ADDRESS_HEADER)
        api.add_routes(
            declarations,
            functions.functions,
            issuer=identity.issuer,
            audience=identity.client.user_pool_client_id,
        )
        messaging.attach_consumers(functions.functions)
        Schedules(
            self,
            "Schedules",
            schedules=declarations.schedules,
            functions=functions.functions,
            names=names,
        )
        for stream in declarations.stream_consumers:
            TableStreamConsumer(
                self,
                f"Stream-{stream.name}",
                decl=stream,
                table=data.table,
                function=functions.functions[stream.function],
                names=names,
                monitoring=monitoring,
            )
        workflows(
            self,
            declarations.state_machines,
            names=names,
            platform=platform,
            functions=functions.functions,
            monitoring=monitoring,
            event_buckets={
                decl.env: storage.buckets[decl.env]
                for decl in resources.BUCKETS
                if decl.browser_upload
            },
        )
        workers = None
        if declarations.container_workers:
            workers = ContainerWorkers(
                self,
                "Workers",
                workers=declarations.container_workers,
                queues=messaging.queues,
                queue_env=messaging.queue_envs,
                platform=platform,
                names=names,
                settings=settings,
            )

        outputs = {
            "ApiUrl": edge.url,
            "WebAppUrl": web.url,
            "WebAppBucketName": web.bucket.bucket_name,
            "ApiDirectUrl": api.url,
            "UserPoolId": identity.user_pool.user_pool_id,
            "UserPoolClientId": identity.client.user_pool_client_id,
            "EventBusName": messaging.bus.event_bus_name,
            "TableName": data.table.table_name,
            "MediaCdnDomain": media.distribution.distribution_domain_name,
            "MediaSigningKeySecret": media.signing_key_secret_name,
            "AlarmTopicArn": monitoring.topic.topic_arn,
            "EventLakeStreamName": lake.stream.delivery_stream_name,
            "EventLakeBucketName": lake.bucket.bucket_name,
            "EventLakeTable": f"{lake.table.database_name}.{resources.EVENT_LAKE.table}",
            **{
                f"{decl.logical_id}Arn": secret.secret_arn
                for decl in resources.OPERATOR_SECRETS
                for secret in [operator_secrets.secrets[decl.env]]
            },
            **{
                f"{decl.logical_id}Name": storage.buckets[decl.env].bucket_name
                for decl in resources.BUCKETS
            },
            **{
                f"{decl.logical_id}Arn": signing_keys.keys[decl.env].key_arn
                for decl in resources.SIGNING_KEYS
            },
        }
        if identity.hosted_domain_url:
            outputs["HostedUiDomain"] = identity.hosted_domain_url
        if workers:
            for name, repository in workers.repositories.items():
                outputs[f"{_pascal(name)}RepositoryUri"] = repository.repository_uri
        for key, value in outputs.items():
            CfnOutput(self, key, value=value)

    @staticmethod
    def _oauth(settings: Settings, api_url: str) -> OAuthSettings | None:
        if not settings.oauth:
            return None
        if not settings.oauth_callback_urls:
            raise SettingsError("context oauth=true needs oauthCallbackUrls (comma-separated)")
        missing = [
            client_id_key(provider)
            for provider in resources.USER_POOL.providers
            if provider.name not in settings.oauth_client_ids
        ]
        if missing:
            raise SettingsError(f"context oauth=true needs {', '.join(missing)}")
        return OAuthSettings(
            callback_urls=settings.oauth_callback_urls,
            client_ids=settings.oauth_client_ids,
            api_url=api_url,
        )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
