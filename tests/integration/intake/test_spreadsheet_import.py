"""Ledgers and rosters imported from .xlsx on SQLite and PostgreSQL: every rejected row named, nothing half
written, the same file taken in once, and each kind of bad file refused with its own 4xx."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from contracts.ledger import LEDGER, ROSTER, SheetSpec
from services.common.settings import ServiceSettings
from services.intake.app import IntakePolicy, create_app
from services.intake.models import WorkerCase, audit_log
from services.intake.resident_id import check_character
from tests.factories import registration, resident_id_number
from tests.http_checks import body
from tests.integration.intake.support import ISSUER, serving
from tests.integration.intake.test_restructuring import PASSING, PLAN
from tests.ledgers import ledger_row, spreadsheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes) -> dict:
    return {"file": ("台账.xlsx", content, XLSX)}


async def case_count(intake_engine) -> int:
    async with intake_engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(WorkerCase))


async def audited_creations(intake_engine) -> int:
    async with intake_engine.connect() as connection:
        return await connection.scalar(
            select(func.count()).select_from(audit_log).where(audit_log.c.action == "create")
        )


def wrong_check_digit() -> str:
    number = resident_id_number()
    wrong = "0" if check_character(number[:17]) != "0" else "1"
    return number[:17] + wrong


async def test_the_template_names_the_columns_and_its_example_row_reads_clean(intake):
    answer = await intake.assistant.get("/ledger/spreadsheet-template")
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert tuple(cell.value for cell in sheet[1]) == LEDGER.headers
    preview = body(await intake.assistant.post("/ledger/spreadsheet", files=upload(answer.content)))
    assert preview["rows"] == 1 and preview["valid_rows"] == 1 and preview["rejected"] == []
    assert preview["preview"][0]["cells"]["身份证号"] == "1101**********002X"
    roster = await intake.supervisor.get("/roster/spreadsheet-template")
    assert roster.status_code == 200
    assert (
        tuple(c.value for c in load_workbook(io.BytesIO(roster.content)).worksheets[0][1]) == ROSTER.headers
    )


async def test_every_rejected_row_is_named_and_nothing_is_written_until_valid_rows_is_chosen(
    intake, intake_engine
):
    already = registration()
    body(await intake.assistant.post("/workers", json=already), 201)
    twice = resident_id_number()
    rows = [
        ledger_row(),
        ledger_row(身份证号=wrong_check_digit()),
        ledger_row(社区编码="XX-99"),
        ledger_row(身份证号=already["resident_id"]),
        ledger_row(身份证号=twice),
        ledger_row(身份证号=twice),
        ledger_row(姓名=None),
        ledger_row(下岗日期=date.today() + timedelta(days=3)),
        ledger_row(手机号="12345"),
        ledger_row(身份证号="\uff11" + resident_id_number()[1:], 困难类型="长期失业、4050"),
    ]
    content = spreadsheet(rows)
    before = await case_count(intake_engine)

    preview = body(await intake.assistant.post("/ledger/spreadsheet", files=upload(content)))
    assert [(p["row"], p["column"]) for p in preview["rejected"]] == [
        (3, "身份证号"),
        (4, "社区编码"),
        (5, "身份证号"),
        (7, "身份证号"),
        (8, "姓名"),
        (9, "下岗日期"),
        (10, "手机号"),
    ]
    reasons = {p["row"]: p["reason"] for p in preview["rejected"]}
    assert "check" in reasons[3] and reasons[4] == "unknown community" and "open case" in reasons[5]
    assert reasons[7] == "same person as row 6" and reasons[8] == "missing" and "future" in reasons[9]
    assert preview["valid_rows"] == 3 and len(preview["preview"]) == 10

    refused = await intake.assistant.post("/ledger/spreadsheet?mode=all", files=upload(content))
    assert body(refused, 422)["error"] == "validation_failed"
    assert {error["field"] for error in refused.json()["errors"]} >= {"rows.3.身份证号", "rows.9.下岗日期"}
    assert await case_count(intake_engine) == before

    audits = await audited_creations(intake_engine)
    imported = body(await intake.assistant.post("/ledger/spreadsheet?mode=valid_rows", files=upload(content)))
    assert [case["row"] for case in imported["created"]] == [2, 6, 11] and not imported["repeated"]
    assert await case_count(intake_engine) == before + 3
    assert await audited_creations(intake_engine) == audits + 3
    case = body(await intake.assistant.get(f"/workers/{imported['created'][2]['case_id']}"))
    assert "long_term_unemployed" in case["hardship_flags"]

    again = body(await intake.assistant.post("/ledger/spreadsheet?mode=valid_rows", files=upload(content)))
    assert again["repeated"] and again["created"] == imported["created"]
    assert await case_count(intake_engine) == before + 3


async def test_a_clean_ledger_opens_every_case_once(intake, intake_engine):
    content = spreadsheet([ledger_row() for _ in range(30)])
    imported = body(await intake.assistant.post("/ledger/spreadsheet?mode=all", files=upload(content)))
    assert len(imported["created"]) == 30 and imported["rejected"] == []
    repeated = body(await intake.assistant.post("/ledger/spreadsheet?mode=all", files=upload(content)))
    assert repeated["repeated"] and await case_count(intake_engine) == 30


def formulas() -> bytes:
    return spreadsheet([ledger_row(姓名='=CONCAT("王","秀兰")')])


def corrupt() -> bytes:
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w") as archive:
        archive.writestr("[Content_Types].xml", "<nonsense")
    return written.getvalue()


def encrypted() -> bytes:
    """The start of an OLE compound file with an `EncryptionInfo` stream, as Excel saves a protected file."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(64)


