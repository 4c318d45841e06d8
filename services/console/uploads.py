"""The upload page: a street platform's ledger (台账) or an enterprise's roster, previewed, then confirmed.

The console checks nothing in the file itself: intake reads it (`mode=preview`), and its answer, every
rejected row with its column and reason and the first rows as read, is shown before anything is written.
Until the uploader confirms, the file waits in `pending_uploads`; confirming hands the same bytes to intake
with the mode the uploader chose (all rows, or the valid rows only). Intake takes the same file in once, so
a second upload or a reload creates nothing new.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import delete, select
from starlette.datastructures import UploadFile as StarletteUpload

from contracts.ids import uuid7
from services.common.errors import DomainError
from services.console.actions import ActionRefused, ServiceUnavailable, gateway_of
from services.console.domain import UPLOADS_ROSTERS, Page
from services.console.downloads import intake_workbook
from services.console.forms import read_form
from services.console.models import PendingUpload
from services.console.rendering import render, sessions_of
from services.console.staff import Staff, StaffDep, allowed

router = APIRouter(tags=["uploads"], include_in_schema=False)

MAX_FILENAME = 200
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
UploadId = Annotated[str, Path(pattern=UUID)]


class UploadKind(StrEnum):
    LEDGER = "ledger"
    ROSTER = "roster"


class Confirmation(StrEnum):
    ALL = "all"
    VALID_ROWS = "valid_rows"


class ConfirmationForm(BaseModel):
    mode: Confirmation


TEMPLATE_PATHS = {
    UploadKind.LEDGER: "/ledger/spreadsheet-template",
    UploadKind.ROSTER: "/roster/spreadsheet-template",
}


def _kinds(staff: Staff) -> list[UploadKind]:
    return [kind for kind in UploadKind if kind is UploadKind.LEDGER or staff.role in UPLOADS_ROSTERS]


def _may_upload(staff: Staff, kind: UploadKind) -> None:
    allowed(staff, Page.UPLOADS)
    if kind not in _kinds(staff):
        raise DomainError(403, "action_not_allowed", f"The role {staff.role} may not upload a {kind}")


def _intake_path(kind: UploadKind, plan_id: str | None) -> str:
    if kind is UploadKind.LEDGER:
        return "/ledger/spreadsheet"
    return f"/restructuring-plans/{plan_id}/roster/spreadsheet"


def _upload_page(
    request: Request, staff: Staff, *, status_code: int = 200, refused: ActionRefused | None = None
) -> HTMLResponse:
    return render(
        request,
        "upload.html",
        staff=staff,
        page=Page.UPLOADS,
        status_code=status_code,
        kinds=_kinds(staff),
        refused=refused,
    )


@router.get("/uploads", response_class=HTMLResponse)
async def upload_page(request: Request, staff: StaffDep) -> HTMLResponse:
    allowed(staff, Page.UPLOADS)
    return _upload_page(request, staff)


@router.get("/uploads/{kind}-template.xlsx")
async def template_file(request: Request, staff: StaffDep, kind: UploadKind) -> Response:
    """Intake's blank template of the ledger or roster, fetched with the staff member's own token."""
    _may_upload(staff, kind)
    return await intake_workbook(request, staff, TEMPLATE_PATHS[kind], f"{kind}-template.xlsx")


class UploadForm(BaseModel):
    kind: UploadKind
    plan_id: str | None = Field(default=None, pattern=UUID)


async def _read_upload(request: Request) -> tuple[UploadForm, str, bytes]:
    """The multipart form: what is uploaded (a roster names its plan), the file's name and its bytes."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise DomainError(415, "unsupported_media_type", "Send the upload as multipart/form-data")
    form = await request.form()
    file = form.get("file")
    fields = {name: value for name, value in form.items() if isinstance(value, str) and value != ""}
    errors = [] if isinstance(file, StarletteUpload) else [{"field": "file", "reason": "missing"}]
    try:
        upload = UploadForm.model_validate(fields)
    except ValidationError as invalid:
        errors += [{"field": str(error["loc"][0]), "reason": error["msg"]} for error in invalid.errors()]
    else:
        if upload.kind is UploadKind.ROSTER and upload.plan_id is None:
            errors.append({"field": "plan_id", "reason": "a roster belongs to a plan"})
    if errors or not isinstance(file, StarletteUpload):
        raise DomainError(422, "validation_failed", "The upload form has invalid fields", errors)
    filename = (file.filename or f"{upload.kind}.xlsx")[-MAX_FILENAME:]
    return upload, filename, await file.read()


