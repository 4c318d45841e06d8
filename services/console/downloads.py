"""Downloads: each page's figures as .xlsx and the district's monthly report as PDF, for staff from the
console (the session cookie, the page's role rules) and for the leading group's tools from the API (bearer
token, `targets:read`). Workbooks and reports are built in a worker thread, off the event loop."""

import asyncio
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.common.auth import Principal, require
from services.common.error_responses import refusals
from services.common.errors import DomainError
from services.console import exports, queries
from services.console.actions import ActionRefused, ServiceUnavailable, gateway_of
from services.console.domain import Page, Role
from services.console.month import month_before, month_figures
from services.console.monthly_report import FontMissing, monthly_report
from services.console.rendering import sessions_of, today_of
from services.console.schemas import CODE
from services.console.staff import Staff, StaffDep, allowed

router = APIRouter(tags=["downloads"], include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["exports"])

PDF = "application/pdf"
MONTH = r"^20\d{2}-(0[1-9]|1[0-2])$"
Year = Annotated[int | None, Query(ge=2000, le=2100, description="The target year; this year if omitted")]
Street = Annotated[str | None, Query(pattern=CODE, description="One street and its communities")]
Month = Annotated[
    str | None,
    Query(pattern=MONTH, description="`YYYY-MM` from 2000 to 2099; the month before this one if omitted"),
]
TargetsReader = Annotated[Principal, Depends(require("targets:read"))]
XLSX_ANSWER: dict[int | str, dict[str, object]] = {
    200: {"content": {exports.XLSX: {}}, "description": "A workbook"}
}
PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {}}, "description": "The printable A4 report"},
    **refusals({503: "`font_missing`: no CJK font is installed where the console runs"}),
}


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


def _month(text: str | None, today: date) -> date:
    if text is not None:
        return date(int(text[:4]), int(text[5:7]), 1)
    return month_before(today)


async def _targets_file(request: Request, year: int | None, street: str | None) -> Response:
    year = year or today_of(request).year
    async with sessions_of(request)() as session:
        lines = await queries.target_assessment(session, year=year, street=street)
    content = await asyncio.to_thread(exports.targets_workbook, year, lines)
    return _attachment(content, exports.XLSX, f"targets-{year}{'-' + street if street else ''}.xlsx")


async def _outcomes_file(request: Request) -> Response:
    async with sessions_of(request)() as session:
        quarters = await queries.outcomes(session)
    content = await asyncio.to_thread(exports.outcomes_workbook, quarters)
    return _attachment(content, exports.XLSX, f"outcomes-{today_of(request).isoformat()}.xlsx")


async def _monthly_file(request: Request, month: str | None) -> Response:
    first_day = _month(month, today_of(request))
    async with sessions_of(request)() as session:
        figures = await month_figures(session, month=first_day)
    try:
        content = await asyncio.to_thread(monthly_report, figures, printed_at=datetime.now(UTC))
    except FontMissing as missing:
        raise DomainError(503, "font_missing", str(missing)) from missing
    return _attachment(content, PDF, f"monthly-report-{first_day:%Y-%m}.pdf")


@router.get("/caseload.xlsx")
async def caseload_file(
    request: Request, staff: StaffDep, assistant_id: Annotated[str | None, Query(max_length=36)] = None
) -> Response:
    """Every open case and task of the caseload the page shows (an assistant's own; any, for a supervisor)."""
    allowed(staff, Page.CASELOAD)
    if staff.role is Role.LABOUR_ASSISTANT or assistant_id is None:
        assistant_id = staff.assistant_id
    async with sessions_of(request)() as session:
        caseload = await queries.caseload(
            session, assistant_id=assistant_id, today=today_of(request), limit=None
        )
    content = await asyncio.to_thread(exports.caseload_workbook, caseload)
    return _attachment(content, exports.XLSX, f"caseload-{today_of(request).isoformat()}.xlsx")


LEDGER_FILTERS = ("assistant_id", "community_code", "street_code", "stage", "status")
"""Filters of intake's case list the console passes on; intake validates them."""


@router.get("/ledger.xlsx")
async def ledger_file(request: Request, staff: StaffDep) -> Response:
    """Intake's ledger (台账) of the cases the staff member reaches, with names and resident IDs (masked
    unless their scope allows), fetched with their own token; filtered as intake's case list."""
    allowed(staff, Page.CASELOAD)
    filters = {name: request.query_params[name] for name in LEDGER_FILTERS if name in request.query_params}
    filename = f"ledger-{today_of(request).isoformat()}.xlsx"
    return await intake_workbook(request, staff, "/ledger/spreadsheet", filename, params=filters)


async def intake_workbook(
    request: Request, staff: Staff, path: str, filename: str, params: dict[str, str] | None = None
) -> Response:
    """A workbook intake writes for this staff member (with their own token), passed on as a download;
    intake's refusal is answered as it gave it."""
    try:
        content = await gateway_of(request).intake_file(token=staff.token, path=path, params=params)
    except ActionRefused as refused:
        raise DomainError(refused.status, refused.code, str(refused), list(refused.errors)) from refused
    except ServiceUnavailable as unavailable:
        raise DomainError(503, "intake_unavailable", str(unavailable)) from unavailable
    return _attachment(content, exports.XLSX, filename)


@router.get("/targets.xlsx")
async def targets_file(
    request: Request, staff: StaffDep, year: Year = None, street: Street = None
) -> Response:
    allowed(staff, Page.TARGETS)
    return await _targets_file(request, year, street)


@router.get("/outcomes.xlsx")
async def outcomes_file(request: Request, staff: StaffDep) -> Response:
    allowed(staff, Page.OUTCOMES)
    return await _outcomes_file(request)


@router.get("/reports/monthly.pdf")
async def monthly_report_file(request: Request, staff: StaffDep, month: Month = None) -> Response:
    allowed(staff, Page.TARGETS)
    return await _monthly_file(request, month)


@api_router.get("/exports/targets.xlsx", response_class=Response, responses=XLSX_ANSWER)
async def targets_export(
    request: Request, _caller: TargetsReader, year: Year = None, street: Street = None
) -> Response:
    """The target assessment as on the targets page, as a workbook with Chinese headers."""
    return await _targets_file(request, year, street)


@api_router.get("/exports/outcomes.xlsx", response_class=Response, responses=XLSX_ANSWER)
async def outcomes_export(request: Request, _caller: TargetsReader) -> Response:
    """The outcome measures per exit quarter, as a workbook with Chinese headers."""
    return await _outcomes_file(request)


@api_router.get("/reports/monthly.pdf", response_class=Response, responses=PDF_ANSWER)
async def monthly_report_export(request: Request, _caller: TargetsReader, month: Month = None) -> Response:
    """The district's report for a month: figures, charts, the year's targets, a table per street."""
    return await _monthly_file(request, month)
