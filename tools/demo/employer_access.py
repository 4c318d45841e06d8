"""Each seeded employer acts through its own identity client, as a real employer would.

Every run registers the client (`employer-<employer_id>`, kind `employer`, scope `vacancies:manage`) or, when
it exists from an earlier run, gives it a new secret, so no secret is kept in the demo's state file. Tokens
come from the client-credentials grant and are fetched again shortly before they expire.
"""

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

from tools.demo.api import Api, Refused

SCOPE = "vacancies:manage"
RENEW_BEFORE_SECONDS = 60.0


@dataclass
class _Credentials:
    client_id: str
    secret: str
    token: str = ""
    renew_at: float = 0.0


class EmployerTokens:
    """The bearer token of each seeded employer's client."""

    def __init__(self, api: Api, credentials: dict[str, _Credentials]) -> None:
        self._api = api
        self._credentials = credentials
        self._renewing = asyncio.Lock()

    @classmethod
    async def register(cls, api: Api, admin_token: str, employers: Mapping[str, str]) -> "EmployerTokens":
        """A client for each employer in `employers` (employer id → name)."""
        found = await asyncio.gather(
            *(_client(api, admin_token, employer_id, name) for employer_id, name in employers.items())
        )
        return cls(api, dict(zip(employers, found, strict=True)))

    async def token(self, employer_id: str) -> str:
        """A token whose `employer_id` claim is `employer_id`, fetched again when it is about to expire."""
        async with self._renewing:
            held = self._credentials[employer_id]
            if time.monotonic() >= held.renew_at:
                grant = {
                    "grant_type": "client_credentials",
                    "client_id": held.client_id,
                    "client_secret": held.secret,
                    "scope": SCOPE,
                }
                issued = await self._api.call("POST", "identity", "/oauth2/token", data=grant)
                held.token = issued["access_token"]
                held.renew_at = time.monotonic() + float(issued["expires_in"]) - RENEW_BEFORE_SECONDS
            return held.token


async def _client(api: Api, admin_token: str, employer_id: str, name: str) -> _Credentials:
    client_id = f"employer-{employer_id.lower()}"
    body = {
        "client_id": client_id,
        "name": name,
        "kind": "employer",
        "employer_id": employer_id,
        "scopes": [SCOPE],
    }
    try:
        registered = await api.call("POST", "identity", "/admin/clients", json=body, token=admin_token)
    except Refused as refused:
        if refused.error != "client_exists":
            raise
        registered = await api.call(
            "POST", "identity", f"/admin/clients/{client_id}/secret", token=admin_token
        )
    return _Credentials(client_id=client_id, secret=registered["client_secret"])
