"""Spreadsheet imports: a street platform's ledger into cases, an enterprise's roster into its plan's roster.

Every row is checked before anything is written: as a registration request (`WorkerRegistration`), then
against the file (the same person twice) and the database (an open or closed case of the person, an unknown
community, a community out of the caller's reach). A file with rejected rows writes nothing unless the
caller asked for `valid_rows`. Cases are opened through `service.open_case` in transactions of
`WRITE_BATCH` rows, each with its audit record; the file's hash is kept so that the same file opens nothing
twice.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.ledger import LEDGER, ROSTER, SheetSpec
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.intake import audited, restructuring, rosters, service
from services.intake.collaborators import Intake
from services.intake.import_schemas import (
    CreatedCase,
    ImportMode,
    LedgerImportOut,
    PreviewRow,
    RejectedRow,
    RosterImportOut,
)
from services.intake.models import Community, LedgerImport, PlanRoster, WorkerCase
from services.intake.resident_id import mask
from services.intake.schemas import BulkIntakeIn, PlannedWorker, WorkerRegistration
from services.intake.spreadsheets import RowProblem, Sheet, SheetRow, read_sheet, validated

WRITE_BATCH = 500
LOOKUP_CHUNK = 500
PREVIEW_ROWS = 20

Model = TypeVar("Model", bound=WorkerRegistration)
Report = TypeVar("Report", LedgerImportOut, RosterImportOut)


async def import_ledger(
    *, intake: Intake, content: bytes, mode: ImportMode, caller: Caller
) -> LedgerImportOut:
    sheet = read_sheet(content, LEDGER, max_rows=intake.ledger_max_rows)
    if mode != ImportMode.PREVIEW:
        async with intake.sessions() as session:
            earlier = await session.get(LedgerImport, sheet.content_hash)
        if earlier is not None:
            created = [CreatedCase.model_validate(entry) for entry in earlier.created]
            return _report(LedgerImportOut, sheet, mode, LEDGER, [], [], created=created, repeated=True)
    valid, problems = await _checked(intake, caller, sheet, LEDGER, WorkerRegistration)
    report = _report(LedgerImportOut, sheet, mode, LEDGER, valid, problems)
    if mode == ImportMode.PREVIEW:
        return report
    _refuse_rejected(mode, problems)
    report.created = await _open_cases(intake, caller, valid, sheet)
    return report


async def import_roster(
    *, intake: Intake, plan_id: str, content: bytes, mode: ImportMode, caller: Caller
) -> RosterImportOut:
    """Lodge the plan's roster from a spreadsheet (then the plan's bulk intake takes it in as today)."""
    sheet = read_sheet(content, ROSTER, max_rows=intake.ledger_max_rows)
    batch_id = f"xlsx-{sheet.content_hash[:59]}"
    async with intake.sessions() as session:
        await restructuring.require_plan(session, plan_id)
        lodged = await session.get(PlanRoster, plan_id)
    if mode != ImportMode.PREVIEW and lodged is not None and lodged.batch_id == batch_id:
        roster = await rosters.get_roster(intake=intake, plan_id=plan_id)
        return _report(RosterImportOut, sheet, mode, ROSTER, [], [], roster=roster, repeated=True)
    valid, problems = await _checked(intake, caller, sheet, ROSTER, PlannedWorker)
    report = _report(RosterImportOut, sheet, mode, ROSTER, valid, problems)
    if mode == ImportMode.PREVIEW:
        return report
    _refuse_rejected(mode, problems)
    if not valid:
        raise DomainError(422, "no_valid_rows", "No row of the file can be lodged")
    batch = BulkIntakeIn.model_construct(batch_id=batch_id, workers=[worker for _, worker in valid])
    report.roster = await rosters.lodge_roster(intake=intake, plan_id=plan_id, roster=batch, caller=caller)
    return report


def _refuse_rejected(mode: ImportMode, problems: list[RowProblem]) -> None:
    if mode == ImportMode.ALL and problems:
        raise DomainError(
            422,
            "validation_failed",
            f"{len({problem.row for problem in problems})} rows are rejected; nothing was imported",
            [{"field": f"rows.{p.row}.{p.column}", "reason": p.reason} for p in problems],
        )


async def _checked(
    intake: Intake, caller: Caller, sheet: Sheet, spec: SheetSpec, model: type[Model]
) -> tuple[list[tuple[int, Model]], list[RowProblem]]:
    """The rows that can be registered, and every problem of the others."""
    problems: list[RowProblem] = []
    parsed: list[tuple[int, Model]] = []
    for row in sheet.rows:
        registration, row_problems = validated(model, row, spec)
        problems.extend(row_problems)
        if registration is not None:
            parsed.append((row.number, registration))
    problems.extend(await _known_problems(intake, caller, parsed))
    rejected = {problem.row for problem in problems}
    problems.sort(key=lambda problem: (problem.row, spec.headers.index(problem.column)))
    return [(number, worker) for number, worker in parsed if number not in rejected], problems


async def _known_problems(
    intake: Intake, caller: Caller, parsed: Sequence[tuple[int, WorkerRegistration]]
) -> list[RowProblem]:
    """The same person twice in the file, a person with a case, an unknown or unreachable community."""
    problems: list[RowProblem] = []
    rows_by_lookup: dict[str, list[int]] = defaultdict(list)
    for number, worker in parsed:
        rows_by_lookup[service.resident_lookup(intake, worker)].append(number)
    for numbers in rows_by_lookup.values():
        problems.extend(RowProblem(n, "身份证号", f"same person as row {numbers[0]}") for n in numbers[1:])
    lookups = list(rows_by_lookup)
    async with intake.sessions() as session:
        for start in range(0, len(lookups), LOOKUP_CHUNK):
            found = await session.execute(
                select(WorkerCase.resident_id_hash, WorkerCase.case_id, WorkerCase.status).where(
                    WorkerCase.resident_id_hash.in_(lookups[start : start + LOOKUP_CHUNK])
                )
            )
            for lookup, case_id, status in found:
                reason = (
                    f"has an open case {case_id}"
                    if status == "open"
                    else f"has a closed case {case_id}: re-open it"
                )
                problems.extend(RowProblem(n, "身份证号", reason) for n in rows_by_lookup[str(lookup)][:1])
        wanted = {worker.community_code for _, worker in parsed}
        found_streets = await session.execute(
            select(Community.community_code, Community.street_code).where(
                Community.community_code.in_(wanted)
            )
        )
        streets = {code: street for code, street in found_streets}
    for number, worker in parsed:
        street = streets.get(worker.community_code)
        if street is None:
            problems.append(RowProblem(number, "社区编码", "unknown community"))
        elif not caller.principal.reaches_case(community_code=worker.community_code, street_code=street):
            problems.append(RowProblem(number, "社区编码", "a community whose cases you do not serve"))
    return problems


async def _open_cases(
    intake: Intake, caller: Caller, valid: list[tuple[int, WorkerRegistration]], sheet: Sheet
) -> list[CreatedCase]:
    """Open the cases batch by batch; the last batch's transaction records the file as taken in."""
    created: list[CreatedCase] = []
    correlation_id = caller.access.correlation_id
    batches = [valid[start : start + WRITE_BATCH] for start in range(0, len(valid), WRITE_BATCH)] or [[]]
    try:
        for index, batch in enumerate(batches):
            async with intake.sessions.begin() as session:
                opened = [
                    CreatedCase(
                        row=number,
                        case_id=(
                            await service.open_case(session, intake, worker, correlation_id=correlation_id)
                        ).case_id,
                    )
                    for number, worker in batch
                ]
                if opened:
                    await audited.record(
                        session,
                        intake,
                        caller.access,
                        AuditAction.CREATE,
                        audited.Resource.WORKER_CASE,
                        [case.case_id for case in opened],
                    )
                created.extend(opened)
                if index == len(batches) - 1:
                    session.add(
                        LedgerImport(
                            content_hash=sheet.content_hash,
                            rows=len(sheet.rows),
                            created=[case.model_dump() for case in created],
                            imported_at=datetime.now(UTC),
                        )
                    )
    except IntegrityError:
        raise DomainError(
            409,
            "cases_opened_meanwhile",
            f"Some of these workers were registered meanwhile; {len(created)} cases were opened before. "
            "Upload the file again with valid_rows to take in the rest",
        ) from None
    return created


def _report(
    kind: type[Report],
    sheet: Sheet,
    mode: ImportMode,
    spec: SheetSpec,
    valid: list[Any],
    problems: list[RowProblem],
    **more: Any,
) -> Report:
    repeated = more.get("repeated", False)
    return kind(
        content_hash=sheet.content_hash,
        mode=mode,
        rows=len(sheet.rows),
        valid_rows=len(valid) if not repeated else len(sheet.rows),
        rejected=[RejectedRow(row=p.row, column=p.column, reason=p.reason) for p in problems],
        preview=[_preview(row, spec) for row in sheet.rows[:PREVIEW_ROWS]],
        **more,
    )


def _shown(value: object) -> str:
    """A cell as a person reads it: a date cell (which Excel keeps as midnight) as `YYYY-MM-DD`."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _preview(row: SheetRow, spec: SheetSpec) -> PreviewRow:
    cells = {header: _shown(value) for header, value in row.cells.items()}
    if cells.get("身份证号"):
        cells["身份证号"] = mask(cells["身份证号"])
    return PreviewRow(row=row.number, cells={header: cells.get(header, "") for header in spec.headers})
