"""The asymmetric KMS keys ``coursewave.resources.SIGNING_KEYS`` declares (the certificates'
credential-signing key). The private half never leaves KMS; functions that name the key in
``uses`` get ``kms:Sign`` and ``kms:GetPublicKey`` on it and nothing else."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct

from coursewave import resources
from infra_cdk.naming import Names


class SigningKeys(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names) -> None:
        super().__init__(scope, construct_id)
        self.keys: dict[str, kms.Key] = {}
        for decl in resources.SIGNING_KEYS:
            self.keys[decl.env] = kms.Key(
                self,
                decl.logical_id,
                description=f"{decl.purpose} ({names.stage})",
                key_spec=kms.KeySpec(decl.key_spec),
                key_usage=kms.KeyUsage.SIGN_VERIFY,
                # Credentials signed with it must stay verifiable: never deleted with the stack
                # (a retired key's public half stays in the JWKS, docs/certificates.md).
                removal_policy=RemovalPolicy.RETAIN,
                alias=f"alias/{names.resource(decl.logical_id)}",
            )
