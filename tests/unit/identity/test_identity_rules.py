"""Password policy, email syntax, one-time codes, rate windows, PKCE (functions.auth.domain)."""

from __future__ import annotations

import re

import pytest

from functions.auth import domain as rules


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Short-1", "at least 10"),
        ("a" * 10, "at least two"),
        ("ABCDEFGHIJK", "at least two"),
        ("0123456789", "at least two"),
        ("!@#$%^&*()_", "at least two"),
        (" leading-Space1", "space"),
        ("trailing-Space1 ", "space"),
        ("x1" * 129, "at most 256"),
        ("me@example.test-1", "email"),
    ],
)
def test_passwords_that_fail_the_policy_say_why(password: str, problem: str) -> None:
    found = rules.password_problem(password, email="ME@example.test")

    assert found is not None and problem in found


@pytest.mark.parametrize(
    "password",
    ["lowercase-and-dash", "correct horse 9", "UPPER lower", "ÉcoleNormale1", "1234567890a"],
)
def test_passwords_that_pass(password: str) -> None:
    assert rules.password_problem(password, email="me@example.test") is None


def test_character_classes_count_unicode_letters_by_case() -> None:
    assert rules.character_classes("éèà") == 1
    assert rules.character_classes("Éa1!") == 4


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("a@example.test", True),
        ("first.last+tag@sub.example.co", True),
        ("no-at-sign.test", False),
        ("a@nodot", False),
        ("two@@example.test", False),
        ("spa ce@example.test", False),
        ("a@example..test", False),
        (f"{'x' * 65}@example.test", False),
        (f"a@{'x' * 250}.test", False),
    ],
)
def test_email_syntax(email: str, ok: bool) -> None:
    assert (rules.email_problem(email) is None) is ok


def test_codes_are_six_digits_and_stored_only_as_a_keyed_hash() -> None:
    codes = {rules.new_code() for _ in range(200)}

    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(codes) > 150  # random, not a sequence
    stored = rules.code_hash("pepper", "verify", "user-1", "123456")
    assert "123456" not in stored
    assert rules.code_matches("pepper", "verify", "user-1", "123456", stored)
    # bound to the pepper, the purpose and the account
    assert not rules.code_matches("other", "verify", "user-1", "123456", stored)
    assert not rules.code_matches("pepper", "reset", "user-1", "123456", stored)
    assert not rules.code_matches("pepper", "verify", "user-2", "123456", stored)
    assert not rules.code_matches("pepper", "verify", "user-1", "123457", stored)


def test_fixed_windows_align_to_their_size() -> None:
    assert rules.window(1_000_000.9, 900) == (999_900, 1_000_800)
    assert rules.window(999_900, 900) == (999_900, 1_000_800)
    for rule in rules.RATE_RULES.values():
        assert 0 < rule.per_email <= rule.per_ip and rule.window_seconds >= 900
    assert set(rules.RATE_RULES) == {"register", "login", "confirm", "resend", "forgot", "reset"}


def test_subjects_are_hashed_and_case_insensitive() -> None:
    assert rules.subject_hash("A@Example.test ") == rules.subject_hash("a@example.test")
    assert "example" not in rules.subject_hash("a@example.test")


def test_pkce_pairs_follow_rfc_7636() -> None:
    verifier, challenge = rules.pkce_pair()

    assert 43 <= len(verifier) <= 128 and re.fullmatch(r"[A-Za-z0-9_-]+", verifier)
    assert len(challenge) == 43 and "=" not in challenge
    assert rules.pkce_matches(verifier, challenge)
    assert not rules.pkce_matches(verifier + "x", challenge)
    # RFC 7636 appendix B
    assert rules.pkce_matches(
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
