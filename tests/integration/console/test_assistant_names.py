"""Labour assistants by name, from intake's `intake.assistant_registered.v1`, on SQLite and PostgreSQL."""

import re

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.console import queries
from services.console.models import AssistantView
from services.console.staff import SESSION_COOKIE
from tests.integration.console import events
from tests.integration.console.conftest import TODAY, Feed, StaffTokens

LI_JUAN = "a0000000-0000-4000-8000-0000000000a1"
WANG_FANG = "a0000000-0000-4000-8000-0000000000b2"
ZHAO_MIN = "a0000000-0000-4000-8000-0000000000c3"


async def test_a_registration_consumed_twice_stays_one_named_row(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    registration = events.assistant_registered(LI_JUAN, "李娟")
    delivered = await feed.send(registration)
    assert await feed.handle(delivered) == "duplicate"
    await feed.send(registration)
    async with sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(AssistantView))
        row = await session.get(AssistantView, LI_JUAN)
        overview = await queries.supervisor_overview(session, today=TODAY)
    assert rows == 1
    assert row is not None
    assert (row.name, row.community_code, row.street_code, row.capacity) == ("李娟", "ZS-01", "ZS", 50)
    assert [(load.label, load.open_cases) for load in overview.loads] == [("李娟", 0)]


async def test_a_registration_arriving_after_an_assignment_names_the_assistant(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = events.an_id()
    await feed.send(events.assigned(case_id, WANG_FANG))
    async with sessions() as session:
        before = await queries.caseload(session, assistant_id=WANG_FANG, today=TODAY)
    assert before.assistant.label == f"…{WANG_FANG[-8:]}"
    await feed.send(events.assistant_registered(WANG_FANG, "王芳"))
    async with sessions() as session:
        after = await queries.caseload(session, assistant_id=WANG_FANG, today=TODAY)
        overview = await queries.supervisor_overview(session, today=TODAY)
    assert after.assistant.label == "王芳" and [case.case_id for case in after.cases] == [case_id]
    assert [(load.label, load.community_code, load.open_cases) for load in overview.loads] == [
        ("王芳", "ZS-01", 1)
    ]


async def _named_case(feed: Feed) -> str:
    case_id = events.an_id()
    await feed.send(events.assistant_registered(LI_JUAN, "李娟"))
    await feed.send(events.assistant_registered(WANG_FANG, "王芳"))
    await feed.send(events.registered(case_id))
    await feed.send(events.assigned(case_id, LI_JUAN))
    return case_id


async def test_the_supervisor_sees_assistants_by_name(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    case_id = await _named_case(feed)
    await feed.send(events.follow_up_overdue(case_id, "late", TODAY, 1))
    console.cookies.set(SESSION_COOKIE, tokens.token("supervisor"))
    page = (await console.get("/supervisor")).text
    assert f'data-assistant-id="{LI_JUAN}">李娟</a>' in page
    assert f'data-assistant-id="{WANG_FANG}">王芳</a>' in page
    assert f'<option value="{WANG_FANG}">王芳 · ZS-01 (0)</option>' in page
    assert '"labels": ["李娟", "王芳"]' in page
    case_page = (await console.get(f"/cases/{case_id}")).text
    assert re.search(rf'<dd id="case-assistant" data-assistant-id="{LI_JUAN}">李娟</dd>', case_page)
    assert f'<option value="{WANG_FANG}">王芳 · ZS-01</option>' in case_page
    assert f'<option value="{LI_JUAN}">' not in case_page, "the case's own assistant is no choice"
    assert f'<span title="{LI_JUAN}">李娟</span>' in case_page, "the timeline names the assistant"
    other = (await console.get(f"/caseload?assistant_id={WANG_FANG}")).text
    assert "协管员个案 · " in other and f'data-assistant-id="{WANG_FANG}">王芳</span>' in other


async def test_my_caseload_is_headed_with_my_name(
    console: httpx.AsyncClient, feed: Feed, tokens: StaffTokens
) -> None:
    case_id = await _named_case(feed)
    await feed.send(events.assistant_registered(ZHAO_MIN, "赵敏", community="RM-01"))
    token = tokens.token("labour_assistant", events.an_id(), assistant_id=LI_JUAN)
    console.cookies.set(SESSION_COOKIE, token)
    page = (await console.get("/caseload")).text
    assert f'我的个案 · <span id="caseload-assistant" data-assistant-id="{LI_JUAN}">李娟</span>' in page
    assert f"/cases/{case_id}" in page
    english = (await console.get("/caseload?lang=en")).text
    assert "My caseload · " in english and ">李娟</span>" in english
