"""Placement fixtures: a migrated database on SQLite and on PostgreSQL, the API in this process, and the
consumer handler to feed it intake's and training's events."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import create_engine, session_factory
from services.common.settings import ServiceSettings
from services.placement import consumers
from services.placement.app import create_app
from tests.infrastructure import migrated_database
from tests.integration.placement.builders import ISSUER, Feed, as_assistant

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "placement" / "migrations"


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def placement_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with migrated_database(request.param, tmp_path, MIGRATIONS) as url:
        yield url


@pytest_asyncio.fixture
async def placement_engine(placement_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(placement_database_url)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def feed(placement_engine: AsyncEngine) -> Feed:
    """Applies intake's and training's events through placement's consumer handler."""
    return Feed(consumers.build_handler(session_factory(placement_engine)))


@pytest_asyncio.fixture
async def placement_app(placement_database_url: str) -> AsyncIterator[FastAPI]:
    app = create_app(ServiceSettings(database_url=placement_database_url), token_verifier=ISSUER.verifier())
    async with app.router.lifespan_context(app):
        yield app


@pytest_asyncio.fixture
async def placement_api(placement_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client calling as the labour assistant of the test workers' community, unless a request sends other
    headers."""
    transport = httpx.ASGITransport(app=placement_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://placement", headers=as_assistant()
    ) as client:
        yield client


@pytest_asyncio.fixture
async def anonymous_api(placement_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same API sending no token unless a request brings one."""
    transport = httpx.ASGITransport(app=placement_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://placement") as client:
        yield client
