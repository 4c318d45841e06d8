"""The cases a caller reaches written out as a ledger spreadsheet (下岗职工台账) that imports back as it is.

Each column of `contracts.ledger.LEDGER` is written as the kind the import reads: dates as date cells, choices
by their Chinese labels, hardship flags joined with "、", household counts as numbers, and the resident ID and
mobile as text cells (so that leading zeros and a final X survive Excel). The full resident ID only goes to a
caller holding `cases:read_resident_id`, the masked one to any other; every case written is recorded in the
audit log in the transaction that reads it.
"""

import unicodedata
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from sqlalchemy import Row

from contracts.journey import JourneyStage
from contracts.ledger import FIRST_DATA_ROW, LEDGER, NOT_EMPLOYED, Column, ColumnKind
from services.common import scopes
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.intake import audited
from services.intake.collaborators import Intake
from services.intake.domain import HardshipFlag
from services.intake.guards import reachable_cases
from services.intake.models import WorkerCase
from services.intake.schemas import CaseQuery
from services.intake.search import matching_cases
from services.intake.service import RESIDENT_ID

PAGING = ("sort", "limit", "cursor")
"""Parameters of `GET /workers` a ledger refuses: it holds every matching case, in order of registration."""
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
STILL_LOOKING = frozenset(
    {
        None,
        JourneyStage.ASSESSMENT,
        JourneyStage.GUIDANCE_AND_PLAN,
        JourneyStage.TRAINING,
        JourneyStage.JOB_SEARCH,
    }
)
"""The journey stages of a worker not yet in work: an open case there is `未就业`."""
FLAG_LABELS = {
    **{flag: label for label, flag in LEDGER.column("困难类型").choices.items() if flag is not None},
    HardshipFlag.AGED_4050: "4050",
}
"""The labels of the hardship flags; a zero-employment family shows in the household columns."""
SHOWN = (
    WorkerCase.case_id,
    WorkerCase.full_name,
    WorkerCase.resident_id_encrypted,
    WorkerCase.resident_id_masked,
    WorkerCase.sex,
    WorkerCase.birth_date,
    WorkerCase.mobile,
    WorkerCase.community_code,
    WorkerCase.layoff_date,
    WorkerCase.layoff_reason,
    WorkerCase.hardship_flags,
    WorkerCase.household,
    WorkerCase.status,
    WorkerCase.journey_stage,
)


async def export_ledger(*, intake: Intake, query: CaseQuery, caller: Caller) -> bytes:
    """The matching cases the caller reaches as an .xlsx ledger; 422 `too_many_rows` above imports' cap."""
    refused = [
        {"field": name, "reason": "a ledger holds every matching case, in order of registration"}
        for name in PAGING
        if name in query.model_fields_set
    ]
    if refused:
        raise DomainError(422, "validation_failed", "A ledger is not paged", refused)
    statement = (
        matching_cases(query)
        .where(reachable_cases(caller.principal))
        .with_only_columns(*SHOWN)
        .order_by(WorkerCase.case_id)
        .limit(intake.ledger_max_rows + 1)
    )
    full_ids = caller.principal.has_scopes(scopes.CASES_READ_RESIDENT_ID)
    async with intake.sessions.begin() as session:
        cases = list(await session.execute(statement))
        if len(cases) > intake.ledger_max_rows:
            raise DomainError(
                422,
                "too_many_rows",
                f"More than {intake.ledger_max_rows} cases match: narrow the filters",
                details={"max_rows": str(intake.ledger_max_rows)},
            )
        rows = [_values(intake, case, full_ids) for case in cases]
        shown = [case.case_id for case in cases]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.WORKER_CASE, shown
        )
        if full_ids:
            revealed = [case.case_id for case in cases if case.resident_id_encrypted]
            await audited.record(
                session, intake, caller.access, AuditAction.READ, audited.Resource.RESIDENT_ID, revealed
            )
    return _workbook(rows)


def _values(intake: Intake, case: Row[*tuple[Any, ...]], full_ids: bool) -> dict[str, object]:
    """The case's cells by header, each as the value its column's kind holds."""
    household = case.household or {}
    if full_ids and case.resident_id_encrypted:
        resident_id = intake.personal_data.decrypt(case.resident_id_encrypted, purpose=RESIDENT_ID)
    else:
        resident_id = case.resident_id_masked
    fields: dict[str, object] = {
        "full_name": case.full_name,
        "resident_id": resident_id,
        "sex": case.sex,
        "birth_date": case.birth_date,
        "mobile": case.mobile,
        "community_code": case.community_code,
        "layoff_date": case.layoff_date,
        "layoff_reason": case.layoff_reason,
        "household.members_of_working_age": household.get("members_of_working_age"),
        "household.employed_members_of_working_age": household.get("employed_members_of_working_age"),
    }
    still_looking = case.status == "open" and case.journey_stage in STILL_LOOKING
    values: dict[str, object] = {}
    for column in LEDGER.columns:
        if column.kind == ColumnKind.FLAGS:
            labels = [FLAG_LABELS[flag] for flag in case.hardship_flags if flag in FLAG_LABELS]
            values[column.header] = "、".join(labels) or None
        elif column.field is None:
            values[column.header] = NOT_EMPLOYED if still_looking else None
        elif column.kind == ColumnKind.CHOICE:
            value = fields[column.field]
            labels = [label for label, choice in column.choices.items() if choice == value]
            values[column.header] = labels[0] if labels else None
        else:
            values[column.header] = fields[column.field]
    return values


def _workbook(rows: list[dict[str, object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(LEDGER.title)
    for index, column in enumerate(LEDGER.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in LEDGER.headers])
    for row in rows:
        sheet.append(list(_cells(sheet, row)))
    written = BytesIO()
    workbook.save(written)
    return written.getvalue()


def _cells(sheet: Any, row: dict[str, object]) -> Iterator[Any]:
    for column in LEDGER.columns:
        value = row[column.header]
        if column.kind == ColumnKind.DATE and isinstance(value, date):
            yield _cell(sheet, value, number_format=DATE_FORMAT)
        elif column.kind == ColumnKind.TEXT:
            yield _cell(sheet, value, number_format=TEXT_FORMAT)
        else:
            yield _cell(sheet, value)


def _cell(sheet: Any, value: object, **style: Any) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _width(column: Column) -> int:
    """Wide enough for the header and for a value like the column's example (a CJK character is two wide)."""
    widest = max(_display_width(column.header), _display_width(column.example))
    return max(12, widest + 4)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
