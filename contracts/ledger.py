"""The spreadsheets the bureau keeps: the ledger of laid-off workers (下岗职工台账) and an enterprise's
restructuring roster (改制企业职工名册).

Each sheet has one header row (row 1) and one worker a row below it. A column names the field of intake's
registration request (`WorkerRegistration`, or `PlannedWorker` for a roster) it fills; a dotted field fills a
nested object. Importing reads cells by header, exporting writes them under the same headers.
"""

import dataclasses
from dataclasses import dataclass
from enum import StrEnum


class ColumnKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    CHOICE = "choice"
    """One label of `choices`."""
    FLAGS = "flags"
    """Labels of `choices`, separated by `FLAG_SEPARATORS`; each names a boolean field set to true."""


FLAG_SEPARATORS = "、,;/ \uff0c\uff1b"
"""The ideographic comma, ASCII ones, spaces, and the full-width comma and semicolon."""
HEADER_ROW = 1
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None
    """The registration field; None for a column that is checked but fills no field."""
    kind: ColumnKind
    required: bool
    example: str
    note: str = ""
    choices: dict[str, str | None] = dataclasses.field(default_factory=dict)
    """Label → value (or, for `FLAGS`, → the boolean field; None: accepted, derived elsewhere)."""


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: tuple[Column, ...]

    def column(self, header: str) -> Column:
        return next(column for column in self.columns if column.header == header)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns if column.required)


LAYOFF_REASONS: dict[str, str | None] = {
    "企业改制": "restructuring",
    "企业破产": "bankruptcy",
    "合同到期": "contract_ended",
    "其他": "other",
}
SEXES: dict[str, str | None] = {"男": "male", "女": "female"}
HARDSHIPS: dict[str, str | None] = {
    "残疾": "disability",
    "长期失业": "long_term_unemployed",
    "4050": None,
}
"""4050 comes from the resident ID, a zero-employment family from the household columns."""
NOT_EMPLOYED = "未就业"
EMPLOYMENT_STATUSES: dict[str, str | None] = {NOT_EMPLOYED: None}
"""Only workers still looking for work are registered."""

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "full_name", ColumnKind.TEXT, True, "王秀兰"),
    Column("身份证号", "resident_id", ColumnKind.TEXT, True, "11010519491231002X", "18 位或 15 位, 可用全角"),
    Column("性别", "sex", ColumnKind.CHOICE, False, "女", "须与身份证号一致", SEXES),
    Column("出生日期", "birth_date", ColumnKind.DATE, False, "1949-12-31", "须与身份证号一致"),
    Column("手机号", "mobile", ColumnKind.TEXT, True, "13912345678", "11 位手机号"),
    Column("社区编码", "community_code", ColumnKind.TEXT, True, "ZS-01", "系统中已有的社区编码"),
    Column("下岗日期", "layoff_date", ColumnKind.DATE, True, "2026-09-30", "不晚于今天"),
    Column("下岗原因", "layoff_reason", ColumnKind.CHOICE, True, "企业改制", "", LAYOFF_REASONS),
    Column("困难类型", None, ColumnKind.FLAGS, False, "残疾、长期失业", "可多选, 用顿号分隔", HARDSHIPS),
    Column("家庭劳动年龄人数", "household.members_of_working_age", ColumnKind.INTEGER, False, "3", "含本人"),
    Column("家庭就业人数", "household.employed_members_of_working_age", ColumnKind.INTEGER, False, "0"),
)

LEDGER = SheetSpec(
    title="下岗职工台账",
    columns=(
        *PERSON_COLUMNS,
        Column(
            "就业状态", None, ColumnKind.CHOICE, False, NOT_EMPLOYED, "只登记未就业人员", EMPLOYMENT_STATUSES
        ),
    ),
)
"""A street platform's ledger: each row opens a case (`POST /workers`)."""

ROSTER = SheetSpec(
    title="改制企业职工名册",
    columns=(
        *PERSON_COLUMNS,
        Column(
            "新用人单位", "labour_contract_transfer.new_employer", ColumnKind.TEXT, False, "红星纺织有限公司"
        ),
        Column(
            "劳动合同签订日期", "labour_contract_transfer.signed_on", ColumnKind.DATE, False, "2026-10-08"
        ),
    ),
)
"""An enterprise's roster of affected workers: each row is a `PlannedWorker` of the plan's roster."""
