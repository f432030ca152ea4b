"""Auth use cases: the steps of each route, over the repositories and the identity provider.

No boto3, PynamoDB or HTTP here: ``functions.auth.repository`` holds auth's items, the users
domain (``functions.users.public``) the accounts and the user pool, ``functions.auth.oauth`` the
hosted UI.
"""

from __future__ import annotations

from coursewave.clock import now, now_iso
from coursewave.config import settings
from coursewave.errors import (
    AccountDisabled,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from coursewave.events import OutboxEvent, domain_event
from coursewave.observability import logger, metrics
from coursewave.resources import FederatedProviderDecl
from coursewave.users import ACTIVE, PASSWORD, UNVERIFIED, Principal
from functions.auth import domain, identity_secret, oauth, repository
from functions.auth.domain import RESET, VERIFY
from functions.users import public as users
from functions.users.public import Account, Tokens

WRONG_CREDENTIALS = "Incorrect email or password."
INVALID_CODE = "The code is wrong or has expired; ask for a new one."
SESSION_ENDED = "The refresh token is invalid or has been revoked; sign in again."


def invalid_code() -> BadRequest:
    return BadRequest(INVALID_CODE, code="INVALID_CODE")


def email_not_verified(message: str = "Confirm your email address first.") -> Forbidden:
    return Forbidden(message, code="EMAIL_NOT_VERIFIED")


# -- guards ---------------------------------------------------------------------------------


def enforce_rate_limit(action: str, email: str, client_ip: str) -> None:
    """One attempt against the per-email and the per-address window; 429 when either is full."""
    rule = domain.RATE_RULES[action]
    moment = now().timestamp()
    start, end = domain.window(moment, rule.window_seconds)
    counters = [(f"{action}#email#{domain.subject_hash(email)}", rule.per_email, start, end)]
    if client_ip:
        per_ip = rule.per_ip * settings().auth_rate_limit_ip_factor
        counters.append((f"{action}#ip#{domain.subject_hash(client_ip)}", per_ip, start, end))
    if not repository.hit(counters):
        metrics.add_metric(name="RateLimited", unit="Count", value=1)
        logger.info("rate limited", extra={"action": action})
        raise RateLimited(int(end - moment) + 1)


def check_password(password: str, email: str, field: str) -> None:
    problem = domain.password_problem(password, email)
    if problem:
        raise ValidationFailed.for_field(field, problem)


def token_subject(access_token: str) -> str | None:
    """The ``sub`` of a token this function just received from Cognito."""
    try:
        return str(oauth.unverified_claims(access_token).get("sub") or "") or None
    except oauth.CodeRejected:
        return None


# -- registration and codes -----------------------------------------------------------------


def register(email: str, password: str, name: str, client_ip: str) -> Account:
    check_password(password, email, "password")
    enforce_rate_limit("register", email, client_ip)
    try:
        username, sub = users.create_disabled_user(email, name, password)
    except users.UsernameTaken as exc:
        raise Conflict("An account with this email already exists.") from exc
    except users.EmailRejected as exc:
        raise ValidationFailed.for_field(
            "email", "is not an address we can sign you in with"
        ) from exc
    except users.PasswordRejected as exc:
        raise ValidationFailed.for_field("password", "is not accepted; choose another") from exc
    moment = now_iso()
    user = Account(
        user_id=sub,
        email=email,
        name=name,
        roles=("student",),
        status=UNVERIFIED,
        provider=PASSWORD,
        cognito_username=username,
        preferences={},
        created_at=moment,
        updated_at=moment,
        revision=0,
    )
    try:
        users.create(user, repository.request_code(email, VERIFY), registered_event(user))
    except users.EmailTaken as exc:
        users.delete_sign_in(username)
        raise Conflict("An account with this email already exists.") from exc
    except Exception:
        users.delete_sign_in(username)
        raise
    metrics.add_metric(name="UserRegistered", unit="Count", value=1)
    return user


def registered_event(user: Account) -> OutboxEvent:
    return domain_event(
        "auth",
        "UserRegistered",
        {
            "user_id": user.user_id,
            "email": user.email,
            "name": user.name,
            "roles": list(user.roles),
            "provider": user.provider,
            "email_verified": user.status == ACTIVE,
            "registered_at": user.created_at,
        },
    )


def request_code(email: str, purpose: str, client_ip: str) -> None:
    """Resend / forgot: the same single write whatever the account's state (no enumeration)."""
    enforce_rate_limit("resend" if purpose == VERIFY else "forgot", email, client_ip)
    repository.save_code_request(email, purpose)


def _spend(email: str, purpose: str, code: str) -> repository.VerificationCode:
    stored = repository.spend_attempt(email, purpose)
    if stored is None or not domain.code_matches(
        identity_secret.code_pepper(), purpose, stored.user_id, code, stored.code_hash
    ):
        raise invalid_code()
    return stored


def confirm(email: str, code: str, client_ip: str) -> None:
    enforce_rate_limit("confirm", email, client_ip)
    stored = _spend(email, VERIFY, code)
    if not repository.redeem_verification(stored):
        raise invalid_code()
    users.enable_sign_in(stored.cognito_username)
    users.mark_email_verified(stored.cognito_username)
    metrics.add_metric(name="EmailConfirmed", unit="Count", value=1)


def reset_password(email: str, code: str, new_password: str, client_ip: str) -> None:
    check_password(new_password, email, "new_password")
    enforce_rate_limit("reset", email, client_ip)
    stored = _spend(email, RESET, code)
    if not repository.redeem_reset(stored, revoked_at=now().timestamp()):
        raise invalid_code()
    try:
        users.set_password(stored.cognito_username, new_password)
    except users.PasswordRejected as exc:
        raise ValidationFailed.for_field("new_password", "is not accepted; choose another") from exc
    users.sign_out_everywhere(stored.cognito_username)
    users.enable_sign_in(stored.cognito_username)
    users.mark_email_verified(stored.cognito_username)
    metrics.add_metric(name="PasswordReset", unit="Count", value=1)


# -- sessions -------------------------------------------------------------------------------


def _require_can_sign_in(user: Account) -> None:
    if user.status == UNVERIFIED:
        raise email_not_verified()
    if user.status != ACTIVE:
        raise AccountDisabled()


def _start_session(tokens: Tokens, user_id: str) -> None:
    if tokens.refresh_token:
        repository.save_session(repository.new_session(tokens.refresh_token, user_id))


def login(email: str, password: str, client_ip: str) -> Tokens:
    """Sign in with a password. An unknown email costs the same Cognito call as a wrong
    password, and both answer the same 401."""
    enforce_rate_limit("login", email, client_ip)
    user = users.find_by_email(email)
    if user is not None:
        _require_can_sign_in(user)
    try:
        tokens: Tokens | None = users.authenticate(email, password, client_ip)
    except users.SignInFailed:
        tokens = None
    if user is None or tokens is None or token_subject(tokens.access_token) != user.user_id:
        metrics.add_metric(name="SignInFailed", unit="Count", value=1)
        raise Unauthenticated(WRONG_CREDENTIALS)
    _start_session(tokens, user.user_id)
    metrics.add_metric(name="SignedIn", unit="Count", value=1)
    return tokens


def refresh(refresh_token: str) -> Tokens:
    session = repository.find_session(refresh_token)
    if session is None:
        raise Unauthenticated(SESSION_ENDED)
    user = users.find(session.user_id)
    if user is None:
        raise Unauthenticated(SESSION_ENDED)
    _require_can_sign_in(user)
    if user.sessions_revoked_at is not None and session.issued_at < user.sessions_revoked_at:
        raise Unauthenticated(SESSION_ENDED)
    try:
        tokens = users.refresh_tokens(refresh_token)
    except users.SignInFailed as exc:
        raise Unauthenticated(SESSION_ENDED) from exc
    if tokens.refresh_token and tokens.refresh_token != refresh_token:
        # Rotation: the presented token is spent, the new one is recorded in its place.
        rotated = repository.new_session(tokens.refresh_token, user.user_id)
        repository.rotate_session(session, rotated)
    return tokens


def logout(principal: Principal) -> None:
    """Sign out everywhere: every refresh token and every access token issued so far."""
    repository.revoke_sessions(principal.user_id, at=now().timestamp())
    if principal.cognito_username:
        users.sign_out_everywhere(principal.cognito_username)


# -- federated sign-in ----------------------------------------------------------------------


def _provider(name: str) -> FederatedProviderDecl:
    provider = oauth.PROVIDERS.get(name)
    if provider is None:
        raise NotFound("No such sign-in provider.")
    if oauth.domain() is None:
        raise NotFound(f"Sign-in with {provider.name} is not enabled.")
    return provider


def _check_redirect(redirect_uri: str) -> None:
    if redirect_uri not in settings().oauth_redirect_allow_list:
        raise ValidationFailed.for_field("redirect_uri", "is not an allowed redirect URI")


def start_oauth(provider_name: str, redirect_uri: str) -> tuple[str, str]:
    """(the hosted UI URL to send the browser to, the state the callback must bring back)."""
    provider = _provider(provider_name)
    _check_redirect(redirect_uri)
    state = domain.new_state()
    verifier, challenge = domain.pkce_pair()
    repository.save_state(state, provider.api_name, redirect_uri, verifier)
    return oauth.authorization_url(provider, redirect_uri, state, challenge), state


def finish_oauth(provider_name: str, code: str, state: str, redirect_uri: str) -> Tokens:
    provider = _provider(provider_name)
    _check_redirect(redirect_uri)
    stored = repository.take_state(state)
    if (
        stored is None
        or stored.provider != provider.api_name
        or stored.redirect_uri != redirect_uri
    ):
        raise BadRequest("The sign-in state is unknown, used or expired.", code="INVALID_STATE")
    try:
        tokens = oauth.exchange_code(code, redirect_uri, stored.code_verifier)
        who = oauth.identity(tokens)
    except oauth.CodeRejected as exc:
        raise BadRequest("The authorization code was not accepted.", code="INVALID_CODE") from exc
    user = users.find(who.sub)
    if user is not None:
        _require_can_sign_in(user)
        _start_session(tokens, user.user_id)
        return tokens
    if not who.email or not who.email_verified:
        raise email_not_verified(f"{provider.name} did not confirm your email address.")
    _create_federated_user(provider, who, tokens)
    return tokens


def _create_federated_user(
    provider: FederatedProviderDecl, who: oauth.Identity, tokens: Tokens
) -> None:
    email = str(who.email).lower()
    moment = now_iso()
    user = Account(
        user_id=who.sub,
        email=email,
        name=(who.name or email.split("@")[0]).strip()[:100],
        roles=("student",),
        status=ACTIVE,
        provider=provider.api_name,
        cognito_username=who.username,
        verified_at=moment,
        preferences={},
        created_at=moment,
        updated_at=moment,
        revision=0,
    )
    extra = [registered_event(user)]
    if tokens.refresh_token:
        extra.append(repository.new_session(tokens.refresh_token, user.user_id))
    try:
        users.create(user, *extra)
    except users.EmailTaken as exc:
        users.delete_sign_in(who.username)
        raise Conflict(
            "An account with this email already exists; sign in with your password."
        ) from exc
    users.add_to_groups(who.username, ("student",))
    metrics.add_metric(name="UserRegistered", unit="Count", value=1)
