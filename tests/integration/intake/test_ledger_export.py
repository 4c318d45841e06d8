"""The ledger exported as .xlsx on SQLite and PostgreSQL: the cases a caller reaches, filtered as the case
list, the full resident ID only by scope, every case audited, and a file that imports into another intake as
the same workers."""

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest_asyncio
from openpyxl import load_workbook
from sqlalchemy import select

from contracts.ledger import LEDGER
from services.common.settings import ServiceSettings
from services.intake.app import IntakePolicy, create_app
from services.intake.models import audit_log
from tests.factories import registration, resident_id_number
from tests.http_checks import body
from tests.integration.intake.support import ISSUER, Clients, intake_beside, serving

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OTHER_STREET = [
    ("/streets", {"street_code": "XS", "name": "西山街道"}),
    ("/communities", {"community_code": "XS-01", "street_code": "XS", "name": "红旗社区"}),
]


@pytest_asyncio.fixture
async def fresh_intake(intake_database_url: str, tmp_path: Path) -> AsyncIterator[Clients]:
    """A second intake on a database of its own, on the same engine as the test's first one."""
    async with intake_beside(intake_database_url, tmp_path) as clients:
        yield clients


async def exported(client: httpx.AsyncClient, **filters: str) -> bytes:
    answer = await client.get("/ledger/spreadsheet", params=filters)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"] == (
        f"attachment; filename*=UTF-8''ledger-{datetime.now(UTC).date().isoformat()}.xlsx"
    )
    return answer.content


