"""The user record's computed keys, role items and normalisation (coursewave.users)."""

from __future__ import annotations

from coursewave.users import (
    EmailClaim,
    Principal,
    User,
    UserRole,
    new_user_items,
    normalise,
    normalise_email,
)


def user(**fields: object) -> User:
    values: dict[str, object] = {
        "user_id": "u1",
        "email": "Ana@Example.test",
        "name": "Ána  María",
        "roles": ["student", "instructor", "admin"],
        "created_at": "2026-11-23T10:00:00Z",
        **fields,
    }
    return User(**values)


def test_normalise_folds_case_accents_and_spaces() -> None:
    assert normalise("  Ána   MARÍA  Ñoño ") == "ana maria nono"
    assert normalise("Straße") == "strasse"
    assert normalise_email(" Ana@Example.TEST ") == "ana@example.test"


def test_a_listed_account_has_every_index_key() -> None:
    keys = user().keys()

    assert keys == {
        "PK": "USER#u1",
        "SK": "PROFILE",
        "GSI1PK": "USERS#EMAIL",
        "GSI1SK": "ana@example.test",
        "GSI2PK": "USERS#NAME",
        "GSI2SK": "ana maria#u1",
        "GSI3PK": "USERS#STATUS#active",
        "GSI3SK": "ana@example.test",
        "GSI4PK": "USEREMAIL#ana@example.test",
        "GSI4SK": "PROFILE",
    }


def test_a_deleted_account_is_only_listed_by_status() -> None:
    keys = user(status="deleted", email="deleted-u1@deleted.invalid").keys()

    assert keys["GSI3PK"] == "USERS#STATUS#deleted"
    assert [name for name, value in keys.items() if value is None] == [
        "GSI1PK",
        "GSI1SK",
        "GSI2PK",
        "GSI2SK",
        "GSI4PK",
        "GSI4SK",
    ]


def test_key_actions_set_and_remove_exactly_the_index_keys() -> None:
    actions = user(status="deleted").key_actions()

    kinds = sorted(type(action).__name__ for action in actions)
    assert kinds == ["RemoveAction"] * 6 + ["SetAction"] * 2  # every GSI key, never PK/SK


def test_a_new_account_is_its_record_claim_and_privileged_role_items() -> None:
    items = new_user_items(user())

    assert isinstance(items[0], User)
    (claim,) = [item for item in items if isinstance(item, EmailClaim)]
    assert claim.keys() == {"PK": "EMAIL#ana@example.test", "SK": "CLAIM"}
    roles = sorted(item.keys()["GSI1PK"] for item in items if isinstance(item, UserRole))
    assert roles == ["USERS#ROLE#admin", "USERS#ROLE#instructor"]


def test_the_principal_keeps_the_record_it_was_built_from() -> None:
    record = user(roles=["student"])

    principal = Principal.from_user(record)

    # (issue 8: a principal carries no storage record, only the record's fields as plain values)
    assert not hasattr(principal, "record")
    assert (principal.user_id, principal.email, principal.name, principal.status) == (
        record.user_id,
        record.email,
        record.name,
        record.status,
    )
    assert (principal.role_list, principal.created_at, principal.revision) == (
        tuple(record.roles),
        record.created_at,
        record.revision,
    )
    assert principal.roles == frozenset({"student"}) and not principal.is_admin
    assert principal == Principal.from_user(user(roles=["student"]))