@router.post("/uploads")
async def upload(request: Request, staff: StaffDep) -> Response:
    """Intake previews the file; the preview is kept beside it until the uploader confirms."""
    allowed(staff, Page.UPLOADS)
    form, filename, content = await _read_upload(request)
    kind, plan_id = form.kind, form.plan_id
    _may_upload(staff, kind)
    try:
        preview = await gateway_of(request).import_spreadsheet(
            token=staff.token,
            path=_intake_path(kind, plan_id),
            filename=filename,
            content=content,
            mode="preview",
        )
    except ActionRefused as refused:
        return _upload_page(request, staff, status_code=refused.status, refused=refused)
    except ServiceUnavailable:
        return _upload_page(
            request, staff, status_code=503, refused=ActionRefused(503, "intake_unavailable", "")
        )
    now = datetime.now(UTC)
    pending = PendingUpload(
        upload_id=str(uuid7()),
        staff_id=staff.staff_id,
        kind=kind.value,
        plan_id=plan_id,
        filename=filename,
        content=content,
        preview=preview,
        uploaded_at=now,
    )
    async with sessions_of(request).begin() as session:
        await session.execute(
            delete(PendingUpload).where(PendingUpload.uploaded_at < _oldest_kept(request, now))
        )
        session.add(pending)
    return RedirectResponse(f"/uploads/{pending.upload_id}", status_code=303)


def _oldest_kept(request: Request, now: datetime) -> datetime:
    minutes: int = request.app.state.upload_minutes
    return now - timedelta(minutes=minutes)


async def _pending(request: Request, staff: Staff, upload_id: str) -> PendingUpload:
    allowed(staff, Page.UPLOADS)
    async with sessions_of(request)() as session:
        pending = (
            await session.execute(
                select(PendingUpload).where(
                    PendingUpload.upload_id == upload_id,
                    PendingUpload.staff_id == staff.staff_id,
                    PendingUpload.uploaded_at >= _oldest_kept(request, datetime.now(UTC)),
                )
            )
        ).scalar_one_or_none()
    if pending is None:
        raise DomainError(
            404, "upload_not_found", f"No upload {upload_id} of yours waits here (or it expired)"
        )
    return pending


def _preview_page(
    request: Request, staff: Staff, pending: PendingUpload, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    rejected_rows = {problem["row"] for problem in pending.preview["rejected"]}
    first_rows = pending.preview["preview"]
    return render(
        request,
        "upload_preview.html",
        staff=staff,
        page=Page.UPLOADS,
        status_code=status_code,
        upload=pending,
        report=pending.preview,
        result=pending.result,
        headers=list(first_rows[0]["cells"]) if first_rows else [],
        rejected_rows=rejected_rows,
        **context,
    )


@router.get("/uploads/{upload_id}", response_class=HTMLResponse)
async def preview_page(request: Request, staff: StaffDep, upload_id: UploadId) -> HTMLResponse:
    return _preview_page(request, staff, await _pending(request, staff, upload_id))


@router.post("/uploads/{upload_id}/confirmation")
async def confirm(request: Request, staff: StaffDep, upload_id: UploadId) -> Response:
    """Import the previewed file: every row (refused if any is rejected) or the valid rows only."""
    pending = await _pending(request, staff, upload_id)
    if pending.result is not None:
        return RedirectResponse(f"/uploads/{upload_id}", status_code=303)
    form = await read_form(request, ConfirmationForm)
    kind = UploadKind(pending.kind)
    try:
        result = await gateway_of(request).import_spreadsheet(
            token=staff.token,
            path=_intake_path(kind, pending.plan_id),
            filename=pending.filename,
            content=pending.content,
            mode=form.mode.value,
        )
    except ActionRefused as refused:
        return _preview_page(request, staff, pending, status_code=refused.status, refused=refused)
    except ServiceUnavailable:
        unavailable = ActionRefused(503, "intake_unavailable", "")
        return _preview_page(request, staff, pending, status_code=503, refused=unavailable)
    async with sessions_of(request).begin() as session:
        confirmed = await session.get(PendingUpload, upload_id)
        if confirmed is not None:
            confirmed.result = result
            confirmed.content = b""
    return RedirectResponse(f"/uploads/{upload_id}", status_code=303)
