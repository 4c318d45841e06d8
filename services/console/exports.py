"""The console's figures as .xlsx workbooks, in the forms the bureau files them: Chinese headers, real date
cells, numbers as numbers and shares as percentages."""

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]

from services.console.i18n import translator
from services.console.queries import Caseload, QuarterOutcomes, TargetLine

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = "yyyy-mm-dd"
MOMENT = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
INTEGER = "0"

t = translator("zh")


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    number_format: str | None = None


Cell = str | int | float | date | datetime | None


def _yes(flag: bool) -> str:
    return t("form.yes") if flag else t("form.no")


def _naive(moment: datetime | None) -> datetime | None:
    """Spreadsheet cells hold no time zone: the moment in UTC, as the console stores it."""
    return None if moment is None else moment.replace(tzinfo=None)


def _sheet(workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Cell]]) -> None:
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
    for position, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, column.header, font=bold) for column in columns])
    for row in rows:
        sheet.append(
            [
                _cell(sheet, value, number_format=column.number_format)
                for column, value in zip(columns, row, strict=True)
            ]
        )


def _cell(
    sheet: WriteOnlyWorksheet, value: Cell, *, font: Font | None = None, number_format: str | None = None
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None and value is not None:
        cell.number_format = number_format
    return cell


def _saved(build: Callable[[Workbook], None]) -> bytes:
    workbook = Workbook(write_only=True)
    build(workbook)
    written = io.BytesIO()
    workbook.save(written)
    return written.getvalue()


CASE_COLUMNS = (
    Column(t("case.title"), 38),
    Column(t("case.community"), 14),
    Column(t("case.stage"), 14),
    Column(t("export.stage_since"), 18, MOMENT),
    Column(t("export.registered_at"), 18, MOMENT),
    Column(t("case.layoff_date"), 12, DATE),
    Column(t("hardship.aged_4050"), 10),
    Column(t("case.hardship"), 24),
    Column(t("case.complaint_open"), 14, INTEGER),
)
TASK_COLUMNS = (
    Column(t("case.title"), 38),
    Column(t("followup.due_on"), 12, DATE),
    Column(t("followup.sequence"), 8, INTEGER),
    Column(t("followup.overdue"), 8),
    Column(t("followup.escalated"), 8),
)


def caseload_workbook(caseload: Caseload) -> bytes:
    """An assistant's open cases and open follow-up tasks, one sheet each."""

    def build(workbook: Workbook) -> None:
        _sheet(
            workbook,
            t("caseload.cases"),
            CASE_COLUMNS,
            (
                (
                    case.case_id,
                    case.community_code,
                    t("stage." + (case.stage or "assessment")),
                    _naive(case.stage_changed_at),
                    _naive(case.registered_at),
                    case.layoff_date,
                    _yes(case.aged_4050),
                    "、".join(t("hardship." + flag) for flag in case.hardship_flags),
                    case.open_complaints,
                )
                for case in caseload.cases
            ),
        )
        _sheet(
            workbook,
            t("caseload.tasks"),
            TASK_COLUMNS,
            (
                (task.case_id, task.due_on, task.sequence, _yes(task.overdue), _yes(task.escalated))
                for task in caseload.open_tasks
            ),
        )

    return _saved(build)


TARGET_COLUMNS = (
    Column(t("targets.year"), 8, INTEGER),
    Column(t("targets.kind"), 8),
    Column(t("targets.area"), 16),
    Column(t("targets.indicator"), 18),
    Column(t("targets.target"), 10, INTEGER),
    Column(t("targets.actual"), 10, INTEGER),
    Column(t("targets.progress"), 10, PERCENT),
)


def targets_workbook(year: int, lines: Sequence[TargetLine]) -> bytes:
    """The year's target assessment, one line per area and indicator."""

    def build(workbook: Workbook) -> None:
        _sheet(
            workbook,
            f"{t('nav.targets')} {year}",
            TARGET_COLUMNS,
            (
                (
                    year,
                    t("area." + line.area_kind),
                    line.area_code,
                    t("indicator." + line.indicator),
                    line.target,
                    line.actual,
                    line.progress,
                )
                for line in lines
            ),
        )

    return _saved(build)


OUTCOME_COLUMNS = (
    Column(t("outcomes.quarter"), 12),
    Column(t("outcomes.employed_q2"), 22, PERCENT),
    Column(t("outcomes.employed_q4"), 22, PERCENT),
    Column(t("outcomes.median_earnings"), 20, INTEGER),
    Column(t("outcomes.credential"), 14, PERCENT),
    Column(t("outcomes.measured"), 10, INTEGER),
)


def outcomes_workbook(quarters: Sequence[QuarterOutcomes]) -> bytes:
    """The outcome measures per exit quarter; an empty cell where nothing was measured."""

    def build(workbook: Workbook) -> None:
        _sheet(
            workbook,
            t("nav.outcomes"),
            OUTCOME_COLUMNS,
            (
                (
                    quarter.exit_quarter,
                    quarter.employed_q2,
                    quarter.employed_q4,
                    quarter.median_earnings_yuan,
                    quarter.credential_rate,
                    quarter.measured,
                )
                for quarter in quarters
            ),
        )

    return _saved(build)
