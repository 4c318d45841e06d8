"""Fixtures of the console's tests: a migrated read model on each engine, events to feed it, staff tokens."""

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from contracts.events import Event
from services.common.auth import TokenVerifier
from services.common.consumer import EventHandler
from services.common.db import create_engine, session_factory
from services.common.settings import ServiceSettings
from services.console.app import create_app
from services.console.consumers import build_handler
from tests.infrastructure import migrated_database

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "console" / "migrations"
ISSUER = "http://identity.test"
AUDIENCE = "reemploy"
TODAY = date(2026, 11, 26)


class StaffTokens:
    """Signs staff tokens the way the identity service does (EdDSA, RFC 9068 claims) with a test key."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = "console-test-key"

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [public | {"kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    def verifier(self) -> TokenVerifier:
        async def fetch() -> dict[str, Any]:
            return self.jwks()

        return TokenVerifier(ISSUER, AUDIENCE, f"{ISSUER}/.well-known/jwks.json", fetch_jwks=fetch)

    def token(self, role: str, staff_id: str | None = None, **claims: str) -> str:
        now = datetime.now(UTC)
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": staff_id or str(uuid.uuid4()),
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(hours=1)).timestamp()),
            "jti": str(uuid.uuid4()),
            "role": role,
            "scope": "dashboard:read targets:read targets:manage",
        } | claims
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": self.kid, "typ": "at+jwt"})


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
