"""The console's forms: log in and out, reassign a case, record a follow-up, set targets.

Each action answers with a redirect back to its page (`?done=…` or `?failed=<error code>`), so a reload
never posts twice. Reassignment and follow-ups are done by intake and placement; the console shows the
result when their events come back through the read model.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.errors import DomainError
from services.console.actions import ActionRefused, ServiceUnavailable, gateway_of
from services.console.domain import REASSIGNS_CASES, RECORDS_FOLLOW_UPS, SETS_TARGETS, Role
from services.console.forms import read_form
from services.console.models import CaseView, FollowUpView
from services.console.records import set_community_street, set_target
from services.console.rendering import render, sessions_of
from services.console.schemas import (
    CommunityStreetIn,
    FollowUpForm,
    LoginForm,
    ReassignmentForm,
    TargetIn,
)
from services.console.staff import SESSION_COOKIE, Staff, StaffDep

router = APIRouter(tags=["forms"], include_in_schema=False)

CaseId = Annotated[str, Path(min_length=36, max_length=36)]
TaskKey = Annotated[str, Path(min_length=1, max_length=200)]


def _back(path: str, *, done: str | None = None, failed: str | None = None) -> RedirectResponse:
    query = f"?done={done}" if done else f"?failed={failed}"
    return RedirectResponse(f"{path}{query}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", staff=None)


@router.post("/login")
async def log_in(request: Request) -> Response:
    form = await read_form(request, LoginForm)
    try:
        token = await gateway_of(request).log_in(username=form.username, password=form.password)
    except ActionRefused:
        return render(request, "login.html", staff=None, status_code=401, error="login.failed")
    except ServiceUnavailable:
        return render(request, "login.html", staff=None, status_code=503, error="login.unavailable")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token.access_token,
        max_age=token.expires_in,
        httponly=True,
        samesite="strict",
        secure=request.app.state.secure_cookie,
    )
    return response


@router.post("/logout")
async def log_out() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    return response


def _require(staff: Staff, roles: frozenset[Role], action: str) -> None:
    if staff.role not in roles:
        raise DomainError(403, "action_not_allowed", f"The role {staff.role} may not {action}")


@router.post("/cases/{case_id}/reassignment")
async def reassign(request: Request, staff: StaffDep, case_id: CaseId) -> Response:
    _require(staff, REASSIGNS_CASES, "reassign cases")
    form = await read_form(request, ReassignmentForm)
    try:
        await gateway_of(request).reassign(token=staff.token, case_id=case_id, assistant_id=form.assistant_id)
    except ActionRefused as refused:
        return _back(f"/cases/{case_id}", failed=refused.code)
    except ServiceUnavailable:
        return _back(f"/cases/{case_id}", failed="intake_unavailable")
    return _back(f"/cases/{case_id}", done="reassigned")


@router.post("/follow-ups/{task_key}/completion")
async def record_follow_up(request: Request, staff: StaffDep, task_key: TaskKey) -> Response:
    """An assistant records follow-ups of the cases they carry; a supervisor, of any case."""
    _require(staff, RECORDS_FOLLOW_UPS, "record follow-ups")
    async with sessions_of(request)() as session:
        task = await session.get(FollowUpView, task_key)
        case = None if task is None else await session.get(CaseView, task.case_id)
    if task is None or case is None:
        raise DomainError(404, "follow_up_not_found", f"No follow-up {task_key} in the console")
    if staff.role is Role.LABOUR_ASSISTANT and case.assistant_id != staff.assistant_id:
        raise DomainError(403, "case_not_allowed", "This case is carried by another labour assistant")
    form = await read_form(request, FollowUpForm)
    try:
        await gateway_of(request).record_follow_up(token=staff.token, task_key=task_key, outcome=form)
    except ActionRefused as refused:
        return _back(f"/cases/{task.case_id}", failed=refused.code)
    except ServiceUnavailable:
        return _back(f"/cases/{task.case_id}", failed="placement_unavailable")
    return _back(f"/cases/{task.case_id}", done="recorded")


@router.post("/targets")
async def set_target_form(request: Request, staff: StaffDep) -> Response:
    _require(staff, SETS_TARGETS, "set targets")
    target = await read_form(request, TargetIn)
    await set_target(sessions_of(request), target=target, set_by=staff.staff_id)
    return RedirectResponse(f"/targets?year={target.year}&done=saved", status_code=303)


@router.post("/communities")
async def set_community_street_form(request: Request, staff: StaffDep) -> Response:
    _require(staff, SETS_TARGETS, "map communities to streets")
    mapping = await read_form(request, CommunityStreetIn)
    await set_community_street(sessions_of(request), mapping=mapping)
    return RedirectResponse("/targets?done=saved", status_code=303)
