"""The pages on SQLite and PostgreSQL: login redirect, roles, masking, language, forms, the live feed."""

import asyncio
import json

import httpx

from contracts.events.placement import Hired
from services.console.staff import SESSION_COOKIE
from tests.http_checks import body
from tests.integration.console import events
from tests.integration.console.conftest import Feed, StaffTokens

ASSISTANT = "a0000000-0000-4000-8000-000000000001"
OTHER_ASSISTANT = "a0000000-0000-4000-8000-000000000002"


def as_staff(client: httpx.AsyncClient, tokens: StaffTokens, role: str, staff_id: str | None = None) -> None:
    client.cookies.set(SESSION_COOKIE, tokens.token(role, staff_id))


async def _case_with_hire(feed: Feed) -> tuple[str, Hired]:
    case_id = events.an_id()
    await feed.send(events.registered(case_id))
    await feed.send(events.assigned(case_id, ASSISTANT))
    hire = events.hired(case_id, wage=4321)
    await feed.send(hire)
    await feed.send(events.follow_up_completed(case_id, f"{case_id}-1"))
    return case_id, hire


async def test_a_page_without_a_session_goes_to_the_login_form(console: httpx.AsyncClient) -> None:
    response = await console.get("/supervisor")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    console.cookies.set(SESSION_COOKIE, "not-a-token")
    assert (await console.get("/caseload")).headers["location"] == "/login"
    login = await console.get("/login")
    assert login.status_code == 200 and '<html lang="zh-CN">' in login.text and "工作人员登录" in login.text


async def test_english_on_request_kept_in_a_cookie(console: httpx.AsyncClient, tokens: StaffTokens) -> None:
    as_staff(console, tokens, "supervisor")
    english = await console.get("/supervisor?lang=en")
    assert '<html lang="en">' in english.text and "Caseload per assistant" in english.text
    again = await console.get("/supervisor")
    assert "Caseload per assistant" in again.text


async def test_each_role_opens_its_own_pages(console: httpx.AsyncClient, tokens: StaffTokens) -> None:
    as_staff(console, tokens, "leading_group")
    assert (await console.get("/")).headers["location"] == "/targets"
    assert (await console.get("/targets")).status_code == 200
    refused = await console.get("/supervisor")
    assert refused.status_code == 403 and refused.json()["error"] == "page_not_allowed"
    as_staff(console, tokens, "labour_assistant", ASSISTANT)
    assert (await console.get("/")).headers["location"] == "/caseload"


async def test_a_login_whose_token_names_its_assistant_sees_that_caseload(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    case_id, _ = await _case_with_hire(feed)
    console.cookies.set(
        SESSION_COOKIE, tokens.token("labour_assistant", events.an_id(), assistant_id=ASSISTANT)
    )
    assert f"/cases/{case_id}" in (await console.get("/caseload")).text
    assert (await console.get(f"/cases/{case_id}")).status_code == 200
    gone = await console.put(f"/api/staff/{events.an_id()}/assistant", json={"assistant_id": ASSISTANT})
    assert gone.status_code in (404, 405), "the console keeps no links of its own any more"


async def test_an_assistant_opens_only_their_cases(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    case_id, _ = await _case_with_hire(feed)
    as_staff(console, tokens, "labour_assistant", ASSISTANT)
    page = await console.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "4321" in page.text and "实现就业" in page.text
    as_staff(console, tokens, "labour_assistant", OTHER_ASSISTANT)
    refused = await console.get(f"/cases/{case_id}")
    assert refused.status_code == 403 and refused.json()["error"] == "case_not_allowed"
    assert (await console.get(f"/cases/{events.an_id()}")).status_code == 404


async def test_a_rights_officer_sees_the_timeline_with_earnings_masked(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    case_id, _ = await _case_with_hire(feed)
    as_staff(console, tokens, "rights_officer")
    page = await console.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "4321" not in page.text and "***" in page.text
    assert "/follow-ups/" not in page.text and "reassignment" not in page.text


async def test_the_leading_group_sets_a_target_and_sees_progress(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    await _case_with_hire(feed)
    as_staff(console, tokens, "leading_group")
    form = {
        "year": "2026",
        "area_kind": "community",
        "area_code": "ZS-01",
        "indicator": "reemployed",
        "target": "4",
    }
    saved = await console.post("/targets", data=form)
    assert saved.status_code == 303
    page = await console.get("/targets?year=2026&lang=en")
    assert 'data-area="ZS-01" data-indicator="reemployed"' in page.text
    assert '<td class="actual">1</td>' in page.text and "25%" in page.text


async def test_a_bad_target_form_names_the_field(console: httpx.AsyncClient, tokens: StaffTokens) -> None:
    as_staff(console, tokens, "leading_group")
    form = {
        "year": "1999",
        "area_kind": "village",
        "area_code": "ZS-01",
        "indicator": "reemployed",
        "target": "-1",
    }
    refused = await console.post("/targets", data=form)
    assert refused.status_code == 422
    payload = refused.json()
    assert payload["error"] == "validation_failed"
    assert {error["field"] for error in payload["errors"]} == {"year", "area_kind", "target"}
    as_staff(console, tokens, "supervisor")
    assert body(await console.post("/targets", data=form), 403)["error"] == "action_not_allowed"


async def test_the_target_api_takes_a_bearer_token(console: httpx.AsyncClient, tokens: StaffTokens) -> None:
    headers = {"Authorization": f"Bearer {tokens.token('leading_group')}"}
    payload = {"year": 2026, "area_kind": "street", "area_code": "ZS", "indicator": "trained", "target": 30}
    assert (await console.put("/api/targets", json=payload)).status_code == 401
    saved = await console.put("/api/targets", json=payload, headers=headers)
    assert saved.status_code == 200 and saved.json()["target"] == 30
    lines = await console.get("/api/target-assessment", params={"year": 2026}, headers=headers)
    assert body(lines) == [
        {
            "area_kind": "street",
            "area_code": "ZS",
            "indicator": "trained",
            "target": 30,
            "actual": 0,
            "progress": 0.0,
        }
    ]


async def test_new_events_arrive_on_the_live_feed(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    as_staff(console, tokens, "supervisor")
    case_id = events.an_id()
    await feed.send(events.registered(case_id))
    received: list[dict[str, str]] = []

    async def listen() -> None:
        async with console.stream("GET", "/live") as stream:
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    received.append(json.loads(line.removeprefix("data: ")))

    listening = asyncio.create_task(listen())
    await asyncio.sleep(0.2)
    await feed.send(events.hired(case_id))
    await listening
    assert [(entry["event_type"], entry["case_id"]) for entry in received] == [
        ("placement.hired.v1", case_id)
    ]
