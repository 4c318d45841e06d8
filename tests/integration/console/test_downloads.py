"""Downloads on SQLite and PostgreSQL: workbooks with Chinese headers and typed cells, the monthly PDF in
Chinese (its pages rendered to PNG under test-artifacts/console/), each only for the roles of its page."""

import asyncio
import io
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.events.journey import OutcomeIndicator
from contracts.journey import JourneyStage
from services.console.domain import AreaKind, Indicator
from services.console.records import set_community_street, set_target
from services.console.schemas import CommunityStreetIn, TargetIn
from tests.http_checks import body
from tests.integration.console import events
from tests.integration.console.conftest import Feed, StaffTokens
from tests.integration.console.test_pages import ASSISTANT, OTHER_ASSISTANT, as_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "console"
IN_NOVEMBER = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)
IN_OCTOBER = datetime(2026, 10, 30, 10, 0, tzinfo=UTC)


def workbook(response: httpx.Response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    return load_workbook(io.BytesIO(response.content))


def pdf_text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def render_pages(content: bytes, prefix: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-", str(prefix)], input=content, check=True)


async def _district(feed: Feed, sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    """Two streets' communities and one community in no street, with November's work and October's."""
    for community, street in (("ZS-01", "ZS"), ("ZS-02", "ZS"), ("BL-01", "BL")):
        await set_community_street(
            sessions, mapping=CommunityStreetIn(community_code=community, street_code=street)
        )
    await set_target(
        sessions,
        target=TargetIn(
            year=2026, area_kind=AreaKind.STREET, area_code="ZS", indicator=Indicator.TRAINED, target=4
        ),
        set_by="leader",
    )
    cases = {name: events.an_id() for name in ("zs1", "zs2", "bl", "loose", "october")}
    for name, community in (("zs1", "ZS-01"), ("zs2", "ZS-02"), ("bl", "BL-01"), ("loose", "XX-09")):
        await feed.send(events.registered(cases[name], community), at=IN_NOVEMBER)
        await feed.send(events.assigned(cases[name], ASSISTANT, community), at=IN_NOVEMBER)
    await feed.send(events.registered(cases["october"], "ZS-01"), at=IN_OCTOBER)
    await feed.send(events.trained(cases["zs1"], IN_NOVEMBER), at=IN_NOVEMBER)
    await feed.send(events.trained(cases["zs2"], IN_NOVEMBER), at=IN_NOVEMBER)
    await feed.send(events.business_started(cases["bl"], IN_NOVEMBER), at=IN_NOVEMBER)
    await feed.send(events.stage(cases["zs1"], JourneyStage.TRAINING, 1), at=IN_NOVEMBER)
    await feed.send(events.complaint_opened(cases["bl"], events.an_id()), at=IN_NOVEMBER)
    return cases


async def test_an_assistant_downloads_their_whole_caseload(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    mine, theirs = events.an_id(), events.an_id()
    await feed.send(events.registered(mine, aged_4050=True))
    await feed.send(events.assigned(mine, ASSISTANT))
    await feed.send(events.follow_up_created(mine, f"{mine}-1", date(2026, 11, 20)))
    await feed.send(events.registered(theirs))
    await feed.send(events.assigned(theirs, OTHER_ASSISTANT))

    as_staff(console, tokens, "labour_assistant", ASSISTANT)
    book = workbook(await console.get("/caseload.xlsx", params={"assistant_id": OTHER_ASSISTANT}))
    cases, tasks = book["在办个案"], book["待办回访"]
    assert [cell.value for cell in cases[1]][:3] == ["个案", "社区", "当前阶段"]
    assert cases[1][0].font.bold and cases.freeze_panes == "A2"
    rows = list(cases.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [mine], "an assistant's own caseload, whatever they ask for"
    assert rows[0][1:3] == ("ZS-01", "评估") and rows[0][6] == "是"
    layoff = cases.cell(row=2, column=6)
    assert layoff.is_date and layoff.value.date() == date(2026, 9, 30)
    task = list(tasks.iter_rows(min_row=2, values_only=True))
    assert task == [(mine, datetime(2026, 11, 20), 1, "是", "否")], "due before the console's today: overdue"

    as_staff(console, tokens, "supervisor")
    book = workbook(await console.get("/caseload.xlsx", params={"assistant_id": OTHER_ASSISTANT}))
    assert [row[0] for row in book["在办个案"].iter_rows(min_row=2, values_only=True)] == [theirs]
    as_staff(console, tokens, "leading_group")
    assert body(await console.get("/caseload.xlsx"), 403)["error"] == "page_not_allowed"


async def test_targets_and_outcomes_as_workbooks(
    console: httpx.AsyncClient, feed: Feed, sessions: async_sessionmaker[AsyncSession], tokens: StaffTokens
) -> None:
    await _district(feed, sessions)
    case_id = events.an_id()
    await feed.send(events.registered(case_id))
    await feed.send(events.outcome(case_id, OutcomeIndicator.EMPLOYED_Q2_AFTER_EXIT, "2026Q1", employed=True))

    as_staff(console, tokens, "leading_group")
    sheet = workbook(await console.get("/targets.xlsx", params={"year": 2026})).active
    assert sheet.title == "目标考核 2026"
    assert [cell.value for cell in sheet[1]] == ["年度", "层级", "街道/社区", "指标", "目标", "完成", "进度"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [(2026, "街道", "ZS", "参加培训", 4, 2, 0.5)]
    assert sheet.cell(row=2, column=7).number_format == "0.0%"

    sheet = workbook(await console.get("/outcomes.xlsx")).active
    assert sheet.cell(row=1, column=2).value == "退出后第2季度就业率"
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [("2026Q1", 1.0, None, None, None, 1)]

    as_staff(console, tokens, "labour_assistant", ASSISTANT)
    assert body(await console.get("/targets.xlsx"), 403)["error"] == "page_not_allowed"
    assert body(await console.get("/outcomes.xlsx"), 403)["error"] == "page_not_allowed"


async def test_the_monthly_report_counts_the_month_per_street_in_chinese(
    console: httpx.AsyncClient,
    feed: Feed,
    sessions: async_sessionmaker[AsyncSession],
    tokens: StaffTokens,
    console_database_url: str,
) -> None:
    await _district(feed, sessions)
    as_staff(console, tokens, "supervisor")
    response = await console.get("/reports/monthly.pdf", params={"month": "2026-11"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "monthly-report-2026-11.pdf" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "下岗职工再就业工作月报 · 2026年11月" in text
    district = next(line for line in text.splitlines() if line.split()[:1] == ["4"])
    assert district.split() == ["4", "2", "1", "1", "0", "5"], "November only: four registered, five open"
    zs_total = text.split("街道 ZS")[1].split("合计")[1].split()[:5]
    assert zs_total == ["2", "2", "0", "0", "0"]
    assert "未归属街道" in text and "XX-09" in text and "BL-01" in text
    assert "参加培训" in text and "50%" in text, "the year's target so far"

    engine = "postgres" if console_database_url.startswith("postgresql") else "sqlite"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / f"monthly-report-{engine}"
    await asyncio.to_thread(render_pages, response.content, prefix)
    assert list(ARTIFACTS.glob(f"{prefix.name}-*.png")), (
        "the report's pages, rendered for a person to look at"
    )

    october = await console.get("/reports/monthly.pdf", params={"month": "2026-10"})
    assert october.status_code == 200, october.text
    assert "2026年10月" in pdf_text(october.content)
    default = await console.get("/reports/monthly.pdf")
    assert (
        default.status_code == 200 and "monthly-report-2026-10.pdf" in default.headers["content-disposition"]
    )
    refused = body(await console.get("/reports/monthly.pdf", params={"month": "2026-13"}), 422)
    assert refused["error"] == "validation_failed"
    as_staff(console, tokens, "labour_assistant", ASSISTANT)
    assert body(await console.get("/reports/monthly.pdf"), 403)["error"] == "page_not_allowed"


async def test_the_api_serves_the_same_files_to_a_bearer_of_targets_read(
    console: httpx.AsyncClient, feed: Feed, sessions: async_sessionmaker[AsyncSession], tokens: StaffTokens
) -> None:
    await _district(feed, sessions)
    reader = {"Authorization": f"Bearer {tokens.token('leading_group')}"}
    sheet = workbook(
        await console.get("/api/exports/targets.xlsx", params={"year": 2026}, headers=reader)
    ).active
    assert sheet.cell(row=2, column=3).value == "ZS"
    assert workbook(await console.get("/api/exports/outcomes.xlsx", headers=reader)).active.max_row == 1
    report = await console.get("/api/reports/monthly.pdf", params={"month": "2026-11"}, headers=reader)
    assert report.status_code == 200 and report.content.startswith(b"%PDF")

    assert body(await console.get("/api/exports/targets.xlsx"), 401)["error"]
    lacking = {"Authorization": f"Bearer {tokens.token('labour_assistant', scope='dashboard:read')}"}
    assert (
        body(await console.get("/api/reports/monthly.pdf", headers=lacking), 403)["error"]
        == "insufficient_scope"
    )


async def test_each_page_offers_its_download(console: httpx.AsyncClient, tokens: StaffTokens) -> None:
    as_staff(console, tokens, "supervisor", ASSISTANT)
    caseload = await console.get("/caseload")
    assert caseload.status_code == 200 and f'href="/caseload.xlsx?assistant_id={ASSISTANT}"' in caseload.text
    targets = await console.get("/targets", params={"year": 2026, "street": "ZS"})
    assert targets.status_code == 200
    assert 'href="/targets.xlsx?year=2026&amp;street=ZS"' in targets.text
    assert 'action="/reports/monthly.pdf"' in targets.text and 'value="2026-10"' in targets.text
    outcomes = await console.get("/outcomes")
    assert outcomes.status_code == 200 and 'href="/outcomes.xlsx"' in outcomes.text
