"""Cognito's ``GetTokensFromRefreshToken``, with refresh-token rotation, for moto (5.2.5 lacks it).

An app client with refresh-token rotation refreshes only through this operation (not
``REFRESH_TOKEN_AUTH``): each call returns new access and id tokens and a new refresh token, and
the one presented is spent. The same behaviour here lets the auth function use one code path in
AWS and locally. The grace period AWS allows the old token (up to 60 s) is not modelled: here it
is spent at once. A disabled user cannot refresh, as in AWS.

Installed once per process by ``local.cloud.provision`` (the runner's moto server and the tests'
in-process moto run in this process). Only moto is patched; nothing changes in AWS.
"""

from __future__ import annotations

import uuid

from moto.cognitoidp.exceptions import NotAuthorizedError, ResourceNotFoundError
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


def install() -> None:
    """Idempotent."""
    CognitoIdpResponse.get_tokens_from_refresh_token = _get_tokens_from_refresh_token  # type: ignore[attr-defined]
