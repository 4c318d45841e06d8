"""The running stack's HTTP APIs: a bound on the requests in flight, and patience for eventual consistency.

Services learn about each other from events, so a request that depends on another service's news (an
enrolment needs training to know the case) is refused for a moment; `until` retries exactly those refusals.
"""

import asyncio
from collections.abc import Collection, Mapping
from typing import Any

import httpx

TRANSPORT_RETRIES = 3
"""Retries of a request that was never sent (no connection); one sent is never sent twice."""


class Refused(Exception):
    """A service answered with an unexpected status; `error` is the body's machine-readable code."""

    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        self.error: str = str(body.get("error", "")) if isinstance(body, dict) else ""
        self.body = response.text[:500]
        super().__init__(f"{response.request.method} {response.request.url}: {self.status} {self.body}")


class Api:
    """Calls to the services by name (`intake`, `training`, …), at most `in_flight` at a time."""

    def __init__(self, endpoints: Mapping[str, str], *, in_flight: int, timeout: float = 60.0) -> None:
        self.endpoints = endpoints
        self._slots = asyncio.Semaphore(in_flight)
        self._http = httpx.AsyncClient(
            timeout=timeout,
            limits=httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight),
        )
        self.requests = 0

    async def close(self) -> None:
        await self._http.aclose()

    def authenticate(self, auth: httpx.Auth) -> None:
        """Send `auth`'s token with every call that names no token of its own."""
        self._http.auth = auth

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        token: str | None = None,
        expect: Collection[int] = (200, 201),
    ) -> Any:
        """The JSON answer of a request that must answer one of `expect`; `Refused` otherwise."""
        headers = {"authorization": f"Bearer {token}"} if token else None
        url = f"{self.endpoints[service]}{path}"
        for attempt in range(TRANSPORT_RETRIES + 1):
            try:
                async with self._slots:
                    self.requests += 1
                    response = await self._http.request(
                        method, url, json=json, params=params, data=data, headers=headers
                    )
                break
            except (httpx.ConnectError, httpx.PoolTimeout):
                if attempt == TRANSPORT_RETRIES:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
        if response.status_code not in expect:
            raise Refused(response)
        return response.json() if response.content else None

    async def until(
        self,
        method: str,
        service: str,
        path: str,
        *,
        waiting_for: Collection[str],
        json: Any = None,
        within: float = 60.0,
        every: float = 0.5,
    ) -> Any:
        """`call` again while refused with an error in `waiting_for` (news not yet there), for `within` s."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            try:
                return await self.call(method, service, path, json=json)
            except Refused as refused:
                if refused.error not in waiting_for or asyncio.get_running_loop().time() > deadline:
                    raise
            await asyncio.sleep(every)
