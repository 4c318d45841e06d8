"""A supervisor brings a street platform's ledger (台账) in through the upload page of the real browser: the
template downloads, the preview names the bad row before anything is written, the valid rows become cases,
and the month's report, downloaded from the target page, counts them. Screenshots and the report's pages
as PNG go to test-artifacts/console/."""

import asyncio
import io
import re
from datetime import date
from pathlib import Path

import httpx
from openpyxl import load_workbook
from playwright.async_api import Browser, Download, expect
from sqlalchemy import func, select

from contracts.ledger import LEDGER
from services.console.models import TimelineEntry
from tests.e2e.console.stack import Stack, answer
from tests.e2e.console.test_supervisor_story import (
    ADMIN_PASSWORD,
    WAIT_MS,
    eventually,
    log_in,
    register_staff,
)
from tests.factories import NETWORK
from tests.integration.console.test_downloads import pdf_text, render_pages
from tests.integration.intake.test_spreadsheet_import import wrong_check_digit
from tests.ledgers import ledger_row, spreadsheet


async def registered_in_console(stack: Stack) -> int:
    async with stack.sessions["console"]() as session:
        counted: int = await session.scalar(
            select(func.count())
            .select_from(TimelineEntry)
            .where(TimelineEntry.event_type.startswith("intake.worker_registered."))
        )
        return counted


async def downloaded(download: Download) -> bytes:
    return await asyncio.to_thread(Path(await download.path()).read_bytes)


async def test_a_supervisor_imports_a_ledger_and_prints_the_months_report(
    stack: Stack, browser: Browser, artifacts: Path, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.url("intake"), auth=stack.setup_auth()) as intake:
        for path, body in NETWORK:
            answer(await intake.post(path, json=body), 201)
    async with httpx.AsyncClient(base_url=stack.url("identity")) as identity:
        grant = {"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD}
        token = answer(await identity.post("/oauth2/token", data=grant))
        admin = {"Authorization": f"Bearer {token['access_token']}"}
        await register_staff(identity, admin, "zhaomin", "supervisor")

    supervisor = await log_in(browser, stack, "zhaomin")
    await supervisor.get_by_role("link", name="台账导入").click()
    await expect(supervisor.get_by_role("heading", level=1)).to_have_text("台账导入")
    async with supervisor.expect_download() as template_download:
        await supervisor.locator("#template-ledger").click()
    template = await template_download.value
    assert template.suggested_filename == "ledger-template.xlsx"
    blank = load_workbook(io.BytesIO(await downloaded(template))).worksheets[0]
    assert tuple(cell.value for cell in blank[1]) == LEDGER.headers

    ledger = tmp_path / "中山街道台账.xlsx"
    rows = [
        ledger_row(姓名="刘桂英"),
        ledger_row(姓名="陈志强", 困难类型="4050"),
        ledger_row(姓名="错号码", 身份证号=wrong_check_digit()),
    ]
    ledger.write_bytes(spreadsheet(rows))
    await supervisor.get_by_label("Excel 文件 (.xlsx)").first.set_input_files(ledger)
    await supervisor.locator("#preview-ledger").click()
    await supervisor.wait_for_url(re.compile(r"/uploads/[0-9a-f-]{36}$"))
    await expect(supervisor.locator("#valid-rows")).to_have_text("2")
    await expect(supervisor.locator('#rejected tr[data-row="4"]')).to_contain_text("身份证号")
    await expect(supervisor.locator('#preview tr.rejected[data-row="4"]')).to_contain_text("错号码")
    await supervisor.screenshot(path=artifacts / "ledger-1-preview.png", full_page=True)
    assert await registered_in_console(stack) == 0, "a preview writes nothing"

    await supervisor.locator("#import-valid").click()
    await expect(supervisor.locator("#created-count")).to_have_text("2", timeout=WAIT_MS)
    await supervisor.screenshot(path=artifacts / "ledger-2-imported.png", full_page=True)

    async def both_arrived() -> None:
        assert await registered_in_console(stack) == 2

    await eventually(both_arrived)
    await supervisor.get_by_role("link", name="目标考核").click()
    this_month = f"{date.today():%Y-%m}"
    await supervisor.locator("#report-month").fill(this_month)
    async with supervisor.expect_download() as report_download:
        await supervisor.locator("#download-report").click()
    report = await report_download.value
    assert report.suggested_filename == f"monthly-report-{this_month}.pdf"
    content = await downloaded(report)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert f"下岗职工再就业工作月报 · {date.today().year}年{date.today().month}月" in text
    district = next(line.split() for line in text.splitlines() if line.split() and line.split()[0].isdigit())
    assert district[0] == "2", "the district's registrations this month: the two imported"
    await asyncio.to_thread(render_pages, content, artifacts / "ledger-3-monthly-report")

    cookies = {cookie["name"]: cookie["value"] for cookie in await supervisor.context.cookies()}
    async with httpx.AsyncClient(base_url=stack.url("console"), cookies=cookies) as console:
        exported = await console.get("/ledger.xlsx", params={"status": "open"})
    assert exported.status_code == 200, exported.text
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert sorted(line[0] for line in sheet.iter_rows(min_row=2, values_only=True)) == ["刘桂英", "陈志强"]
