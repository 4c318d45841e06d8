"""Fixtures of the training tests: a migrated training database on each engine, the API in this process with
a clock the test moves and trusting the tests' token issuer, and intake's events applied through training's
own consumer handler."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.consumer import EventHandler
from services.common.db import create_engine, session_factory
from services.common.settings import ServiceSettings
from services.training import consumers
from services.training.app import create_app
from tests.infrastructure import migrated_database
from tests.integration.training.support import ISSUER, Clock, as_assistant

TRAINING_MIGRATIONS = Path(consumers.__file__).parent / "migrations"


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def training_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A freshly migrated training database on each engine."""
    async with migrated_database(request.param, tmp_path, TRAINING_MIGRATIONS) as url:
        yield url


@pytest_asyncio.fixture
async def training_engine(training_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(training_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


@pytest_asyncio.fixture
async def training_app(training_database_url: str, clock: Clock) -> AsyncIterator[FastAPI]:
    """The training API in this process, its time given by `clock`, trusting the tokens of `ISSUER`."""
    settings = ServiceSettings(database_url=training_database_url, max_body_bytes=65536)
    app = create_app(settings, clock=clock, token_verifier=ISSUER.verifier())
    async with app.router.lifespan_context(app):
        yield app


@pytest_asyncio.fixture
async def training_api(training_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the API calling as the labour assistant of the test workers' community, unless a request
    sends other headers."""
    transport = httpx.ASGITransport(app=training_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://training", headers=as_assistant()
    ) as client:
        yield client


@pytest_asyncio.fixture
async def anonymous_api(training_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same API sending no token unless a request brings one."""
    transport = httpx.ASGITransport(app=training_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://training") as client:
        yield client


@pytest_asyncio.fixture
async def intake_feed(training_engine: AsyncEngine) -> EventHandler:
    """Training's consumer handler on the test's database: what `reemploy consume training` runs."""
    return consumers.build_handler(session_factory(training_engine))
