"""Ledger spreadsheets (台账) as a street platform keeps them, for the tests of imports."""

import io
from datetime import date

from openpyxl import Workbook

from tests.factories import resident_id_number


def ledger_row(**cells: object) -> dict[str, object]:
    row: dict[str, object] = {
        "姓名": "王秀兰",
        "身份证号": resident_id_number(),
        "手机号": "13912345678",
        "社区编码": "ZS-01",
        "下岗日期": date(2026, 9, 30),
        "下岗原因": "企业改制",
        "困难类型": "残疾",
        "就业状态": "未就业",
    }
    return row | cells


def spreadsheet(rows: list[dict[str, object]], headers: tuple[str, ...] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    headers = headers or tuple(rows[0])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    written = io.BytesIO()
    workbook.save(written)
    return written.getvalue()
