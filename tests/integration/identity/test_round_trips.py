"""Every identity route stays within DESIGN.md §4's budget: at most 3 DynamoDB round trips."""

from __future__ import annotations

from coursewave.users import PERSONAL_INDEXES
from local import guards
from tests.integration.identity.conftest import FRONTEND, PASSWORD, HostedUi, Identity
from tests.integration.identity.test_oauth import consent, start
from tests.support.cloud import Platform, Response
from tests.support.personas import Personas

BUDGET = 3
# The export reads the person's partition, then each index partition another domain declares in
# ``coursewave.users.PERSONAL_INDEXES`` and the audit entries: one Query per place data is kept
# (docs/privacy.md, "The export"). A request a person makes about once in a lifetime.
EXPORT_TRIPS = 3 + len(PERSONAL_INDEXES)


def _trips(response: Response) -> int:
    stats = guards.last_request.get()
    assert stats is not None
    assert response.status < 500, response.body
    return stats.dynamodb_round_trips


def test_identity_routes_stay_within_three_round_trips(
    platform: Platform, identity: Identity, personas: Personas, hosted_ui: HostedUi
) -> None:
    admin = personas.admin
    trips: dict[str, int] = {}
    email = identity.email("budget")

    trips["register"] = _trips(identity.register(email))
    trips["resend"] = _trips(identity.post("/v1/auth/resend-code", {"email": email}))
    code = identity.code(email)
    trips["confirm"] = _trips(identity.confirm(email, code))
    login = identity.login(email)
    trips["login"] = _trips(login)
    tokens = login.json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    refresh = identity.post("/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    trips["refresh"] = _trips(refresh)
    trips["GET me"] = _trips(platform.call("GET", "/v1/me", headers=auth))
    trips["PATCH me"] = _trips(
        platform.call("PATCH", "/v1/me", headers=auth, json_body={"name": "Budget Renamed"})
    )
    assert _trips(platform.call("GET", "/v1/me/export", headers=auth)) == EXPORT_TRIPS
    user_id = platform.call("GET", "/v1/me", headers=auth).json()["id"]
    trips["forgot"] = _trips(identity.post("/v1/auth/password/forgot", {"email": email}))
    reset = {"email": email, "code": identity.code(email), "new_password": PASSWORD + "x"}
    trips["reset"] = _trips(identity.post("/v1/auth/password/reset", reset))
    for query in ("", "q=budget", "role=admin", "status=active", "role=instructor&q=a"):
        trips[f"list {query}"] = _trips(
            platform.call("GET", f"/v1/admin/users?{query}", caller=admin)
        )
    trips["ban"] = _trips(
        platform.call(
            "PATCH", f"/v1/admin/users/{user_id}", caller=admin, json_body={"status": "banned"}
        )
    )
    trips["audit"] = _trips(platform.call("GET", "/v1/admin/audit-log", caller=admin))
    trips["oauth authorize"] = _trips(start(platform))
    federated = identity.email("budgetfed")
    for case in ("oauth callback, new", "oauth callback, returning"):
        back = consent(start(platform).json()["authorization_url"], federated)
        callback = {**back, "redirect_uri": FRONTEND}
        trips[case] = _trips(
            platform.call("POST", "/v1/auth/oauth/google/callback", json_body=callback)
        )
    session = identity.signed_up()
    trips["logout"] = _trips(platform.call("POST", "/v1/auth/logout", headers=session.auth))
    again = identity.session(session.email)
    trips["DELETE me"] = _trips(platform.call("DELETE", "/v1/me", headers=again.auth))

    over = {route: count for route, count in trips.items() if count > BUDGET}
    assert not over, over
    assert trips["GET me"] == 1
