"""The checks every intake use case makes inside its transaction: the case exists, the move is allowed."""

from enum import StrEnum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.errors import DomainError
from services.intake.models import WorkerCase

Status = TypeVar("Status", bound=StrEnum)
Action = TypeVar("Action", bound=StrEnum)


async def require_case(session: AsyncSession, case_id: str) -> WorkerCase:
    """The case, or 404 `case_not_found`."""
    case = await session.get(WorkerCase, case_id)
    if case is None:
        raise DomainError(404, "case_not_found", f"No case {case_id}")
    return case
