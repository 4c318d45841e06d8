"""Fixtures of the console's tests: a migrated read model on each engine, events to feed it, staff tokens."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from contracts.events import Event
from services.common.consumer import EventHandler
from services.common.db import create_engine, session_factory
from services.common.settings import ServiceSettings
from services.console.app import create_app
from services.console.consumers import build_handler
from tests.infrastructure import migrated_database
from tests.integration.console.staff_tokens import StaffTokens

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "console" / "migrations"
TODAY = date(2026, 11, 26)


@dataclass
class Feed:
    """Applies events to the read model through the consumer's handler, with chosen event times."""

    handle: EventHandler
    sent: list[Envelope] = field(default_factory=list)

    async def send(self, event: Event, *, at: datetime | None = None) -> Envelope:
        envelope = event.envelope(correlation_id="console-test")
        if at is not None:
            envelope = envelope.model_copy(update={"time": at})
        outcome = await self.handle(envelope)
        assert outcome == "applied", outcome
        self.sent.append(envelope)
        return envelope


@pytest.fixture
def tokens() -> Iterator[StaffTokens]:
    yield StaffTokens()


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def console_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with migrated_database(request.param, tmp_path, MIGRATIONS) as url:
        yield url


@pytest_asyncio.fixture
async def sessions(console_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(console_database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def feed(sessions: async_sessionmaker[AsyncSession]) -> Feed:
    return Feed(build_handler(sessions))


@pytest_asyncio.fixture
async def console(console_database_url: str, tokens: StaffTokens) -> AsyncIterator[httpx.AsyncClient]:
    """The console app in this process; actions would go to services that are not running."""
    settings = ServiceSettings(database_url=console_database_url)
    app = create_app(settings, verifier=tokens.verifier(), today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        app.state.live_poll_seconds = 0.05
        app.state.live_stream_seconds = 1.0
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            yield client
