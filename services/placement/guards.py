"""The checks placement use cases make inside their transaction: the record exists, the move is allowed."""

from enum import StrEnum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.errors import DomainError
from services.placement.models import Base, Worker

Status = TypeVar("Status", bound=StrEnum)
Action = TypeVar("Action", bound=StrEnum)
Record = TypeVar("Record", bound=Base)


async def require(
    session: AsyncSession, model: type[Record], key: str, *, what: str, for_update: bool = False
) -> Record:
    """The record, or 404 `<what>_not_found`."""
    record = await session.get(model, key, with_for_update=for_update)
    if record is None:
        raise DomainError(404, f"{what}_not_found", f"No {what.replace('_', ' ')} {key}")
    return record


async def require_open_case(session: AsyncSession, case_id: str) -> Worker:
    """The worker as placement knows them (404 `worker_not_found`), whose case is open (409 `case_closed`)."""
    worker = await require(session, Worker, case_id, what="worker")
    if not worker.case_open:
        raise DomainError(409, "case_closed", f"The case {case_id} is closed")
    return worker
