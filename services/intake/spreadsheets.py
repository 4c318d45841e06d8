"""The bureau's spreadsheets (`contracts.ledger`) read into registration fields, and their blank templates.

Pure: bytes in, rows and row problems out. A file that cannot be read as a whole is refused with a
`DomainError` (4xx); a row that cannot be read gets a `RowProblem` naming its row number and column.
"""

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any, TypeVar
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from pydantic import BaseModel, ValidationError

from contracts.ledger import FIRST_DATA_ROW, FLAG_SEPARATORS, HEADER_ROW, Column, ColumnKind, SheetSpec
from services.common.errors import DomainError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
TEXT_ROWS = 1000
"""Rows of the template whose text columns are formatted as text (so Excel keeps 18-digit IDs whole)."""
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    IndexError,
    AttributeError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
)
"""What openpyxl raises on a damaged workbook (broken zip members, XML, or references inside)."""
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class SheetRow:
    number: int
    """The row's number in the spreadsheet (the header is row 1)."""
    cells: dict[str, object]
    """Header → cell value, None when blank."""


@dataclass(frozen=True)
class Sheet:
    rows: list[SheetRow]
    content_hash: str


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_sheet(content: bytes, spec: SheetSpec, *, max_rows: int) -> Sheet:
    """The first worksheet's rows by header; 4xx unless the file is a readable, value-only `spec` sheet."""
    workbook = _open(content)
    try:
        worksheet = workbook.worksheets[0]
        lines = worksheet.iter_rows(min_row=HEADER_ROW)
        headers = [_text(cell.value) for cell in next(lines, ())]
        _check_headers(headers, spec)
        rows: list[SheetRow] = []
        formulas: list[dict[str, str]] = []
        for number, line in enumerate(lines, start=FIRST_DATA_ROW):
            cells: dict[str, object] = {}
            for header, cell in zip(headers, line, strict=False):
                if cell.data_type == "f":
                    formulas.append({"field": f"rows.{number}.{header}", "reason": "holds a formula"})
                if header:
                    cells[header] = None if cell.value == "" else cell.value
            if all(value is None for value in cells.values()):
                continue
            if len(rows) == max_rows:
                raise DomainError(
                    422,
                    "too_many_rows",
                    f"The sheet has more than {max_rows} rows; split it",
                    details={"max_rows": str(max_rows)},
                )
            rows.append(SheetRow(number=number, cells=cells))
    except UNREADABLE as broken:
        raise DomainError(422, "corrupt_spreadsheet", f"The spreadsheet cannot be read: {broken}") from None
    finally:
        workbook.close()
    if formulas:
        raise DomainError(
            422,
            "formulas_not_allowed",
            "Cells hold formulas: paste them as values and upload again",
            formulas,
        )
    if not rows:
        raise DomainError(422, "empty_spreadsheet", "The sheet has a header row and no workers under it")
    return Sheet(rows=rows, content_hash=content_hash(content))


def _open(content: bytes) -> Any:
    if content.startswith(OLE_MAGIC):
        if ENCRYPTION_INFO in content:
            raise DomainError(
                422, "encrypted_spreadsheet", "The spreadsheet is password-protected: save it without one"
            )
        raise DomainError(
            415, "not_a_spreadsheet", "This is an old .xls workbook: save it as .xlsx and upload again"
        )
    if not zipfile.is_zipfile(BytesIO(content)):
        raise DomainError(415, "not_a_spreadsheet", "The file is not an .xlsx spreadsheet")
    try:
        return load_workbook(BytesIO(content), read_only=True, data_only=False)
    except UNREADABLE as broken:
        raise DomainError(422, "corrupt_spreadsheet", f"The spreadsheet cannot be read: {broken}") from None