def rows_of(content: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == LEDGER.headers
    return [dict(zip(LEDGER.headers, line, strict=True)) for line in lines[1:]]


def upload(content: bytes) -> dict:
    return {"file": ("ledger.xlsx", content, XLSX)}


def resident_id_ending_in_x(birth: date) -> str:
    return next(n for n in (resident_id_number(birth=birth) for _ in range(200)) if n.endswith("X"))


async def register(client: httpx.AsyncClient, **fields: object) -> dict:
    return body(await client.post("/workers", json=registration(**fields)), 201)


async def audited_reads(intake_engine, resource_type: str) -> list[str]:
    async with intake_engine.connect() as connection:
        found = await connection.scalars(
            select(audit_log.c.resource_id).where(
                audit_log.c.action == "read", audit_log.c.resource_type == resource_type
            )
        )
        return list(found)


async def test_the_full_resident_id_goes_only_to_a_caller_with_its_scope_in_cells_of_the_ledger_kinds(
    intake,
):
    number = resident_id_ending_in_x(date(1980, 5, 6))
    await register(
        intake.assistant,
        resident_id=number,
        household={"members_of_working_age": 3, "employed_members_of_working_age": 0},
    )

    masked = rows_of(await exported(intake.assistant))
    assert [row["身份证号"] for row in masked] == [f"{number[:4]}{'*' * 10}{number[-4:]}"]
    full = rows_of(await exported(intake.supervisor))
    assert [row["身份证号"] for row in full] == [number]
    assert full[0]["家庭劳动年龄人数"] == 3 and full[0]["家庭就业人数"] == 0
    assert full[0]["下岗原因"] == "企业改制" and full[0]["就业状态"] == "未就业"

    sheet = load_workbook(io.BytesIO(await exported(intake.supervisor))).worksheets[0]
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 18
    cells = {header: cell for header, cell in zip(LEDGER.headers, sheet[2], strict=True)}
    assert cells["身份证号"].data_type == "s" and cells["手机号"].data_type == "s"
    assert isinstance(cells["下岗日期"].value, datetime) and cells["下岗日期"].number_format == "yyyy-mm-dd"
    assert isinstance(cells["出生日期"].value, datetime) and cells["家庭劳动年龄人数"].data_type == "n"


async def test_a_caller_exports_the_cases_they_reach_that_match_the_filters(intake):
    for path, network in OTHER_STREET:
        body(await intake.admin.post(path, json=network), 201)
    for n in range(2):
        await register(intake.assistant, full_name=f"张{n}")
    away = await register(intake.supervisor, full_name="李四", community_code="XS-01")
    bankrupt = await register(intake.assistant, full_name="赵五", layoff_reason="bankruptcy", disability=True)

    reached = rows_of(await exported(intake.assistant))
    assert [row["姓名"] for row in reached] == ["张0", "张1", "赵五"]
    everyone = rows_of(await exported(intake.supervisor))
    assert [row["姓名"] for row in everyone] == ["张0", "张1", "李四", "赵五"]
    in_community = rows_of(await exported(intake.supervisor, community_code="XS-01"))
    assert [(row["姓名"], row["社区编码"]) for row in in_community] == [(away["full_name"], "XS-01")]
    bankruptcies = rows_of(await exported(intake.supervisor, layoff_reason="bankruptcy"))
    assert [(row["姓名"], row["下岗原因"]) for row in bankruptcies] == [(bankrupt["full_name"], "企业破产")]
    disabled = rows_of(await exported(intake.assistant, hardship_flag="disability"))
    assert [row["姓名"] for row in disabled] == [bankrupt["full_name"]]
    assert rows_of(await exported(intake.assistant, community_code="XS-01")) == []

    paged = body(await intake.supervisor.get("/ledger/spreadsheet", params={"limit": 2}), 422)
    assert paged["error"] == "validation_failed" and paged["errors"][0]["field"] == "limit"
    assert (await intake.anonymous.get("/ledger/spreadsheet")).status_code == 401


async def test_every_exported_case_is_audited_and_full_resident_ids_as_such(intake, intake_engine):
    cases = [(await register(intake.assistant))["case_id"] for _ in range(3)]

    await exported(intake.assistant)
    assert sorted(await audited_reads(intake_engine, "worker_case")) == sorted(cases)
    assert await audited_reads(intake_engine, "resident_id") == []

    await exported(intake.supervisor)
    assert sorted(await audited_reads(intake_engine, "worker_case")) == sorted(cases * 2)
    assert sorted(await audited_reads(intake_engine, "resident_id")) == sorted(cases)


async def test_more_cases_than_a_spreadsheet_may_hold_are_refused_and_nothing_is_audited(
    intake_database_url, intake_engine
):
    app = create_app(
        ServiceSettings(database_url=intake_database_url),
        IntakePolicy(ledger_max_rows=2),
        token_verifier=ISSUER.verifier(),
    )
    async with serving(app) as clients:
        for _ in range(3):
            await register(clients.assistant)
        refused = body(await clients.supervisor.get("/ledger/spreadsheet"), 422)
        assert refused["error"] == "too_many_rows" and refused["details"] == {"max_rows": "2"}
        assert await audited_reads(intake_engine, "worker_case") == []
        await register(clients.assistant, layoff_reason="other")
        narrowed = await exported(clients.supervisor, layoff_reason="other")
        assert [row["下岗原因"] for row in rows_of(narrowed)] == ["其他"]


async def test_an_exported_ledger_imports_into_another_intake_as_the_same_workers(intake, fresh_intake):
    registered = [
        registration(
            resident_id=resident_id_number(birth=date(1972, 3, 4), male=False),
            sex="female",
            birth_date="1972-03-04",
            full_name="王秀兰",
            mobile="13912345678",
            layoff_reason="restructuring",
            household={"members_of_working_age": 2, "employed_members_of_working_age": 0},
            disability=True,
        ),
        registration(
            resident_id=resident_id_ending_in_x(date(1995, 11, 20)),
            full_name="刘建国",
            mobile="15800001111",
            layoff_date="2026-06-15",
            layoff_reason="bankruptcy",
            long_term_unemployed=True,
        ),
        registration(
            resident_id=resident_id_number(birth=date(1990, 7, 1), male=True),
            sex="male",
            full_name="陈明",
            mobile="18612340000",
            layoff_date="2025-12-31",
            layoff_reason="contract_ended",
            household={"members_of_working_age": 4, "employed_members_of_working_age": 2},
            disability=True,
            long_term_unemployed=True,
        ),
        registration(
            resident_id=resident_id_number(birth=date(1988, 1, 1)),
            full_name="周芳",
            mobile="13700000000",
            layoff_reason="other",
        ),
    ]
    original = [body(await intake.assistant.post("/workers", json=worker), 201) for worker in registered]
    content = await exported(intake.supervisor)
    rows = rows_of(content)
    assert [
        (row["姓名"], row["身份证号"], row["手机号"], row["社区编码"], row["下岗日期"].date().isoformat())
        for row in rows
    ] == [
        (w["full_name"], w["resident_id"], w["mobile"], w["community_code"], w["layoff_date"])
        for w in registered
    ]
    assert [row["困难类型"] for row in rows] == ["4050、残疾", "长期失业", "残疾、长期失业", None]

    imported = body(await fresh_intake.assistant.post("/ledger/spreadsheet?mode=all", files=upload(content)))
    assert imported["rejected"] == [] and len(imported["created"]) == len(registered)
    by_person = sorted(rows, key=lambda row: str(row["身份证号"]))
    assert sorted(rows_of(await exported(fresh_intake.supervisor)), key=lambda row: str(row["身份证号"])) == (
        by_person
    )
    taken_in = body(await fresh_intake.supervisor.get("/workers"))["items"]
    facts = ("layoff_reason", "layoff_date", "hardship_flags", "sex", "birth_date", "community_code")
    assert {case["resident_id_masked"]: [case[fact] for fact in facts] for case in taken_in} == {
        case["resident_id_masked"]: [case[fact] for fact in facts] for case in original
    }
    assert "zero_employment_family" in original[0]["hardship_flags"]

    again = body(await fresh_intake.assistant.post("/ledger/spreadsheet?mode=all", files=upload(content)))
    assert again["repeated"] and again["created"] == imported["created"]
    assert len(body(await fresh_intake.supervisor.get("/workers"))["items"]) == len(registered)
