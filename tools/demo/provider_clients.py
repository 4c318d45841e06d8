"""The providers' own API access: a provider client in identity for each seeded provider, and its
client-credentials tokens, fetched again a minute before they expire.

Each run gives every provider's client a new secret (a secret is shown only once and the demo keeps none).
"""

import asyncio
import time
from dataclasses import dataclass

from services.common import scopes
from tools.demo.api import Api
from tools.demo.seeding import Admin, admin_token

RENEW_SECONDS = 60.0
"""A token with less left than this is replaced before a call."""


@dataclass
class _Token:
    value: str
    expires_at: float


class ProviderClients:
    """Tokens of the provider clients: `await clients.token(provider_id)` before a provider's call."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._secrets: dict[str, str] = {}
        self._tokens: dict[str, _Token] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def register(self, admin: Admin, provider_ids: list[str]) -> None:
        """A client `provider-<provider_id>` (scope `training:provide`) per provider, with a fresh secret."""
        token = await admin_token(self.api, admin)
        for provider_id in provider_ids:
            client_id = f"provider-{provider_id}"
            body = {
                "client_id": client_id,
                "name": f"provider {provider_id}",
                "kind": "provider",
                "provider_id": provider_id,
                "scopes": [scopes.TRAINING_PROVIDE],
            }
            client = await self.api.call(
                "POST", "identity", "/admin/clients", json=body, token=token, expect=(201, 409)
            )
            if "client_secret" not in client:
                path = f"/admin/clients/{client_id}/secret"
                client = await self.api.call("POST", "identity", path, token=token)
            self._secrets[provider_id] = client["client_secret"]
            self._locks[provider_id] = asyncio.Lock()

    async def token(self, provider_id: str) -> str:
        """A token of the provider's client with at least `RENEW_SECONDS` left."""
        async with self._locks[provider_id]:
            held = self._tokens.get(provider_id)
            if held is None or held.expires_at - time.monotonic() < RENEW_SECONDS:
                held = await self._fetch(provider_id)
                self._tokens[provider_id] = held
            return held.value

    async def _fetch(self, provider_id: str) -> _Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": f"provider-{provider_id}",
            "client_secret": self._secrets[provider_id],
        }
        issued = await self.api.call("POST", "identity", "/oauth2/token", data=form)
        return _Token(str(issued["access_token"]), time.monotonic() + float(issued["expires_in"]))
