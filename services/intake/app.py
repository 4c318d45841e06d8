"""The intake service's composition root."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.audit import AuditLog
from services.common.audit_api import AuditTrail, audit_router
from services.common.auth import TokenVerifier
from services.common.db import create_engine, database_ready, session_factory
from services.common.http import service_app
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector
from services.common.settings import ServiceSettings
from services.common.temporal import JourneyGateway, LazyTemporalClient
from services.intake import api, api_imports, api_restructuring, models
from services.intake.collaborators import Intake
from services.intake.domain import DEFAULT_VOTING_RULE, VotingRule

DESCRIPTION = (
    "The record of each laid-off worker (下岗职工): registration opens a case and starts the worker's "
    "re-employment journey. Errors answer with `{error, message, errors: [{field, reason}]}`."
)


BULK_PATHS = re.compile(r"^/(restructuring-plans/[^/]+/(intake|roster/spreadsheet)|ledger/spreadsheet)$")


class IntakePolicy(BaseSettings):
    """Intake's policy settings (`REEMPLOY_INTAKE_*`)."""

    model_config = SettingsConfigDict(env_prefix="REEMPLOY_INTAKE_", extra="ignore")

    congress_voting_rule: VotingRule = DEFAULT_VOTING_RULE
    ledger_max_rows: int = Field(default=20_000, ge=1, description="Most rows of an uploaded spreadsheet")


def create_app(
    settings: ServiceSettings,
    policy: IntakePolicy | None = None,
    *,
    token_verifier: TokenVerifier | None = None,
) -> FastAPI:
    policy = policy or IntakePolicy()
    engine = create_engine(settings.database_url)
    temporal = LazyTemporalClient(settings.temporal_address, settings.temporal_namespace)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sessions = session_factory(engine)
        audit = AuditLog(models.audit_log, models.audit_chain_head)
        app.state.audit = AuditTrail(log=audit, sessions=sessions)
        app.state.intake = Intake(
            sessions=sessions,
            outbox=Outbox(models.outbox),
            journeys=JourneyGateway(temporal),
            personal_data=PersonalDataProtector(settings.secret_key),
            congress_voting_rule=policy.congress_voting_rule,
            ledger_max_rows=policy.ledger_max_rows,
            audit=audit,
        )
        yield
        await engine.dispose()

    app = service_app(
        service="intake",
        title="Reemploy intake",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine), "temporal": temporal.is_reachable},
        max_body_bytes=settings.max_body_bytes,
        bulk_max_body_bytes=settings.bulk_max_body_bytes,
        bulk_paths=BULK_PATHS,
    )
    app.state.token_verifier = token_verifier or TokenVerifier.from_settings(settings)
    app.include_router(api.router)
    app.include_router(api.network_router)
    app.include_router(api.records_router)
    app.include_router(api.guidance_router)
    app.include_router(api_restructuring.restructuring_router)
    app.include_router(api_imports.imports_router)
    app.include_router(audit_router)
    return app
