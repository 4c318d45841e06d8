"""Calling a running stack as its operator: a `service` client registered through identity's admin API."""

import httpx

from services.identity.domain import CLIENT_SCOPES, ClientKind
from services.identity.settings import DEVELOPMENT_ADMIN_PASSWORD
from tests.http_checks import body

OPERATOR_CLIENT = "e2e-operator"


def operator_headers(identity: str) -> dict[str, str]:
    """What an operator does first: log in as the bootstrap admin, register a `service` client (or give the
    one registered before a new secret) and take a client-credentials token."""
    with httpx.Client(base_url=identity, timeout=10) as http:
        login = {"grant_type": "password", "username": "admin", "password": DEVELOPMENT_ADMIN_PASSWORD}
        admin = {"authorization": f"Bearer {body(http.post('/oauth2/token', data=login))['access_token']}"}
        payload = {
            "client_id": OPERATOR_CLIENT,
            "name": "The end-to-end test's operator",
            "kind": ClientKind.SERVICE.value,
            "scopes": sorted(CLIENT_SCOPES[ClientKind.SERVICE]),
        }
        registered = http.post("/admin/clients", json=payload, headers=admin)
        if registered.status_code == 409:
            registered = http.post(f"/admin/clients/{OPERATOR_CLIENT}/secret", headers=admin)
        secret = body(registered, (200, 201))["client_secret"]
        grant = {"grant_type": "client_credentials"}
        token = body(http.post("/oauth2/token", data=grant, auth=(OPERATOR_CLIENT, secret)))["access_token"]
    return {"authorization": f"Bearer {token}"}
