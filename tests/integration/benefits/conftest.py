"""Fixtures for the benefits service: a migrated database on each engine, the API in this process with a
clock the test moves, staff, service and agency tokens from a test issuer, intake's registration and
consent events fed through the real consumer, and a webhook receiver on a real port."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI, Request, Response
from sqlalchemy import select

from contracts.envelope import Envelope
from contracts.events.intake import (
    Agency,
    ConsentGranted,
    ConsentWithdrawn,
    LayoffReason,
    WorkerRegistered,
)
from contracts.ids import uuid7
from deploy.dev.components import free_port
from services.benefits import models
from services.benefits.app import create_app
from services.benefits.collaborators import BenefitsOffice, DeliveryPolicy
from services.benefits.consumers import build_handler
from services.benefits.webhooks import FeedDispatcher
from services.common import scopes
from services.common.settings import ServiceSettings
from tests.authz import HOME_COMMUNITY
from tests.infrastructure import migrated_database
from tests.tokens import TestIssuer

MIGRATIONS = Path(models.__file__).parent / "migrations"
TEST_DELIVERY = DeliveryPolicy(
    max_attempts=3, base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=5), timeout_seconds=5
)


class BenefitsIssuer(TestIssuer):
    """The test issuer, with the tokens of assistants, agencies and the feed operator."""

    def assistant(self, community_code: str = HOME_COMMUNITY) -> dict[str, str]:
        return self.staff_headers("labour_assistant", community_code=community_code)

    def agency(self, agency: Agency, *granted: str) -> dict[str, str]:
        chosen = granted or (scopes.BENEFITS_READ, scopes.BENEFITS_DECIDE)
        return self.headers(*chosen, client_kind="agency", agency=agency.value)

    def operator(self) -> dict[str, str]:
        return self.headers(scopes.BENEFITS_FEEDS, client_kind="service")


@dataclass
class OfficeClock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass
class Benefits:
    """The service in this process: its HTTP client, its collaborators, its consumer, its outbox."""

    http: httpx.AsyncClient
    office: BenefitsOffice
    clock: OfficeClock
    issuer: BenefitsIssuer
    database_url: str
    app: FastAPI

    def assistant(self, community_code: str = HOME_COMMUNITY) -> dict[str, str]:
        """A labour assistant's token, of the home community unless another is named."""
        return self.issuer.assistant(community_code)

    async def register(self, case_id: str, community_code: str = HOME_COMMUNITY) -> None:
        """Intake registered the worker's case in `community_code`."""
        event = WorkerRegistered(
            case_id=case_id,
            community_code=community_code,
            layoff_date=self.clock.now.date(),
            layoff_reason=LayoffReason.RESTRUCTURING,
            registered_at=self.clock.now,
        )
        assert await self.consume(event.envelope(correlation_id=str(uuid7()))) == "applied"

    async def consent(
        self, case_id: str, agency: Agency, *, days: int = 365, registered_in: str | None = HOME_COMMUNITY
    ) -> str:
        """The worker consents to share with `agency`; intake registered the case (again) in `registered_in`
        just before, unless None."""
        if registered_in is not None:
            await self.register(case_id, registered_in)
        consent_id = str(uuid7())
        event = ConsentGranted(
            case_id=case_id,
            consent_id=consent_id,
            agency=agency,
            purpose="policy support",
            expires_on=self.clock.now.date() + timedelta(days=days),
            granted_at=self.clock.now,
        )
        assert await self.consume(event.envelope(correlation_id=str(uuid7()))) == "applied"
        return consent_id

    async def withdraw_consent(self, case_id: str, agency: Agency, consent_id: str) -> None:
        event = ConsentWithdrawn(
            case_id=case_id, consent_id=consent_id, agency=agency, withdrawn_at=self.clock.now
        )
        assert await self.consume(event.envelope(correlation_id=str(uuid7()))) == "applied"

    async def consume(self, envelope: Envelope) -> str:
        return await build_handler(self.office.sessions)(envelope)

    async def events(self, event_type: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """`(topic, data)` of what the outbox holds, in order, of one type if given."""
        async with self.office.sessions() as session:
            rows = (await session.execute(select(models.outbox).order_by(models.outbox.c.seq))).all()
        found = []
        for row in rows:
            envelope = Envelope.model_validate_json(row.payload)
            if event_type is None or envelope.type == event_type:
                found.append((row.topic, envelope.data))
        return found

    def dispatcher(self, http: httpx.AsyncClient) -> FeedDispatcher:
        return FeedDispatcher(self.office, http)


def loan_request(case_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "application_key": f"loan-{case_id}",
        "case_id": case_id,
        "kind": "micro_loan",
        "assistant_id": "assistant-1",
        "full_name": "张伟",
        "resident_id_masked": "1101**********123X",
        "requested_amount_yuan": 100_000,
        "term_months": 24,
        "business_kind": "breakfast stall",
    } | changes


def new_case() -> str:
    return str(uuid7())


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def benefits_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with migrated_database(request.param, tmp_path, MIGRATIONS) as url:
        yield url


@pytest_asyncio.fixture
async def benefits(benefits_database_url: str) -> AsyncIterator[Benefits]:
    clock, issuer = OfficeClock(), BenefitsIssuer()
    app = create_app(
        ServiceSettings(database_url=benefits_database_url),
        clock=clock,
        token_verifier=issuer.verifier(),
        delivery=TEST_DELIVERY,
        background=False,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://benefits") as http:
            yield Benefits(http, app.state.office, clock, issuer, benefits_database_url, app)


class _Server(uvicorn.Server):
    """Signals stay with the test process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """Run `app` with uvicorn on `port` (a free local one if not given); yields its base URL."""
    port = port or free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


@dataclass
class Receiver:
    """An agency's webhook endpoint on a real port: records each request, answers `status`."""

    url: str = ""
    status: int = 204
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    record = Receiver()
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        record.received.append((dict(request.headers), await request.body()))
        return Response(status_code=record.status)

    async with serve(app) as base:
        record.url = f"{base}/hook"
        yield record
