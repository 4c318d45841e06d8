"""Listing cases with filters, sorting and keyset pagination: fast on deep pages, stable as cases arrive."""

import base64
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.intake import audited
from services.intake.collaborators import Intake
from services.intake.guards import reachable_cases
from services.intake.models import CaseFlag, Community, WorkerCase
from services.intake.schemas import CasePage, CaseQuery, CaseSort, RegisteredWorker

SORT_KEYS: dict[CaseSort, tuple[InstrumentedAttribute[Any], bool]] = {
    CaseSort.NEWEST: (WorkerCase.case_id, True),
    CaseSort.OLDEST: (WorkerCase.case_id, False),
    CaseSort.LAYOFF_DATE: (WorkerCase.layoff_date, False),
    CaseSort.LAYOFF_DATE_DESC: (WorkerCase.layoff_date, True),
}
"""Case ids are time-ordered (UUIDv7), so sorting by id is sorting by registration."""


async def search_cases(*, intake: Intake, query: CaseQuery, caller: Caller) -> CasePage:
    """A page of the cases the caller reaches; each case shown is recorded in the audit log, in the same
    transaction."""
    statement = matching_cases(query).where(reachable_cases(caller.principal))
    key, descending = SORT_KEYS[query.sort]
    if query.cursor is not None:
        statement = statement.where(_after(query, key, descending))
    ordering = (
        [key.desc(), WorkerCase.case_id.desc()] if descending else [key.asc(), WorkerCase.case_id.asc()]
    )
    if key is WorkerCase.case_id:
        ordering = ordering[:1]
        if query.hardship_flag is not None:
            flag_order = CaseFlag.case_id.desc() if descending else CaseFlag.case_id.asc()
            ordering = [flag_order]
    async with intake.sessions.begin() as session:
        rows = list(await session.scalars(statement.order_by(*ordering).limit(query.limit + 1)))
        page, more = rows[: query.limit], len(rows) > query.limit
        shown = [row.case_id for row in page]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.WORKER_CASE, shown
        )
    return CasePage(
        items=[RegisteredWorker.model_validate(row, from_attributes=True) for row in page],
        next_cursor=_cursor(query.sort, page[-1]) if more else None,
    )


def matching_cases(query: CaseQuery) -> Select[WorkerCase]:
    statement = select(WorkerCase)
    equal = {
        WorkerCase.community_code: query.community_code,
        WorkerCase.assistant_id: query.assistant_id,
        WorkerCase.status: query.status,
        WorkerCase.layoff_reason: query.layoff_reason.value if query.layoff_reason else None,
        WorkerCase.restructuring_plan_id: query.restructuring_plan_id,
        WorkerCase.journey_stage: query.stage.value if query.stage else None,
    }
    statement = statement.where(*(column == value for column, value in equal.items() if value is not None))
    if query.street_code is not None:
        communities = select(Community.community_code).where(Community.street_code == query.street_code)
        statement = statement.where(WorkerCase.community_code.in_(communities))
    if query.hardship_flag is not None:
        statement = statement.join(
            CaseFlag, and_(CaseFlag.case_id == WorkerCase.case_id, CaseFlag.flag == query.hardship_flag.value)
        )
    if query.layoff_from is not None:
        statement = statement.where(WorkerCase.layoff_date >= query.layoff_from)
    if query.layoff_to is not None:
        statement = statement.where(WorkerCase.layoff_date <= query.layoff_to)
    if query.registered_from is not None:
        statement = statement.where(WorkerCase.registered_at >= _start_of(query.registered_from))
    if query.registered_to is not None:
        statement = statement.where(
            WorkerCase.registered_at < _start_of(query.registered_to + timedelta(days=1))
        )
    return statement


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _after(query: CaseQuery, key: InstrumentedAttribute[Any], descending: bool) -> ColumnElement[bool]:
    sort, value, case_id = _read_cursor(query.cursor or "")
    if sort != query.sort.value:
        raise DomainError(
            422,
            "validation_failed",
            "The cursor belongs to another sort order",
            [{"field": "cursor", "reason": "made for another sort order"}],
        )
    if key is WorkerCase.case_id:
        return WorkerCase.case_id < case_id if descending else WorkerCase.case_id > case_id
    boundary = date.fromisoformat(value)
    beyond: ColumnElement[bool] = key < boundary if descending else key > boundary
    tie = WorkerCase.case_id < case_id if descending else WorkerCase.case_id > case_id
    return or_(beyond, and_(key == boundary, tie))


def _cursor(sort: CaseSort, last: WorkerCase) -> str:
    value = last.layoff_date.isoformat() if sort in (CaseSort.LAYOFF_DATE, CaseSort.LAYOFF_DATE_DESC) else ""
    return base64.urlsafe_b64encode(json.dumps([sort.value, value, last.case_id]).encode()).decode()


def _read_cursor(cursor: str) -> tuple[str, str, str]:
    try:
        sort, value, case_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(sort), str(value), str(case_id)
    except (ValueError, TypeError) as error:
        raise DomainError(
            422,
            "validation_failed",
            "The cursor is not one this service gave",
            [{"field": "cursor", "reason": "not a cursor of this list"}],
        ) from error
