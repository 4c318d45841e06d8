"""Who is asking and why (`current_access`), and the routes verifying and exporting the audit chain."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.audit import (
    ANONYMOUS,
    Access,
    Actor,
    ActorSource,
    AuditAction,
    AuditLog,
    Problem,
)
from services.common.auth import InvalidToken, KeysUnavailable, Principal, TokenVerifier
from services.common.errors import DomainError
from services.common.http import current_correlation_id

NO_PURPOSE = "not stated"

_bearer = HTTPBearer(auto_error=False, description="An access token; when sent, it names the actor")


@dataclass(frozen=True)
class AuditTrail:
    """What the audit routes need, put in `app.state.audit` by the composition root."""

    log: AuditLog
    sessions: async_sessionmaker[AsyncSession]


async def current_access(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    actor: Annotated[
        str | None,
        Header(alias="X-Reemploy-Actor", min_length=1, max_length=200, description="Who acts (no token)"),
    ] = None,
    purpose: Annotated[
        str | None,
        Header(
            alias="X-Reemploy-Purpose", min_length=1, max_length=200, description="Why personal data is used"
        ),
    ] = None,
) -> Access:
    """The actor from a verified bearer token when one is sent, else from `X-Reemploy-Actor`, else anonymous.

    The one place the auth work replaces once tokens are required; a token that does not verify is refused
    (401), never ignored in favour of the header.
    """
    if credentials is not None:
        who = _actor_of(await _verified(request, credentials.credentials))
    elif actor is not None:
        who = Actor(subject=actor, source=ActorSource.HEADER)
    else:
        who = ANONYMOUS
    return Access(actor=who, purpose=purpose or NO_PURPOSE, correlation_id=current_correlation_id())


CurrentAccess = Annotated[Access, Depends(current_access)]


async def _verified(request: Request, token: str) -> Principal:
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return await verifier.verify(token)
    except InvalidToken as refused:
        raise DomainError(401, "invalid_token", str(refused)) from refused
    except KeysUnavailable as unavailable:
        raise DomainError(503, "token_keys_unavailable", str(unavailable)) from unavailable


def _actor_of(principal: Principal) -> Actor:
    organisation = principal.agency or principal.employer_id or principal.provider_id
    client = f"{principal.client_kind}:{organisation}" if principal.client_kind and organisation else None
    return Actor(
        subject=principal.subject,
        source=ActorSource.TOKEN,
        role=principal.role,
        client=client or principal.client_kind,
    )


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


def _trail(request: Request) -> AuditTrail:
    trail: AuditTrail = request.app.state.audit
    return trail


Trail = Annotated[AuditTrail, Depends(_trail)]

audit_router = APIRouter(prefix="/audit", tags=["audit"])


@audit_router.get("/verify", response_model=ChainVerification)
async def verify_chain(trail: Trail) -> ChainVerification:
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
async def export_chain(trail: Trail, access: CurrentAccess) -> StreamingResponse:
    """Every record as JSON Lines with `prev_hash` and `hash`; the export itself is recorded first."""
    async with trail.sessions.begin() as session:
        await trail.log.record(
            session,
            access,
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
