"""The benefits service's composition root: the API, plus the feed dispatcher and the deadline sweep."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from fastapi import Depends, FastAPI

from services.benefits import api, models
from services.benefits.collaborators import BenefitsOffice, DeliveryPolicy
from services.benefits.deadlines import run_sweeps
from services.benefits.webhooks import FeedDispatcher
from services.common import scopes
from services.common.audit import AuditLog
from services.common.audit_api import AuditTrail, audit_router
from services.common.auth import TokenVerifier, require
from services.common.client_rate_limit import ClientRateLimit
from services.common.db import create_engine, database_ready, session_factory
from services.common.http import service_app
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector
from services.common.settings import ServiceSettings

DESCRIPTION = (
    "Policy support decided by partner agencies: re-employment certificate, self-employment tax relief, "
    "business registration and fee waiver, guaranteed micro-loan, health certificate, premises or stall. "
    "Staff (`benefits:apply`, `benefits:read`; a labour assistant only for their community's cases) and the "
    "platform's service clients submit and read applications, which are routed to the competent agency "
    "with a deadline; the agency reads and decides them under `/agencies/{agency}` with a token naming that "
    "agency (rate limited per client), and receives a minimal-data feed by signed webhook and on "
    "`feed.<agency>`. Every read and change of a worker's data is in the audit log (`/audit/verify`, "
    "`/audit/export`, scope `audit:read`). Errors answer with "
    "`{error, message, errors: [{field, reason}], details}`."
)
SWEEP_EVERY_SECONDS = 60.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: ServiceSettings,
    *,
    clock: Callable[[], datetime] = _utc_now,
    token_verifier: TokenVerifier | None = None,
    delivery: DeliveryPolicy | None = None,
    background: bool = True,
) -> FastAPI:
    """`background=False` leaves feed delivery and the deadline sweep to the caller (tests drive them)."""
    engine = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sessions = session_factory(engine)
        audit = AuditLog(models.audit_log, models.audit_chain_head, clock=clock)
        office = BenefitsOffice(
            sessions=sessions,
            outbox=Outbox(models.outbox),
            protector=PersonalDataProtector(settings.secret_key),
            audit=audit,
            clock=clock,
            delivery=delivery or DeliveryPolicy(),
        )
        app.state.office = office
        app.state.audit = AuditTrail(log=audit, sessions=sessions)
        app.state.token_verifier = token_verifier or TokenVerifier.from_settings(settings)
        app.state.client_rate_limit = ClientRateLimit.from_settings(settings)
        async with httpx.AsyncClient() as http:
            loops = []
            if background:
                loops = [
                    asyncio.create_task(FeedDispatcher(office, http).run()),
                    asyncio.create_task(run_sweeps(office, SWEEP_EVERY_SECONDS)),
                ]
            yield
            for loop in loops:
                loop.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await loop
        await engine.dispose()

    app = service_app(
        service="benefits",
        title="Reemploy benefits",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine)},
        max_body_bytes=settings.max_body_bytes,
        bulk_max_body_bytes=settings.bulk_max_body_bytes,
    )
    app.include_router(api.router)
    app.include_router(api.agency_router)
    app.include_router(api.operator_router)
    app.include_router(audit_router, dependencies=[Depends(require(scopes.AUDIT_READ))])
    return app
