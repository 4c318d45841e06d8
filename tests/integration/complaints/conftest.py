"""Fixtures for the complaints service: a migrated database on each engine, the API in this process with a
clock the test moves, staff, workflow and agency tokens from a test issuer, and the events its outbox
holds."""

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.envelope import Envelope
from deploy.dev import components
from services.common import scopes
from services.common.db import create_engine
from services.common.settings import ServiceSettings
from services.complaints import models
from services.complaints.app import create_app
from tests.infrastructure import migrated_database
from tests.tokens import TestIssuer

MIGRATIONS = Path(models.__file__).parent / "migrations"

ISSUER = TestIssuer()
"""Signs every complaints test's tokens; the `complaints_api` fixture's verifier trusts it."""
FORGER = TestIssuer()
"""An issuer the service does not trust: its tokens must be refused."""


class Bearer(Mapping[str, str]):
    """Request headers carrying a token minted when the request is made, so a long test run never sends
    an expired one: `headers=OFFICER`, `{**OFFICER, ...}`."""

    def __init__(self, mint: Callable[[], dict[str, str]]) -> None:
        self.mint = mint

    def __getitem__(self, name: str) -> str:
        return self.mint()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.mint())

    def __len__(self) -> int:
        return len(self.mint())


OFFICER = Bearer(lambda: ISSUER.staff_headers("rights_officer"))
SUPERVISOR = Bearer(lambda: ISSUER.staff_headers("supervisor"))
ASSISTANT = Bearer(lambda: ISSUER.staff_headers("labour_assistant", community_code="community-home"))
WORKFLOW = Bearer(ISSUER.service_headers)


def agency(name: str, *granted: str) -> dict[str, str]:
    """An agency client's token for `name`, with `complaints:referrals` unless other scopes are named."""
    chosen = granted or (scopes.COMPLAINTS_REFERRALS,)
    return ISSUER.headers(*chosen, client_kind="agency", agency=name)


@dataclass
class StationClock:
    """The service's clock, moved by the test."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def complaints_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with migrated_database(request.param, tmp_path, MIGRATIONS) as url:
        yield url


@pytest.fixture
def station_clock() -> StationClock:
    return StationClock()


@pytest_asyncio.fixture
async def complaints_app(
    complaints_database_url: str, station_clock: StationClock, time_skipping: WorkflowEnvironment
) -> AsyncIterator[FastAPI]:
    """The complaints app, started, asking the time-skipping server about workflows."""
    settings = ServiceSettings(
        database_url=complaints_database_url,
        temporal_address=time_skipping.client.service_client.config.target_host,
    )
    app = create_app(settings, clock=station_clock, token_verifier=ISSUER.verifier())
    async with app.router.lifespan_context(app):
        yield app


@pytest_asyncio.fixture
async def complaints_api(complaints_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the complaints API in this process; each request names its caller's token."""
    transport = httpx.ASGITransport(app=complaints_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://complaints") as client:
        yield client


@pytest_asyncio.fixture
async def workflow_http(complaints_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The client the workflow's activities call with: a service client's token on every request."""
    transport = httpx.ASGITransport(app=complaints_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://complaints", auth=ISSUER.service_auth()
    ) as client:
        yield client


class OutboxReader:
    """The events the service wrote, in order; `new()` gives those not read yet."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url)
        self.seen = 0

    async def all(self) -> list[Envelope]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(models.outbox.c.seq, models.outbox.c.payload).order_by(models.outbox.c.seq)
            )
            return [Envelope.model_validate_json(payload) for _seq, payload in rows]

    async def new(self) -> list[Envelope]:
        envelopes = await self.all()
        fresh = envelopes[self.seen :]
        self.seen = len(envelopes)
        return fresh


@pytest_asyncio.fixture
async def outbox(complaints_database_url: str) -> AsyncIterator[OutboxReader]:
    reader = OutboxReader(complaints_database_url)
    yield reader
    await reader.engine.dispose()


def filing(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_id": "01939a4e-0000-7000-8000-000000000001",
        "category": "unpaid_wages",
        "channel": "hotline",
        "employer": {"name": "宏达纺织有限公司", "credit_code": "91110105MA01ABCD26"},
        "narrative": "Three months of wages (Aug-Oct) not paid since the transfer to the new company.",
        "attachments": [
            {
                "file_name": "payslips.pdf",
                "media_type": "application/pdf",
                "size_bytes": 48213,
                "sha256": "a" * 64,
            }
        ],
    }
    body.update(overrides)
    return body


async def file_complaint(api: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await api.post("/complaints", json=filing(**overrides), headers=ASSISTANT)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest_asyncio.fixture(scope="session")
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, shared by the session (every test uses its own task queue)."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=components.temporal_test_server(),
    )
    yield env
    await env.shutdown()
