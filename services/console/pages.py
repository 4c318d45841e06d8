"""The console's pages: caseload, case, supervisor overview, target assessment, outcomes."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.errors import DomainError
from services.console import assistants, queries
from services.console.domain import (
    AreaKind,
    Indicator,
    Page,
    Role,
    home_page,
    mask_case_id,
    mask_event_data,
    may_see_case,
)
from services.console.month import month_before
from services.console.rendering import render, sessions_of, today_of
from services.console.schemas import CODE
from services.console.staff import StaffDep, allowed

router = APIRouter(tags=["pages"], include_in_schema=False)

TREND_YEARS = 5
CaseId = Annotated[str, Path(min_length=1, max_length=36)]


@router.get("/")
async def home(staff: StaffDep) -> Response:
    page = home_page(staff.role)
    if page is None:
        raise DomainError(403, "page_not_allowed", "Your role has no page in the console")
    return RedirectResponse(f"/{page.value}", status_code=303)


@router.get("/caseload", response_class=HTMLResponse)
async def caseload_page(
    request: Request,
    staff: StaffDep,
    assistant_id: Annotated[str | None, Query(max_length=36)] = None,
) -> HTMLResponse:
    """An assistant sees their own caseload; a supervisor may open any assistant's."""
    allowed(staff, Page.CASELOAD)
    if staff.role is Role.LABOUR_ASSISTANT or assistant_id is None:
        assistant_id = staff.assistant_id
    async with sessions_of(request)() as session:
        seq = await queries.latest_seq(session)
        caseload = await queries.caseload(session, assistant_id=assistant_id, today=today_of(request))
    return render(
        request,
        "caseload.html",
        staff=staff,
        seq=seq,
        page=Page.CASELOAD,
        caseload=caseload,
        assistant_id=assistant_id,
        chart={
            "kind": "bar",
            "labels": [f"stage.{stage}" for stage, _ in caseload.by_stage],
            "series": [{"label": "caseload.by_stage", "values": [count for _, count in caseload.by_stage]}],
        },
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_detail(request: Request, staff: StaffDep, case_id: CaseId) -> HTMLResponse:
    allowed(staff, Page.CASE)
    async with sessions_of(request)() as session:
        seq = await queries.latest_seq(session)
        found = await queries.case_page(session, case_id=case_id, today=today_of(request))
        known = await assistants.known_assistants(session)
    if found is None:
        raise DomainError(404, "case_not_found", f"No case {case_id} in the console")
    if not may_see_case(staff.role, staff.assistant_id, found.case.assistant_id):
        raise DomainError(403, "case_not_allowed", "This case is carried by another labour assistant")
    timeline = [
        {
            "seq": entry.seq,
            "event_type": entry.event_type,
            "occurred_at": entry.occurred_at,
            "data": mask_event_data(staff.role, entry.data),
        }
        for entry in found.timeline
    ]
    return render(
        request,
        "case.html",
        staff=staff,
        seq=seq,
        page=Page.CASE,
        found=found,
        timeline=timeline,
        assistants=known,
        assistant_names={seen.assistant_id: seen.label for seen in known},
        case_ref=mask_case_id(staff.role, case_id),
    )


@router.get("/supervisor", response_class=HTMLResponse)
async def supervisor_page(request: Request, staff: StaffDep) -> HTMLResponse:
    allowed(staff, Page.SUPERVISOR)
    async with sessions_of(request)() as session:
        seq = await queries.latest_seq(session)
        overview = await queries.supervisor_overview(session, today=today_of(request))
    return render(
        request,
        "supervisor.html",
        staff=staff,
        seq=seq,
        page=Page.SUPERVISOR,
        overview=overview,
        chart={
            "kind": "bar",
            "raw_labels": [load.label for load in overview.loads],
            "series": [
                {"label": "supervisor.open_cases", "values": [load.open_cases for load in overview.loads]}
            ],
        },
    )


@router.get("/targets", response_class=HTMLResponse)
async def targets_page(
    request: Request,
    staff: StaffDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    street: Annotated[str | None, Query(pattern=CODE)] = None,
) -> HTMLResponse:
    """Streets (and communities in no street) first; `?street=` shows that street's communities."""
    allowed(staff, Page.TARGETS)
    year = year or today_of(request).year
    async with sessions_of(request)() as session:
        seq = await queries.latest_seq(session)
        lines = await queries.target_assessment(session, year=year, street=street)
        trend = await queries.indicators_by_year(session, years=TREND_YEARS, this_year=year)
    return render(
        request,
        "targets.html",
        staff=staff,
        seq=seq,
        page=Page.TARGETS,
        year=year,
        street=street,
        report_month=f"{month_before(today_of(request)):%Y-%m}",
        lines=lines,
        indicators=list(Indicator),
        area_kinds=list(AreaKind),
        chart={
            "kind": "line",
            "raw_labels": [str(y) for y in range(year - TREND_YEARS + 1, year + 1)],
            "series": [{"label": f"indicator.{name}", "values": values} for name, values in trend.items()],
        },
    )


@router.get("/outcomes", response_class=HTMLResponse)
async def outcomes_page(request: Request, staff: StaffDep) -> HTMLResponse:
    allowed(staff, Page.OUTCOMES)
    async with sessions_of(request)() as session:
        seq = await queries.latest_seq(session)
        quarters = await queries.outcomes(session)

    def percent(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    return render(
        request,
        "outcomes.html",
        staff=staff,
        seq=seq,
        page=Page.OUTCOMES,
        quarters=quarters,
        chart={
            "kind": "line",
            "raw_labels": [quarter.exit_quarter for quarter in quarters],
            "series": [
                {"label": "outcomes.employed_q2", "values": [percent(q.employed_q2) for q in quarters]},
                {"label": "outcomes.employed_q4", "values": [percent(q.employed_q4) for q in quarters]},
                {"label": "outcomes.credential", "values": [percent(q.credential_rate) for q in quarters]},
            ],
        },
    )