def _check_headers(headers: list[str], spec: SheetSpec) -> None:
    known = set(spec.headers)
    problems = [
        {"field": f"columns.{header}", "reason": "missing"}
        for header in spec.required_headers
        if header not in headers
    ]
    seen: set[str] = set()
    for header in headers:
        if header and header not in known:
            problems.append({"field": f"columns.{header}", "reason": "not a column of this sheet"})
        elif header in seen:
            problems.append({"field": f"columns.{header}", "reason": "appears twice"})
        seen.add(header)
    if problems:
        raise DomainError(
            422,
            "wrong_columns",
            f"The header row must name the columns of {spec.title}; download the template",
            problems,
        )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def row_fields(row: SheetRow, spec: SheetSpec) -> tuple[dict[str, Any], list[RowProblem]]:
    """The registration fields a row fills, and the problems of cells that cannot be read as their kind."""
    fields: dict[str, Any] = {}
    problems = []
    for header, value in row.cells.items():
        column = spec.column(header)
        if value is None:
            if column.required:
                problems.append(RowProblem(row.number, header, "missing"))
            continue
        try:
            _fill(fields, column, value)
        except ValueError as wrong:
            problems.append(RowProblem(row.number, header, str(wrong)))
    return fields, problems


def _fill(fields: dict[str, Any], column: Column, value: object) -> None:
    match column.kind:
        case ColumnKind.TEXT:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("must be text, not a number")
            if isinstance(value, int | float) and abs(value) >= 10**15:
                raise ValueError("is a number that Excel has rounded: format the column as text")
            parsed: object = str(int(value)) if isinstance(value, int | float) else _text(value)
        case ColumnKind.DATE:
            parsed = _date(value)
        case ColumnKind.INTEGER:
            if isinstance(value, bool) or not (isinstance(value, int) or _text(value).isdigit()):
                raise ValueError("must be a whole number")
            parsed = int(_text(value))
        case ColumnKind.CHOICE:
            parsed = _choice(column, _text(value))
        case ColumnKind.FLAGS:
            for label in filter(None, re.split(f"[{re.escape(FLAG_SEPARATORS)}]", _text(value))):
                flag = _choice(column, label)
                if flag is not None:
                    fields[str(flag)] = True
            return
    if column.field is not None:
        _put(fields, column.field, parsed)


def _choice(column: Column, label: str) -> str | None:
    if label not in column.choices:
        raise ValueError(f"must be one of {'、'.join(column.choices)}")
    return column.choices[label]


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    matched = DATE_TEXT.match(_text(value))
    if matched is None:
        raise ValueError("must be a date such as 2026-09-30")
    year, month, day = (int(part) for part in matched.groups())
    return date(year, month, day)


def _put(fields: dict[str, Any], dotted: str, value: object) -> None:
    *parents, name = dotted.split(".")
    for parent in parents:
        fields = fields.setdefault(parent, {})
    fields[name] = value


Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], row: SheetRow, spec: SheetSpec) -> tuple[Model | None, list[RowProblem]]:
    """The row as `model` (a registration request), or every problem of the row by column."""
    fields, problems = row_fields(row, spec)
    try:
        parsed = model.model_validate(fields)
    except ValidationError as invalid:
        for error in invalid.errors():
            problems.append(RowProblem(row.number, _header_of(spec, error["loc"]), _reason(error)))
        return None, _first_per_column(problems)
    return (parsed, []) if not problems else (None, problems)


def _header_of(spec: SheetSpec, location: tuple[int | str, ...]) -> str:
    dotted = ".".join(str(part) for part in location)
    for column in spec.columns:
        if column.field == dotted:
            return column.header
    for column in reversed(spec.columns):
        if column.field is not None and column.field.startswith(f"{dotted}."):
            return column.header
    return next((column.header for column in spec.columns if column.kind == ColumnKind.FLAGS), dotted)


def _reason(error: Any) -> str:
    if error["type"] == "missing":
        return "missing"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _first_per_column(problems: list[RowProblem]) -> list[RowProblem]:
    """A column that cannot be read is named once, with its first reason."""
    kept: dict[str, RowProblem] = {}
    for problem in problems:
        kept.setdefault(problem.column, problem)
    return list(kept.values())


def template(spec: SheetSpec) -> bytes:
    """A blank workbook of `spec`: the header row, one example row, and lists for the choice columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.title
    sheet.append(list(spec.headers))
    sheet.append([column.example for column in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = sheet.cell(row=HEADER_ROW, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4)
        if column.kind == ColumnKind.TEXT:
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + TEXT_ROWS):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.note:
            sheet.cell(row=HEADER_ROW, column=index).comment = Comment(column.note, "Reemploy")
        if column.kind == ColumnKind.CHOICE:
            validation = DataValidation(
                type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True
            )
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + 9999}")
            sheet.add_data_validation(validation)
    written = BytesIO()
    workbook.save(written)
    return written.getvalue()
