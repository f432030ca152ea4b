"""Certificates in AWS: the stack owns an asymmetric KMS key that signs credentials (RS256), kept
when the stack goes, and only the certificates functions may sign with it or read its public
half; the worker has a queue on the events it acts on and one for account deletion."""

from __future__ import annotations

import json

from coursewave import resources
from functions import registry
from tests.infra.conftest import Build

DECL = resources.CERTIFICATE_SIGNING_KEY


def _key(build: Build) -> tuple[str, dict]:
    found = {
        lid: r
        for lid, r in build.resources("AWS::KMS::Key").items()
        if r["Properties"].get("KeyUsage") == "SIGN_VERIFY"
    }
    assert len(found) == 1, found
    return next(iter(found.items()))


def test_the_signing_key_is_an_asymmetric_rsa_key_the_stack_retains(default: Build) -> None:
    logical_id, key = _key(default)
    assert key["Properties"]["KeySpec"] == DECL.key_spec == "RSA_2048"
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    assert f"{DECL.logical_id}Arn" in default.json["Outputs"]
    assert logical_id.startswith("SigningKeys")


def test_only_the_certificates_functions_sign_and_read_the_public_key(default: Build) -> None:
    key_id, _ = _key(default)
    signers = set()
    for policy in default.resources("AWS::IAM::Policy").values():
        document = json.dumps(policy["Properties"]["PolicyDocument"])
        if "kms:Sign" not in document:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "kms:Sign" in statement["Action"]:
                assert statement["Action"] == ["kms:GetPublicKey", "kms:Sign"]
                assert statement["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
        signers |= {role["Ref"] for role in policy["Properties"]["Roles"]}
    expected = {
        default.function(decl.name)[1]["Role"]["Fn::GetAtt"][0]
        for decl in registry.FUNCTIONS
        if registry.CERTIFICATE_SIGNING in decl.uses
    }
    assert signers == expected and len(expected) == 2
    for name in ("certificates", "certificates-worker"):
        env = default.function(name)[1]["Environment"]["Variables"]
        assert env[DECL.env] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_the_worker_has_its_queues_with_dead_letter_queues(default: Build) -> None:
    rules = {
        json.dumps(rule["Properties"]["EventPattern"], sort_keys=True)
        for rule in default.resources("AWS::Events::Rule").values()
        if "EventPattern" in rule["Properties"]
    }
    for name in ("certificates-events", "certificates-erasure"):
        decl = next(c for c in registry.CONSUMERS if c.name == name)
        assert json.dumps(decl.pattern, sort_keys=True) in rules, name
