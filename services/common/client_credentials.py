"""A service calling another service with its own client-credentials token (OAuth2, RFC 6749 §4.4).

`ClientCredentials` is an `httpx.Auth`: put it on an `httpx.AsyncClient` and every request carries a bearer
token fetched from the issuer's token endpoint, kept until shortly before it expires and fetched again once
when a service answers 401 (the issuer rotated keys, or the token was revoked). A request that already
carries an Authorization header (someone else's token) is sent as it is.
"""

import asyncio
import time
from collections.abc import AsyncGenerator, Callable

import httpx

RENEW_BEFORE_EXPIRY_SECONDS = 30.0


class TokenRequestRefused(Exception):
    """The token endpoint refused the client's credentials or could not be reached."""


class ClientCredentials(httpx.Auth):
    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        timeout_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._scope = scope
        self._timeout = timeout_seconds
        self._clock = clock
        self._transport = transport
        self._token: str | None = None
        self._renew_at = 0.0
        self._fetching = asyncio.Lock()

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if "Authorization" in request.headers:
            yield request
            return
        token = await self.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            token = await self.token(refresh_from=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    async def token(self, *, refresh_from: str | None = None) -> str:
        """The current token; a new one when it is due for renewal or is the one a service refused."""
        async with self._fetching:
            token = self._token
            if token is None or token == refresh_from or self._clock() >= self._renew_at:
                token, lifetime = await self._fetch()
                self._token = token
                self._renew_at = self._clock() + max(0.0, lifetime - RENEW_BEFORE_EXPIRY_SECONDS)
            return token

    async def _fetch(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        try:
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as http:
                response = await http.post(self.token_url, data=form, auth=(self.client_id, self._secret))
        except httpx.HTTPError as error:
            raise TokenRequestRefused(
                f"the token endpoint {self.token_url} is unreachable: {error}"
            ) from error
        if response.status_code != 200:
            refusal = f"{response.status_code} {response.text[:200]}"
            raise TokenRequestRefused(f"the token endpoint refused client {self.client_id}: {refusal}")
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 60))
