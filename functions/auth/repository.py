"""Auth items in the table: rate counters, code requests and codes, refresh sessions, OAuth state.

All of them expire through the table's TTL; every check that matters also compares
``expires_at`` itself, since TTL deletion may lag by hours. Codes and code requests live in the
email's partition (``EMAIL#<email>``, beside the account's email claim), so erasing an account
deletes them with the claim. The few conditional writes on the user record (confirming an email,
a reset, sign-out everywhere) are made here, in the same transaction as the auth item they spend.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError

from coursewave.clock import new_id, now, now_iso
from coursewave.db import Item, condition_failed, key, keyed, transaction
from coursewave.events import OutboxEvent
from coursewave.users import ACTIVE, UNVERIFIED, EmailClaim, User
from functions.auth import domain


class VerificationCode(Item, discriminator="VerificationCode"):
    """The one live code of a purpose for an email: only its keyed hash is stored."""

    email = UnicodeAttribute()
    purpose = UnicodeAttribute()  # verify | reset
    user_id = UnicodeAttribute()
    cognito_username = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    expires_at = TTLAttribute()

    @staticmethod
    def sk(purpose: str) -> str:
        return key("CODE", purpose.upper())

    def keys(self) -> dict[str, str | None]:
        return {"PK": EmailClaim.pk(self.email), "SK": self.sk(self.purpose)}


class CodeRequest(Item, discriminator="CodeRequest"):
    """A request to send a code to an address, if it belongs to an account that may have one.

    Written by the request (the same write whether or not the account exists) and processed
    from the table stream by ``functions.auth.mailer``, off the request path, so neither the
    answer nor its timing tells a caller whether the email is registered.
    """

    request_id = UnicodeAttribute()
    email = UnicodeAttribute()
    purpose = UnicodeAttribute()  # verify | reset
    requested_at = UnicodeAttribute()
    expires_at = TTLAttribute()

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": EmailClaim.pk(self.email),
            "SK": key("CODEREQUEST", self.purpose.upper(), self.request_id),
        }


class RateCounter(Item, discriminator="RateCounter"):
    counter = UnicodeAttribute()  # "<action>#<email|ip>#<subject hash>"
    window_start = NumberAttribute()
    count = NumberAttribute(default=0)
    expires_at = TTLAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("RATE", self.counter), "SK": key("W", self.window_start)}


class RefreshSession(Item, discriminator="RefreshSession"):
    """A refresh token this API handed out (by hash), so refresh can tell when it was issued."""

    token_hash = UnicodeAttribute()
    user_id = UnicodeAttribute()
    issued_at = NumberAttribute()  # epoch seconds, with fractions
    expires_at = TTLAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("REFRESH", self.token_hash), "SK": "SESSION"}


class OAuthState(Item, discriminator="OAuthState"):
    state_hash = UnicodeAttribute()
    provider = UnicodeAttribute()
    redirect_uri = UnicodeAttribute()
    code_verifier = UnicodeAttribute()
    expires_at = TTLAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("OAUTHSTATE", self.state_hash), "SK": "STATE"}


# -- rate limits ----------------------------------------------------------------------------


def hit(counters: list[tuple[str, int, int, int]]) -> bool:
    """Count one attempt on each ``(counter, limit, window_start, window_end)``, atomically.

    Fixed windows: ``ADD count 1`` guarded by ``count < limit``, in one transaction, so a refused
    attempt counts nowhere. False when a counter is at its limit.
    """
    try:
        with transaction() as tx:
            for counter, limit, start, end in counters:
                item = keyed(RateCounter(counter=counter, window_start=start))
                tx.update(
                    item,
                    actions=[
                        RateCounter.count.add(1),
                        RateCounter.expires_at.set(datetime.fromtimestamp(end + 60, tz=UTC)),
                        RateCounter.entity.set(RateCounter),
                        RateCounter.counter.set(counter),
                        RateCounter.window_start.set(start),
                    ],
                    condition=RateCounter.count.does_not_exist() | (RateCounter.count < limit),
                )
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


# -- codes ----------------------------------------------------------------------------------


def request_code(email: str, purpose: str) -> CodeRequest:
    return CodeRequest(
        request_id=new_id(),
        email=email,
        purpose=purpose,
        requested_at=now_iso(),
        expires_at=now() + domain.CODE_REQUEST_TTL,
    )


def save_code_request(email: str, purpose: str) -> None:
    request_code(email, purpose).save()


def save_event(event: OutboxEvent) -> None:
    """An event on its own (its state change is elsewhere, or there is none)."""
    event.save()


def store_code(code: VerificationCode) -> None:
    """The new code replaces any earlier one of the same purpose (which stops working)."""
    code.save()


def spend_attempt(email: str, purpose: str) -> VerificationCode | None:
    """Count one attempt at the live code and return it; None if there is none left to try.

    One UpdateItem: the attempt is counted before the code is compared, so parallel guesses
    cannot exceed ``MAX_CODE_ATTEMPTS``.
    """
    code = keyed(
        VerificationCode(
            email=email,
            purpose=purpose,
            user_id="-",
            cognito_username="-",
            code_hash="-",
            expires_at=now(),
        )
    )
    try:
        code.update(
            actions=[VerificationCode.attempts.add(1)],
            condition=VerificationCode.PK.exists()
            & (VerificationCode.attempts < domain.MAX_CODE_ATTEMPTS)
            & (VerificationCode.expires_at > now()),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return code


def _redeem(code: VerificationCode, actions: list, allowed: tuple[str, ...]) -> bool:
    """Delete the code (single use) and change the record, or neither."""
    try:
        with transaction() as tx:
            tx.delete(keyed(code), condition=VerificationCode.code_hash == code.code_hash)
            tx.update(
                User.key_only(code.user_id),
                actions=[*actions, User.revision.add(1), User.updated_at.set(now_iso())],
                condition=User.status.is_in(*allowed),
            )
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def _activation_actions() -> list:
    return [
        User.status.set(ACTIVE),
        User.GSI3PK.set(User.status_key(ACTIVE)),
        User.verified_at.set(User.verified_at | now_iso()),
    ]


def redeem_verification(code: VerificationCode) -> bool:
    """Confirm the email: unverified → active."""
    return _redeem(code, _activation_actions(), (UNVERIFIED,))


def redeem_reset(code: VerificationCode, revoked_at: float) -> bool:
    """A password reset proves the email too, and ends every existing session."""
    return _redeem(
        code,
        [*_activation_actions(), User.sessions_revoked_at.set(revoked_at)],
        (ACTIVE, UNVERIFIED),
    )


# -- sessions -------------------------------------------------------------------------------


def new_session(refresh_token: str, user_id: str) -> RefreshSession:
    return RefreshSession(
        token_hash=domain.token_hash(refresh_token),
        user_id=user_id,
        issued_at=now().timestamp(),
        expires_at=now() + domain.REFRESH_SESSION_TTL,
    )


def save_session(session: RefreshSession) -> None:
    session.save()


def find_session(refresh_token: str) -> RefreshSession | None:
    try:
        session = RefreshSession.get(key("REFRESH", domain.token_hash(refresh_token)), "SESSION")
    except RefreshSession.DoesNotExist:
        return None
    if session.expires_at <= now():
        return None
    return session


def rotate_session(old: RefreshSession, new: RefreshSession) -> None:
    with transaction() as tx:
        tx.delete(keyed(old))
        tx.save(new)


def revoke_sessions(user_id: str, at: float) -> None:
    """Sign out everywhere: refresh tokens issued before ``at`` stop working."""
    User.key_only(user_id).update(
        actions=[
            User.sessions_revoked_at.set(at),
            User.revision.add(1),
            User.updated_at.set(now_iso()),
        ],
        condition=User.PK.exists(),
    )


# -- OAuth state ----------------------------------------------------------------------------


def save_state(state: str, provider: str, redirect_uri: str, code_verifier: str) -> None:
    OAuthState(
        state_hash=domain.token_hash(state),
        provider=provider,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
        expires_at=now() + domain.OAUTH_STATE_TTL,
    ).save()


def take_state(state: str) -> OAuthState | None:
    """The stored state, deleted in the same call: a state can be used once."""
    item = keyed(
        OAuthState(
            state_hash=domain.token_hash(state),
            provider="-",
            redirect_uri="-",
            code_verifier="-",
            expires_at=now(),
        )
    )
    try:
        response = OAuthState._get_connection().delete_item(
            item.PK, range_key=item.SK, condition=OAuthState.PK.exists(), return_values="ALL_OLD"
        )
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    stored = OAuthState.from_raw_data(response["Attributes"])
    return stored if stored.expires_at > now() else None
