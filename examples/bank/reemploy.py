"""Talking to Reemploy: a client-credentials token from its identity service, then its benefits API."""

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class ReemployConnection:
    token_url: str
    benefits_url: str
    client_id: str
    client_secret: str
    agency: str = "bank"


class ReemployError(Exception):
    """Reemploy refused a call; carries its status and `{error, message, errors, details}` body."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"Reemploy answered {status}: {body}")
        self.status = status
        self.body = body


class Reemploy:
    def __init__(self, connection: ReemployConnection, http: httpx.AsyncClient) -> None:
        self.connection = connection
        self.http = http

    async def _headers(self) -> dict[str, str]:
        response = await self.http.post(
            self.connection.token_url,
            data={"grant_type": "client_credentials"},
            auth=(self.connection.client_id, self.connection.client_secret),
        )
        if response.status_code != 200:
            raise ReemployError(response.status_code, response.text)
        return {"authorization": f"Bearer {response.json()['access_token']}"}

    async def register_webhook(self, url: str, secret: str) -> None:
        await self._call("PUT", "/webhook", {"url": url, "secret": secret})

    async def decide(self, application_id: str, decision: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", f"/applications/{application_id}/decision", decision)

    async def _call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.connection.benefits_url}/agencies/{self.connection.agency}{path}"
        response = await self.http.request(method, url, json=body, headers=await self._headers())
        if not response.is_success:
            raise ReemployError(response.status_code, response.json())
        answer: dict[str, Any] = response.json()
        return answer
