"""The console's upload page on SQLite and PostgreSQL, acting through a real intake: a ledger is previewed
with every rejected row named and nothing written, confirmed, taken in once; bad files are refused with
intake's answer; only the uploader sees an upload; rosters only for supervisors."""

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from openpyxl import load_workbook

import services.intake
from contracts.ledger import LEDGER, ROSTER
from services.common.settings import ServiceSettings
from services.console.actions import ServiceGateway
from services.console.app import create_app as create_console
from services.console.staff import SESSION_COOKIE
from tests.http_checks import body
from tests.integration.console.conftest import TODAY
from tests.integration.intake.support import ISSUER, Clients, intake_beside
from tests.integration.intake.test_restructuring import PLAN
from tests.integration.intake.test_spreadsheet_import import roster_spec_row, wrong_check_digit
from tests.ledgers import ledger_row, spreadsheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTAKE_MIGRATIONS = Path(services.intake.__file__).parent / "migrations"
UPLOAD_PAGE = re.compile(r"^/uploads/[0-9a-f-]{36}$")


@pytest_asyncio.fixture
async def intake(console_database_url: str, tmp_path: Path) -> AsyncIterator[Clients]:
    async with intake_beside(console_database_url, tmp_path) as clients:
        yield clients


@pytest_asyncio.fixture
async def console(console_database_url: str, intake: Clients) -> AsyncIterator[httpx.AsyncClient]:
    """The console, its gateway talking to the intake above with the staff member's own token."""
    app = create_console(
        ServiceSettings(database_url=console_database_url), verifier=ISSUER.verifier(), today=lambda: TODAY
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=intake.transport) as to_intake,
    ):
        app.state.gateway = ServiceGateway(
            client=to_intake,
            identity_url="http://identity",
            intake_url="http://intake",
            placement_url="http://placement",
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            yield client


def logged_in(console: httpx.AsyncClient, role: str, **claims: str) -> httpx.AsyncClient:
    token = ISSUER.staff_headers(role, **claims)["authorization"].removeprefix("Bearer ")
    console.cookies.set(SESSION_COOKIE, token)
    return console


def as_assistant(console: httpx.AsyncClient, sub: str = "staff-labour_assistant") -> httpx.AsyncClient:
    return logged_in(console, "labour_assistant", sub=sub, community_code="ZS-01", street_code="ZS")


async def uploaded(console: httpx.AsyncClient, content: bytes, kind: str = "ledger", **fields: str) -> str:
    answer = await console.post(
        "/uploads", data={"kind": kind, **fields}, files={"file": ("台账.xlsx", content, XLSX)}
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert UPLOAD_PAGE.match(location), location
    return location


async def page(console: httpx.AsyncClient, path: str) -> str:
    answer = await console.get(path)
    assert answer.status_code == 200, answer.text
    return answer.text


async def confirmed(console: httpx.AsyncClient, location: str, mode: str) -> str:
    answer = await console.post(f"{location}/confirmation", data={"mode": mode})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == location
    return await page(console, location)


async def open_cases(intake: Clients) -> int:
    answer = await intake.supervisor.get("/workers", params={"limit": "200"})
    assert answer.status_code == 200, answer.text
    return len(answer.json()["items"])


async def test_a_ledger_is_previewed_row_by_row_then_the_valid_rows_are_taken_in_once(
    console: httpx.AsyncClient, intake: Clients
) -> None:
    rows = [ledger_row(), ledger_row(姓名="李建国"), ledger_row(身份证号=wrong_check_digit())]
    content = spreadsheet(rows)
    as_assistant(console)
    location = await uploaded(console, content)
    preview = await page(console, location)
    assert (
        'id="rows">3<' in preview and 'id="valid-rows">2<' in preview and 'id="rejected-rows">1<' in preview
    )
    assert '<tr data-row="4"><td>4</td><td>身份证号</td>' in preview
    assert 'class="rejected"' in preview and "李建国" in preview
    assert "<td>2026-09-30</td>" in preview, "a date cell reads as a date"
    assert 'id="import-valid"' in preview and 'id="import-all"' not in preview
    assert await open_cases(intake) == 0, "a preview writes nothing"

    refused = await console.post(f"{location}/confirmation", data={"mode": "all"})
    assert refused.status_code == 422 and "validation_failed" in refused.text
    assert await open_cases(intake) == 0, "all or nothing"

    done = await confirmed(console, location, "valid_rows")
    assert 'id="created-count">2<' in done
    assert await open_cases(intake) == 2
    assert (await confirmed(console, location, "valid_rows")) == done, "a second confirmation is a reload"

    again = await confirmed(console, await uploaded(console, content), "valid_rows")
    assert "此文件此前已导入" in again and 'id="created-count">2<' in again
    assert await open_cases(intake) == 2, "the same file is taken in once"


async def test_a_clean_ledger_offers_to_import_every_row(console: httpx.AsyncClient, intake: Clients) -> None:
    as_assistant(console)
    location = await uploaded(console, spreadsheet([ledger_row(), ledger_row()]))
    assert 'id="import-all"' in await page(console, location)
    assert 'id="created-count">2<' in await confirmed(console, location, "all")
    assert await open_cases(intake) == 2


async def test_a_bad_file_shows_intakes_refusal_and_keeps_nothing(console: httpx.AsyncClient) -> None:
    as_assistant(console)
    files = {"file": ("notes.xlsx", b"not a workbook", XLSX)}
    answer = await console.post("/uploads", data={"kind": "ledger"}, files=files)
    assert answer.status_code == 415 and "not_a_spreadsheet" in answer.text
    headers = ("姓名", "手机号")
    wrong = await console.post(
        "/uploads",
        data={"kind": "ledger"},
        files={"file": ("x.xlsx", spreadsheet([ledger_row()], headers=headers), XLSX)},
    )
    assert wrong.status_code == 422 and "wrong_columns" in wrong.text


async def test_only_the_uploader_sees_an_upload(console: httpx.AsyncClient) -> None:
    as_assistant(console)
    location = await uploaded(console, spreadsheet([ledger_row()]))
    as_assistant(console, sub="staff-another-assistant")
    answer = await console.get(location)
    assert answer.status_code == 404 and answer.json()["error"] == "upload_not_found"
    confirming = await console.post(f"{location}/confirmation", data={"mode": "all"})
    assert confirming.status_code == 404


async def test_rosters_are_for_supervisors(console: httpx.AsyncClient, intake: Clients) -> None:
    plan_id = body(await intake.supervisor.post("/restructuring-plans", json=PLAN), 201)["plan_id"]
    content = spreadsheet([roster_spec_row() for _ in range(3)], ROSTER.headers)
    files = {"file": ("名册.xlsx", content, XLSX)}
    as_assistant(console)
    assert 'id="form-roster"' not in await page(console, "/uploads")
    refused = await console.post("/uploads", data={"kind": "roster", "plan_id": plan_id}, files=files)
    assert refused.status_code == 403 and refused.json()["error"] == "action_not_allowed"

    logged_in(console, "supervisor")
    assert 'id="form-roster"' in await page(console, "/uploads")
    unknown = {"kind": "roster", "plan_id": "01900000-0000-7000-8000-000000000000"}
    assert (await console.post("/uploads", data=unknown, files=files)).status_code == 404
    location = await uploaded(console, content, kind="roster", plan_id=plan_id)
    assert 'id="valid-rows">3<' in await page(console, location)
    assert 'id="created-count">3<' in await confirmed(console, location, "all")
    roster = body(await intake.supervisor.get(f"/restructuring-plans/{plan_id}/roster"))
    assert roster["workers"] == 3


async def test_templates_and_the_ledger_come_from_intake(console: httpx.AsyncClient, intake: Clients) -> None:
    as_assistant(console)
    template = await console.get("/uploads/ledger-template.xlsx")
    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    assert tuple(cell.value for cell in load_workbook(io.BytesIO(template.content)).worksheets[0][1]) == (
        LEDGER.headers
    )
    await confirmed(console, await uploaded(console, spreadsheet([ledger_row(姓名="张卫东")])), "all")
    ledger = await console.get("/ledger.xlsx", params={"status": "open"})
    assert ledger.status_code == 200, ledger.text
    lines = list(load_workbook(io.BytesIO(ledger.content)).worksheets[0].iter_rows(values_only=True))
    assert lines[0] == LEDGER.headers and [line[0] for line in lines[1:]] == ["张卫东"]
    refused = await console.get("/ledger.xlsx", params={"status": "sleeping"})
    assert refused.status_code == 422 and refused.json()["error"] == "validation_failed"
