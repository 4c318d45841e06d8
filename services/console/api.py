"""The console's JSON API: targets for the leading group's own tools (bearer token, `targets:*` scopes)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from services.common.auth import Principal, require
from services.console import queries
from services.console.records import set_community_street, set_target
from services.console.rendering import sessions_of
from services.console.schemas import CODE, CommunityStreetIn, TargetIn, TargetOut

router = APIRouter(prefix="/api", tags=["targets"])


class TargetLineOut(BaseModel):
    area_kind: str
    area_code: str
    indicator: str
    target: int
    actual: int
    progress: float


@router.put("/targets", response_model=TargetOut)
async def put_target(
    request: Request, target: TargetIn, caller: Annotated[Principal, Depends(require("targets:manage"))]
) -> TargetOut:
    """Create or replace the yearly target of a street or community on one indicator."""
    await set_target(sessions_of(request), target=target, set_by=caller.subject)
    return TargetOut(**target.model_dump(), set_by=caller.subject)


@router.put("/communities", response_model=CommunityStreetIn)
async def put_community_street(
    request: Request,
    mapping: CommunityStreetIn,
    _caller: Annotated[Principal, Depends(require("targets:manage"))],
) -> CommunityStreetIn:
    """Say which street a community belongs to, so its achievements count toward the street's targets."""
    await set_community_street(sessions_of(request), mapping=mapping)
    return mapping


@router.get("/target-assessment", response_model=list[TargetLineOut])
async def get_target_assessment(
    request: Request,
    year: Annotated[int, Query(ge=2000, le=2100)],
    street: Annotated[str | None, Query(pattern=CODE)] = None,
    *,
    _caller: Annotated[Principal, Depends(require("targets:read"))],
) -> list[TargetLineOut]:
    """The year's targets against what was achieved, progress 0..1: streets (and communities in no street),
    or with `street` that street's and its communities'."""
    async with sessions_of(request)() as session:
        lines = await queries.target_assessment(session, year=year, street=street)
    return [TargetLineOut(**line.__dict__) for line in lines]
