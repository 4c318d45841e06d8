"""Request and response models of spreadsheet imports (ledgers and restructuring rosters)."""

from enum import StrEnum

from pydantic import BaseModel, Field

from services.intake.schemas import RosterOut


class ImportMode(StrEnum):
    PREVIEW = "preview"
    """Read and check every row, write nothing."""
    ALL = "all"
    """Import the file only if every row is valid (422 naming each rejected row otherwise)."""
    VALID_ROWS = "valid_rows"
    """Import the valid rows and report the rejected ones."""


class RejectedRow(BaseModel):
    row: int = Field(description="The row's number in the spreadsheet (the header is row 1)")
    column: str = Field(examples=["身份证号"])
    reason: str


class PreviewRow(BaseModel):
    row: int
    cells: dict[str, str] = Field(description="Header → the cell as text; the resident ID masked")


class CreatedCase(BaseModel):
    row: int
    case_id: str


class ImportReport(BaseModel):
    content_hash: str = Field(description="SHA-256 of the file: the same file is taken in once")
    mode: ImportMode
    rows: int = Field(description="Rows with any value under the header")
    valid_rows: int
    rejected: list[RejectedRow] = Field(description="Every problem of every rejected row")
    preview: list[PreviewRow] = Field(description="The first rows as read")
    repeated: bool = Field(default=False, description="True when this same file had been taken in before")


class LedgerImportOut(ImportReport):
    created: list[CreatedCase] = Field(default=[], description="The cases this file opened")


class RosterImportOut(ImportReport):
    roster: RosterOut | None = Field(default=None, description="The roster lodged from the file")
