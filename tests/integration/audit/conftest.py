"""Fixtures for the audit log on both engines: the intake database's chain, and intake's API."""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.common.audit import Access, Actor, ActorSource, AuditLog
from services.common.db import session_factory
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import audit_chain_head, audit_log
from tests.integration.intake.support import ISSUER, Clients, serving


@pytest.fixture
def audit() -> AuditLog:
    return AuditLog(audit_log, audit_chain_head)


@pytest_asyncio.fixture
async def sessions(intake_engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield session_factory(intake_engine)


def access(actor: str = "assistant-7", purpose: str = "guidance") -> Access:
    return Access(Actor(actor, ActorSource.TOKEN), purpose=purpose, correlation_id="test-correlation")


async def tamper(engine: AsyncEngine, *statements: str) -> None:
    """Run raw SQL on the log as an intruder with DDL rights would: the append-only triggers dropped first."""
    dropping = (
        ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
        if engine.dialect.name == "sqlite"
        else ["DROP TRIGGER audit_log_append_only ON audit_log"]
    )
    async with engine.begin() as connection:
        for statement in [*dropping, *statements]:
            await connection.execute(text(statement))


@pytest_asyncio.fixture
async def intake(intake_database_url: str) -> AsyncIterator[Clients]:
    """The intake API trusting the test issuer's tokens, with street ZS and community ZS-01."""
    app = create_app(ServiceSettings(database_url=intake_database_url), token_verifier=ISSUER.verifier())
    async with serving(app) as clients:
        yield clients
