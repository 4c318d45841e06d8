"""Intake routes of spreadsheets: a ledger imported into cases and exported, a roster into its plan."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from contracts.ledger import LEDGER, ROSTER
from services.common.error_responses import refusals
from services.intake import imports, ledger_export, spreadsheets
from services.intake.api import IntakeDep
from services.intake.api_restructuring import PLAN, PlanId
from services.intake.callers import CaseReader, CaseWriter, CaseWriterPrincipal, RestructuringManager
from services.intake.import_schemas import ImportMode, LedgerImportOut, RosterImportOut
from services.intake.schemas import CaseQuery

imports_router = APIRouter(tags=["spreadsheet imports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEET: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "The blank template, with an example row"}
}
LEDGER_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "The ledger, which imports back as it is"}
}
UPLOAD = refusals(
    {
        409: "`cases_opened_meanwhile`: a worker of the file was registered while it was imported",
        415: "`not_a_spreadsheet`: the file is no .xlsx workbook (an old .xls is refused too)",
        422: "`wrong_columns`, `too_many_rows`, `empty_spreadsheet`, `encrypted_spreadsheet`, "
        "`corrupt_spreadsheet`, `formulas_not_allowed`; or, with mode `all`, `validation_failed` with one "
        "error per rejected cell (`rows.<row>.<column>`)",
    }
)
Mode = Annotated[
    ImportMode,
    Query(
        description="`preview` writes nothing; `all` only if every row is valid; `valid_rows` skips the rest"
    ),
]
Upload = Annotated[UploadFile, File(description="The .xlsx spreadsheet")]


def _xlsx(content: bytes, name: str) -> Response:
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}.xlsx"}
    )


@imports_router.get("/ledger/spreadsheet-template", response_class=Response, responses=SPREADSHEET)
async def ledger_template(_caller: CaseWriterPrincipal) -> Response:
    """The ledger's columns (下岗职工台账) as a blank .xlsx to fill in."""
    return _xlsx(spreadsheets.template(LEDGER), "ledger-template")


@imports_router.get(
    "/ledger/spreadsheet",
    response_class=Response,
    responses=LEDGER_FILE
    | refusals(
        {
            422: "`too_many_rows`: more cases match than a spreadsheet may hold (`details.max_rows`), narrow "
            "the filters; `validation_failed`, also for `sort`, `limit` or `cursor`: a ledger is not paged",
        }
    ),
)
async def export_ledger(
    query: Annotated[CaseQuery, Query()], intake: IntakeDep, caller: CaseReader
) -> Response:
    """The cases the caller reaches, filtered as `GET /workers`, as a ledger .xlsx (下岗职工台账) in order of
    registration; the full resident ID number only for callers holding `cases:read_resident_id`."""
    content = await ledger_export.export_ledger(intake=intake, query=query, caller=caller)
    return _xlsx(content, f"ledger-{datetime.now(UTC).date().isoformat()}")


@imports_router.post("/ledger/spreadsheet", response_model=LedgerImportOut, responses=UPLOAD)
async def import_ledger(
    file: Upload, intake: IntakeDep, caller: CaseWriter, mode: Mode = ImportMode.PREVIEW
) -> LedgerImportOut:
    """Register the workers of a ledger spreadsheet: every rejected row named, the same file taken in once."""
    content = await file.read()
    return await imports.import_ledger(intake=intake, content=content, mode=mode, caller=caller)


@imports_router.get("/roster/spreadsheet-template", response_class=Response, responses=SPREADSHEET)
async def roster_template(_caller: RestructuringManager) -> Response:
    """A restructuring roster's columns (改制企业职工名册) as a blank .xlsx to fill in."""
    return _xlsx(spreadsheets.template(ROSTER), "roster-template")


@imports_router.post(
    "/restructuring-plans/{plan_id}/roster/spreadsheet",
    response_model=RosterImportOut,
    responses=UPLOAD
    | PLAN
    | refusals(
        {
            409: "`roster_final`: the plan is approved and its roster taken in; `cases_opened_meanwhile`",
            422: "as for a ledger, and `no_valid_rows`",
        }
    ),
)
async def import_roster(
    plan_id: PlanId,
    file: Upload,
    intake: IntakeDep,
    caller: RestructuringManager,
    mode: Mode = ImportMode.PREVIEW,
) -> RosterImportOut:
    """Lodge the plan's roster from an enterprise's spreadsheet; bulk intake then takes it in as today."""
    content = await file.read()
    return await imports.import_roster(
        intake=intake, plan_id=plan_id, content=content, mode=mode, caller=caller
    )
