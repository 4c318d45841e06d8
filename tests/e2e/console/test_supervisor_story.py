"""A supervisor finds an overdue follow-up and reassigns the case, the new assistant records the follow-up,
and the leading group's target page moves, without a reload. Screenshots go to test-artifacts/console/."""

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from tests.e2e.console.stack import Stack, answer
from tests.factories import NETWORK, registration

PASSWORD = "a long staff password 2026"
ADMIN_PASSWORD = "development-only-bootstrap-password"
WAIT_MS = 15_000


async def eventually(check: Callable[[], Awaitable[Any]], seconds: float = 15.0) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            return await check()
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def register_staff(
    identity: httpx.AsyncClient, admin: dict[str, str], username: str, role: str, assistant_id: str = ""
) -> str:
    """A staff login; a labour assistant's names their assistant in intake, which their token carries."""
    body = {
        "username": username,
        "display_name": username,
        "role": role,
        "password": PASSWORD,
    }
    if role == "labour_assistant":
        body |= {"community_code": "ZS-01", "street_code": "ZS", "assistant_id": assistant_id}
    staff_id: str = answer(await identity.post("/admin/staff", json=body, headers=admin), 201)["staff_id"]
    return staff_id


async def employer_headers(stack: Stack, admin: dict[str, str], employer_id: str) -> dict[str, str]:
    """The employer's own client in identity, and the bearer header of a client-credentials token for it."""
    client = {
        "client_id": "anxin-jiazheng",
        "name": "安心家政",
        "kind": "employer",
        "employer_id": employer_id,
        "scopes": ["vacancies:manage"],
    }
    async with httpx.AsyncClient(base_url=stack.url("identity")) as identity:
        secret = answer(await identity.post("/admin/clients", json=client, headers=admin), 201)[
            "client_secret"
        ]
        grant = {"grant_type": "client_credentials"}
        issued = answer(await identity.post("/oauth2/token", data=grant, auth=(client["client_id"], secret)))
    return {"Authorization": f"Bearer {issued['access_token']}"}


async def log_in(browser: Browser, stack: Stack, username: str) -> Page:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{stack.url('console')}/login")
    await page.keyboard.press("Tab")
    await expect(page.locator(".skip")).to_be_focused()
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(re.compile(r"/(supervisor|caseload|targets)"))
    await page.wait_for_function("document.body.dataset.live === 'connected'")
    return page


async def a_case_with_an_overdue_follow_up(stack: Stack, admin: dict[str, str]) -> tuple[str, str, str]:
    """Intake registers a worker (assigned to assistant A); placement hires them (the employer with its own
    client's token), and a follow-up due five days ago is waiting. Returns the case, the other assistant (B)
    and the follow-up's key."""
    async with httpx.AsyncClient(base_url=stack.url("intake"), auth=stack.setup_auth()) as intake:
        for path, body in NETWORK:
            answer(await intake.post(path, json=body), 201)
        first = answer(
            await intake.post(
                "/assistants", json={"name": "李娟", "community_code": "ZS-01", "capacity": 50}
            ),
            201,
        )
        worker = answer(await intake.post("/workers", json=registration()), 201)
        second = answer(
            await intake.post(
                "/assistants", json={"name": "王芳", "community_code": "ZS-01", "capacity": 50}
            ),
            201,
        )
    case_id = worker["case_id"]
    assert worker["assistant_id"] == first["assistant_id"]
    async with httpx.AsyncClient(base_url=stack.url("placement"), auth=stack.setup_auth()) as placement:
        employer = answer(
            await placement.post(
                "/employers",
                json={
                    "name": "安心家政服务有限公司",
                    "kind": "enterprise",
                    "registration_reference": "91110105MA00000001",
                    "community_code": "ZS-01",
                },
            ),
            201,
        )["employer_id"]
        answer(await placement.post(f"/employers/{employer}/verification"))
        as_employer = await employer_headers(stack, admin, employer)
        vacancy = answer(
            await placement.post(
                f"/employers/{employer}/vacancies",
                json={
                    "title": "钟点工",
                    "description": "Cleaning for families",
                    "occupation_area": "housekeeping",
                    "employment_form": "hourly",
                    "openings": 3,
                    "required_skills": [],
                    "required_certificates": [],
                    "community_code": "ZS-01",
                    "hourly_wage_yuan": 35,
                },
                headers=as_employer,
            ),
            201,
        )["vacancy_id"]

        async def referred() -> str:
            made = await placement.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy})
            assert made.status_code == 201, made.text
            referral_id: str = made.json()["referral_id"]
            return referral_id

        referral = await eventually(referred)
        answer(
            await placement.post(
                f"/employers/{employer}/referrals/{referral}/answer",
                json={"answer": "offer"},
                headers=as_employer,
            )
        )
        terms = {
            "has_labour_contract": True,
            "contract_months": 12,
            "start_date": (date.today() - timedelta(days=40)).isoformat(),
            "monthly_wage_yuan": 3200,
            "social_insurance": True,
        }
        hire = answer(
            await placement.post(
                f"/employers/{employer}/referrals/{referral}/hire", json=terms, headers=as_employer
            ),
            201,
        )
        task_key = f"journey-{case_id}-{hire['hire_id']}-1"
        task = {
            "case_id": case_id,
            "due_on": (date.today() - timedelta(days=5)).isoformat(),
            "sequence": 1,
            "subject_kind": "hire",
            "subject_id": hire["hire_id"],
            "assistant_id": first["assistant_id"],
        }
        answer(await placement.put(f"/follow-up-tasks/{task_key}", json=task), 201)
    return case_id, second["assistant_id"], task_key


