"""Intake's API in this process with one client per kind of caller, each sending its own fresh token."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

import services.intake
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from tests.factories import NETWORK
from tests.infrastructure import migrated_database
from tests.tokens import TestIssuer

ISSUER = TestIssuer()
MIGRATIONS = Path(services.intake.__file__).parent / "migrations"
HOME_COMMUNITY = "ZS-01"
"""The labour assistant's community: the one `tests.factories.registration()` registers into."""


class Minted(httpx.Auth):
    """Sends a freshly minted token with every request, so a long test never meets an expired one."""

    def __init__(self, mint: Callable[[], dict[str, str]]) -> None:
        self.mint = mint

    def auth_flow(self, request: httpx.Request):
        request.headers.update(self.mint())
        yield request


def staff(role: str, **claims: str) -> httpx.Auth:
    return Minted(lambda: ISSUER.staff_headers(role, **claims))


@dataclass(frozen=True)
class Clients:
    assistant: httpx.AsyncClient
    """A labour assistant of community ZS-01 (cases:read, cases:write)."""
    supervisor: httpx.AsyncClient
    """A supervisor of the whole district (plans, network, restructuring, full resident ID)."""
    admin: httpx.AsyncClient
    """An administrator (network:manage, audit:read)."""
    service: httpx.AsyncClient
    """The platform's own process, the Temporal worker (a `service` client)."""
    anonymous: httpx.AsyncClient
    transport: httpx.ASGITransport

    def caller(self, auth: httpx.Auth) -> httpx.AsyncClient:
        """Another caller of the same app (close it after use)."""
        return httpx.AsyncClient(transport=self.transport, base_url="http://intake", auth=auth)


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[Clients]:
    """Run the app, set up street ZS and community ZS-01 as an administrator, and give one client a caller."""
    auths: dict[str, httpx.Auth | None] = {
        "assistant": staff("labour_assistant", community_code=HOME_COMMUNITY, street_code="ZS"),
        "supervisor": staff("supervisor"),
        "admin": staff("admin"),
        "service": ISSUER.service_auth(),
        "anonymous": None,
    }
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        clients = {
            name: httpx.AsyncClient(transport=transport, base_url="http://intake", auth=auth)
            for name, auth in auths.items()
        }
        try:
            for path, body in NETWORK:
                assert (await clients["admin"].post(path, json=body)).status_code == 201
            yield Clients(**clients, transport=transport)
        finally:
            for client in clients.values():
                await client.aclose()


@asynccontextmanager
async def intake_beside(database_url: str, directory: Path) -> AsyncIterator[Clients]:
    """Another intake, serving as `serving` does, on a fresh database of the same engine as `database_url`."""
    kind = "sqlite" if database_url.startswith("sqlite") else "postgres"
    async with migrated_database(kind, directory, MIGRATIONS) as url:
        app = create_app(ServiceSettings(database_url=url), token_verifier=ISSUER.verifier())
        async with serving(app) as clients:
            yield clients