@pytest.mark.parametrize(
    ("content", "status", "error"),
    [
        pytest.param(lambda: b"name,id\n", 415, "not_a_spreadsheet", id="csv"),
        pytest.param(
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), 415, "not_a_spreadsheet", id="xls"
        ),
        pytest.param(encrypted, 422, "encrypted_spreadsheet", id="encrypted"),
        pytest.param(corrupt, 422, "corrupt_spreadsheet", id="corrupt"),
        pytest.param(formulas, 422, "formulas_not_allowed", id="formulas"),
        pytest.param(
            lambda: spreadsheet([{"姓名": "王秀兰", "身份证号": resident_id_number(), "备注": "x"}]),
            422,
            "wrong_columns",
            id="columns",
        ),
        pytest.param(lambda: spreadsheet([], LEDGER.headers), 422, "empty_spreadsheet", id="empty"),
    ],
)
async def test_a_bad_file_is_refused_whole_with_a_machine_readable_answer(intake, content, status, error):
    answer = await intake.assistant.post("/ledger/spreadsheet?mode=all", files=upload(content()))
    refused = body(answer, status)
    assert refused["error"] == error and refused["message"]
    if error == "wrong_columns":
        assert {e["field"] for e in refused["errors"]} == {
            "columns.手机号",
            "columns.社区编码",
            "columns.下岗日期",
            "columns.下岗原因",
            "columns.备注",
        }
    if error == "formulas_not_allowed":
        assert refused["errors"] == [{"field": "rows.2.姓名", "reason": "holds a formula"}]


async def test_more_rows_than_the_setting_allows_is_refused(intake_database_url):
    app = create_app(
        ServiceSettings(database_url=intake_database_url),
        IntakePolicy(ledger_max_rows=3),
        token_verifier=ISSUER.verifier(),
    )
    async with serving(app) as clients:
        content = spreadsheet([ledger_row() for _ in range(4)])
        refused = body(await clients.assistant.post("/ledger/spreadsheet", files=upload(content)), 422)
        assert refused["error"] == "too_many_rows" and refused["details"] == {"max_rows": "3"}


def roster_spec_row(**cells: object) -> dict[str, object]:
    row = {header: value for header, value in ledger_row().items() if header in ROSTER.headers}
    return row | {"新用人单位": "红星纺织有限公司", "劳动合同签订日期": "2026-10-08"} | cells


async def test_an_enterprise_roster_is_lodged_from_its_spreadsheet_and_taken_in_after_the_vote(
    intake, intake_engine
):
    spec: SheetSpec = ROSTER
    plan_id = body(await intake.supervisor.post("/restructuring-plans", json=PLAN), 201)["plan_id"]
    rows = [roster_spec_row() for _ in range(5)] + [roster_spec_row(身份证号=wrong_check_digit())]
    content = spreadsheet(rows, spec.headers)
    path = f"/restructuring-plans/{plan_id}/roster/spreadsheet"

    refused = await intake.supervisor.post(f"{path}?mode=all", files=upload(content))
    assert body(refused, 422)["errors"][0]["field"] == "rows.7.身份证号"
    lodged = body(await intake.supervisor.post(f"{path}?mode=valid_rows", files=upload(content)))
    assert lodged["roster"]["workers"] == 5 and [p["row"] for p in lodged["rejected"]] == [7]
    again = body(await intake.supervisor.post(f"{path}?mode=valid_rows", files=upload(content)))
    assert again["repeated"] and again["roster"]["lodged_at"] == lodged["roster"]["lodged_at"]

    body(await intake.supervisor.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING))
    taken = body(await intake.service.post(f"/restructuring-plans/{plan_id}/roster/intake"))
    assert len(taken["case_ids"]) == 5 and await case_count(intake_engine) == 5