async def test_supervisor_reassigns_an_overdue_case_and_the_target_page_moves(
    stack: Stack, browser: Browser, artifacts: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.url("identity")) as identity:
        token = answer(
            await identity.post(
                "/oauth2/token",
                data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
            )
        )
        admin = {"Authorization": f"Bearer {token['access_token']}"}
        case_id, second, task_key = await a_case_with_an_overdue_follow_up(stack, admin)
        await register_staff(identity, admin, "zhangwei", "supervisor")
        await register_staff(identity, admin, "wangfang", "labour_assistant", assistant_id=second)
        await register_staff(identity, admin, "leader", "leading_group")

    leader = await log_in(browser, stack, "leader")
    await leader.get_by_label("层级").select_option("community")
    await leader.get_by_label("街道/社区").fill("ZS-01")
    await leader.get_by_label("指标").select_option("reemployed")
    await leader.get_by_label("目标", exact=True).fill("2")
    await leader.get_by_role("button", name="保存").first.click()
    reemployed = leader.locator('tr[data-area="ZS-01"][data-indicator="reemployed"] td.actual')
    await expect(reemployed).to_have_text("0", timeout=WAIT_MS)
    await leader.wait_for_function("document.body.dataset.live === 'connected'")
    await leader.evaluate("window.stayedOpen = true")
    await leader.screenshot(path=artifacts / "1-targets-before.png", full_page=True)

    supervisor = await log_in(browser, stack, "zhangwei")
    overdue = supervisor.locator(f'tr[data-task-key="{task_key}"]')
    await expect(overdue).to_be_visible(timeout=WAIT_MS)
    await expect(overdue).to_contain_text("逾期")
    balance = supervisor.locator("#balance ~ table")
    await expect(balance.locator(f'a[data-assistant-id="{second}"]')).to_have_text("王芳", timeout=WAIT_MS)
    await expect(balance).to_contain_text("李娟")
    await supervisor.screenshot(path=artifacts / "2-supervisor-overdue.png", full_page=True)
    await overdue.get_by_label("改派给").fill(second)
    await overdue.get_by_role("button", name="改派").click()
    await supervisor.wait_for_url(re.compile(rf"/cases/{case_id}\?done=reassigned"))
    reassigned_to = supervisor.locator(f'#case-assistant[data-assistant-id="{second}"]')
    await expect(reassigned_to).to_have_text("王芳", timeout=WAIT_MS)
    await supervisor.screenshot(path=artifacts / "3-case-reassigned.png", full_page=True)

    assistant = await log_in(browser, stack, "wangfang")
    await expect(assistant.get_by_role("heading", level=1)).to_have_text("我的个案 · 王芳")
    await expect(assistant.locator(f'#overdue ~ table tr[data-task-key="{task_key}"]')).to_be_visible(
        timeout=WAIT_MS
    )
    await assistant.screenshot(path=artifacts / "4-assistant-caseload.png", full_page=True)
    await assistant.locator(f'tr[data-task-key="{task_key}"] a').first.click()
    form = assistant.get_by_role("form", name=re.compile("登记回访"))
    for legend in ("仍在工作", "已签劳动合同", "已缴社会保险"):
        await form.get_by_role("group", name=legend).get_by_label("是").check()
    await form.get_by_label("月收入(元)").fill("3300")
    await form.get_by_label("满意度(1-5)").fill("4")
    await assistant.screenshot(path=artifacts / "5-assistant-records.png", full_page=True)
    await form.get_by_role("button", name="登记回访").click()
    await assistant.wait_for_url(re.compile(r"\?done=recorded"))
    await expect(assistant.locator(f'article[data-task-key="{task_key}"] .flag.ok')).to_be_visible(
        timeout=WAIT_MS
    )

    await expect(reemployed).to_have_text("1", timeout=WAIT_MS)
    assert await leader.evaluate("window.stayedOpen === true"), "the target page was reloaded"
    await expect(leader.locator("#live-feed li").first).to_contain_text("完成回访")
    await leader.screenshot(path=artifacts / "6-targets-after.png", full_page=True)
    await leader.get_by_role("link", name="English").click()
    await expect(leader.locator("html")).to_have_attribute("lang", "en")
    await expect(leader.get_by_role("heading", level=1)).to_contain_text("Target assessment")
    await leader.screenshot(path=artifacts / "7-targets-english.png", full_page=True)
