"""The identity service in this process, on a freshly migrated SQLite or PostgreSQL database."""

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from services.common.auth import TokenVerifier
from services.identity.app import create_app
from services.identity.settings import DEVELOPMENT_ADMIN_PASSWORD, IdentitySettings
from tests.infrastructure import migrated_database

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "identity" / "migrations"
ISSUER = "http://identity.test"
ADMIN = ("admin", DEVELOPMENT_ADMIN_PASSWORD)
STAFF_PASSWORD = "correct horse battery staple"
TEST_POLICY: dict[str, Any] = {
    "auth_issuer": ISSUER,
    "auth_jwks_url": f"{ISSUER}/.well-known/jwks.json",
    "identity_key_publication_seconds": 0,
    "identity_jwks_max_age_seconds": 0,
}
_names = itertools.count(1)


@dataclass
class IdentityClient:
    http: httpx.AsyncClient
    app: FastAPI
    settings: IdentitySettings

    async def token(self, auth: tuple[str, str] | None = None, **form: str) -> httpx.Response:
        return await self.http.post("/oauth2/token", data=form, auth=auth)

    async def login(self, username: str, password: str, **form: str) -> httpx.Response:
        return await self.token(grant_type="password", username=username, password=password, **form)

    async def admin_headers(self) -> dict[str, str]:
        response = await self.login(*ADMIN)
        assert response.status_code == 200, response.text
        return {"authorization": f"Bearer {response.json()['access_token']}"}

    async def register_client(self, kind: str, scopes: list[str], **parties: str) -> tuple[str, str]:
        body = {"client_id": f"{kind}-{next(_names)}", "name": f"A {kind}", "kind": kind, "scopes": scopes}
        response = await self.http.post(
            "/admin/clients", json=body | parties, headers=await self.admin_headers()
        )
        assert response.status_code == 201, response.text
        return response.json()["client_id"], response.json()["client_secret"]

    async def register_staff(self, role: str, **fields: str) -> str:
        username = f"staff{next(_names)}"
        body = {"username": username, "display_name": "李娟", "role": role, "password": STAFF_PASSWORD}
        response = await self.http.post(
            "/admin/staff", json=body | fields, headers=await self.admin_headers()
        )
        assert response.status_code == 201, response.text
        return username

    def verifier(self, **options: Any) -> TokenVerifier:
        """A verifier that reads this service's JWKS endpoint (through the in-process transport)."""

        async def fetch() -> dict[str, Any]:
            response = await self.http.get("/.well-known/jwks.json")
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document

        return TokenVerifier(
            ISSUER, self.settings.auth_audience, self.settings.auth_jwks_url, fetch_jwks=fetch, **options
        )


@asynccontextmanager
async def running_identity(database_url: str, **overrides: Any) -> AsyncIterator[IdentityClient]:
    settings = IdentitySettings(database_url=database_url, **(TEST_POLICY | overrides))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
            yield IdentityClient(http, app, settings)


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def identity_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with migrated_database(request.param, tmp_path, MIGRATIONS) as url:
        yield url


@pytest_asyncio.fixture
async def identity(identity_database_url: str) -> AsyncIterator[IdentityClient]:
    async with running_identity(identity_database_url) as client:
        yield client


@pytest.fixture
def start_identity(identity_database_url: str) -> Callable[..., AbstractAsyncContextManager[IdentityClient]]:
    """Start the service with other settings: `async with start_identity(identity_lockout_threshold=2)`."""
    return partial(running_identity, identity_database_url)
