"""Cognito's ``GetTokensFromRefreshToken``, with refresh-token rotation, for moto (5.2.5 lacks it),
and a global sign-out that revokes every token of the user, as AWS does.

An app client with refresh-token rotation refreshes only through this operation (not
``REFRESH_TOKEN_AUTH``): each call returns new access and id tokens and a new refresh token, and
the one presented is spent. The same behaviour here lets the auth function use one code path in
AWS and locally. The grace period AWS allows the old token (up to 60 s) is not modelled: here it
is spent at once. A disabled user cannot refresh, as in AWS.

``AdminUserGlobalSignOut`` in AWS revokes all of a user's refresh tokens. moto 5.2.5 records a
token under the name the user signed in with (their email, an alias, in a pool whose username
attribute is the email) and revokes only tokens recorded under the exact name the sign-out gives
(the pool's own username, which is what the users domain keeps): the tokens survived, so a ban or
a logout revoked nothing on this side. ``_sign_out`` compares the users, not the names.

Installed once per process by ``local.cloud.provision`` (the runner's moto server and the tests'
in-process moto run in this process). Only moto is patched; nothing changes in AWS.
"""

from __future__ import annotations

import uuid

from moto.cognitoidp.exceptions import NotAuthorizedError, ResourceNotFoundError
from moto.cognitoidp.models import CognitoIdpUserPool
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult


def _get_tokens_from_refresh_token(self: CognitoIdpResponse) -> ActionResult:
    client_id = self._get_param("ClientId")
    presented = self._get_param("RefreshToken")
    backend = self._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    found = pool.refresh_tokens.get(presented)
    if found is None or found[0] != client_id:
        raise NotAuthorizedError("Invalid Refresh Token")
    _, username, origin_jti = found
    if not pool._get_user(username).enabled:
        raise NotAuthorizedError("User is disabled.")
    access_token, expires_in = pool.create_access_token(client_id, username, origin_jti)
    id_token, _ = pool.create_id_token(client_id, username, origin_jti)
    rotated = str(uuid.uuid4())
    pool.refresh_tokens[rotated] = (client_id, username, origin_jti)
    pool.refresh_tokens[presented] = None
    return ActionResult(
        {
            "AuthenticationResult": {
                "AccessToken": access_token,
                "IdToken": id_token,
                "RefreshToken": rotated,
                "ExpiresIn": expires_in,
                "TokenType": "Bearer",
            }
        }
    )


def _sign_out(self: CognitoIdpUserPool, username: str) -> None:
    """Revoke every refresh and access token of the user ``username`` names (its username or an
    alias), whichever of its names each token was issued to."""
    user = self._get_user(username)
    if user is None:
        return

    def same_user(name: str) -> bool:
        return self._get_user(name) is user

    for token, found in list(self.refresh_tokens.items()):
        if found is not None and same_user(found[1]):
            self.refresh_tokens[token] = None
    for token, (_, name) in list(self.access_tokens.items()):
        if same_user(name):
            self.access_tokens.pop(token)


def install() -> None:
    """Idempotent."""
    CognitoIdpResponse.get_tokens_from_refresh_token = _get_tokens_from_refresh_token  # type: ignore[attr-defined]
    CognitoIdpUserPool.sign_out = _sign_out  # type: ignore[method-assign]
