"""Who is asking and why (`current_access`), and the routes verifying and exporting the audit chain."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common import scopes
from services.common.audit import Access, Actor, ActorSource, AuditAction, AuditLog, Problem
from services.common.auth import Principal, require
from services.common.http import current_correlation_id

NO_PURPOSE = "not stated"


@dataclass(frozen=True)
class AuditTrail:
    """What the audit routes need, put in `app.state.audit` by the composition root."""

    log: AuditLog
    sessions: async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Caller:
    """A verified caller: the token's principal (for object-level rules) and the access the audit records."""

    principal: Principal
    access: Access


Purpose = Annotated[
    str | None,
    Header(alias="X-Reemploy-Purpose", min_length=1, max_length=200, description="Why personal data is used"),
]


def current_access(*needed: str) -> Callable[..., Awaitable[Caller]]:
    """A route dependency: the caller whose token carries every scope in `needed` (401/403 otherwise, see
    `services.common.auth.require`), with the actor taken from that verified token only. The
    `X-Reemploy-Purpose` header is the caller's statement of why personal data is used."""
    verified = require(*needed)

    async def caller(principal: Annotated[Principal, Depends(verified)], purpose: Purpose = None) -> Caller:
        access = Access(
            actor=actor_of(principal), purpose=purpose or NO_PURPOSE, correlation_id=current_correlation_id()
        )
        return Caller(principal=principal, access=access)

    return caller


def actor_of(principal: Principal) -> Actor:
    """The audit log's actor: the token's subject, role, and the organisation a client acts for."""
    organisation = principal.agency or principal.employer_id or principal.provider_id
    client = f"{principal.client_kind}:{organisation}" if principal.client_kind and organisation else None
    return Actor(
        subject=principal.subject,
        source=ActorSource.TOKEN,
        role=principal.role,
        client=client or principal.client_kind,
    )


AuditReader = Annotated[Caller, Depends(current_access(scopes.AUDIT_READ))]

_any_verified_caller = current_access()


async def _access_of(caller: Annotated[Caller, Depends(_any_verified_caller)]) -> Access:
    return caller.access


CurrentAccess = Annotated[Access, Depends(_access_of)]
"""Only the access to record, for routes whose own dependency already checks scopes and object rules."""


class BrokenRecordOut(BaseModel):
    seq: int
    problem: Problem
    detail: str


class ChainVerification(BaseModel):
    """`ok`, or the first broken record; `head_hash` lets an auditor compare an export with the live chain."""

    ok: bool
    records: int
    head_seq: int
    head_hash: str
    broken: BrokenRecordOut | None


async def _trail(request: Request) -> AuditTrail:
    trail: AuditTrail = request.app.state.audit
    return trail


Trail = Annotated[AuditTrail, Depends(_trail)]

audit_router = APIRouter(prefix="/audit", tags=["audit"])


@audit_router.get("/verify", response_model=ChainVerification)
async def verify_chain(trail: Trail, _reader: AuditReader) -> ChainVerification:
    """Walk the whole chain; answer `ok`, or the first record changed, deleted or out of place."""
    report = await trail.log.verify(trail.sessions)
    broken = report.broken
    return ChainVerification(
        ok=report.ok,
        records=report.records,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        broken=None
        if broken is None
        else BrokenRecordOut(seq=broken.seq, problem=broken.problem, detail=broken.detail),
    )


@audit_router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines, oldest first"}},
)
async def export_chain(trail: Trail, reader: AuditReader) -> StreamingResponse:
    """Every record as JSON Lines with `prev_hash` and `hash`; the export itself is recorded first."""
    async with trail.sessions.begin() as session:
        await trail.log.record(
            session,
            reader.access,
            action=AuditAction.EXPORT,
            resource_type="audit_log",
            resource_ids=["audit_log"],
            fields=[],
        )
    return StreamingResponse(
        trail.log.export(trail.sessions),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit-log.jsonl"'},
    )
