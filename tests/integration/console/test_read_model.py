"""The read model on SQLite and PostgreSQL: each event once, out-of-order arrivals, targets, a rebuild."""

import asyncio
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.events.journey import OutcomeIndicator
from contracts.journey import JourneyStage
from services.common.db import create_engine, session_factory
from services.console import queries
from services.console.consumers import build_handler
from services.console.domain import AreaKind, Indicator
from services.console.models import AchievementTally, AssistantLoad, CaseView
from services.console.records import set_community_street, set_target
from services.console.schemas import CommunityStreetIn, TargetIn
from tests.infrastructure import migrated_database
from tests.integration.console import events
from tests.integration.console.conftest import MIGRATIONS, TODAY, Feed
from tests.sql_statements import statements_sent

ASSISTANT = "a0000000-0000-4000-8000-000000000001"
OTHER_ASSISTANT = "a0000000-0000-4000-8000-000000000002"


async def test_each_event_is_applied_once(feed: Feed, sessions: async_sessionmaker[AsyncSession]) -> None:
    case_id = events.an_id()
    envelope = await feed.send(events.registered(case_id))
    assert await feed.handle(envelope) == "duplicate"
    await feed.send(events.hired(case_id))
    async with sessions() as session:
        page = await queries.case_page(session, case_id=case_id, today=TODAY)
    assert page is not None
    assert [entry.event_type for entry in page.timeline] == [
        "intake.worker_registered.v1",
        "placement.hired.v1",
    ]


async def test_a_first_registration_is_one_insert_of_its_case_and_an_assignment_counts_on_the_load(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = events.an_id()
    with statements_sent() as sent:
        await feed.send(events.registered(case_id, "HP-01", aged_4050=True))
    assert [statement.split(" (")[0] for statement in sent if "case_views" in statement] == [
        "INSERT INTO case_views"
    ], "\n".join(sent)
    await feed.send(events.assigned(case_id, ASSISTANT, "HP-01"))
    await feed.send(events.assigned(events.an_id(), ASSISTANT, "HP-01"))

    async with sessions() as session:
        case = await session.get(CaseView, case_id)
        load = await session.get(AssistantLoad, ASSISTANT)
    assert case is not None and load is not None
    assert (case.community_code, case.assistant_id, case.aged_4050, case.status) == (
        "HP-01",
        ASSISTANT,
        True,
        "open",
    )
    assert load.open_cases == 2


async def test_a_late_stage_change_does_not_move_the_case_back(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = events.an_id()
    await feed.send(events.stage(case_id, JourneyStage.PLACED, sequence=3))
    await feed.send(events.stage(case_id, JourneyStage.TRAINING, sequence=2))
    await feed.send(events.registered(case_id))
    async with sessions() as session:
        case = await session.get(CaseView, case_id)
    assert case is not None
    assert (case.stage, case.stage_sequence, case.community_code) == ("placed", 3, "ZS-01")


async def test_caseload_shows_follow_ups_due_today_and_overdue(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = events.an_id()
    await feed.send(events.registered(case_id))
    await feed.send(events.assigned(case_id, ASSISTANT))
    await feed.send(events.follow_up_created(case_id, "today", TODAY, 1))
    await feed.send(events.follow_up_created(case_id, "late", TODAY - timedelta(days=3), 2))
    await feed.send(events.follow_up_created(case_id, "done", TODAY - timedelta(days=9), 3))
    await feed.send(events.follow_up_completed(case_id, "done"))
    async with sessions() as session:
        mine = await queries.caseload(session, assistant_id=ASSISTANT, today=TODAY)
        theirs = await queries.caseload(session, assistant_id=OTHER_ASSISTANT, today=TODAY)
        overview = await queries.supervisor_overview(session, today=TODAY)
    assert [row.task_key for row in mine.due_today] == ["today"]
    assert [row.task_key for row in mine.overdue] == ["late"]
    assert [row.task_key for row in mine.open_tasks] == ["late", "today"]
    assert mine.by_stage == [("assessment", 1)]
    assert theirs.open_tasks == [] and theirs.cases == []
    assert [row.task_key for row in overview.overdue] == ["late"]
    assert [(load.assistant_id, load.open_cases) for load in overview.loads] == [(ASSISTANT, 1)]


async def test_a_review_stays_on_the_caseload_until_the_stage_changes_after_it(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = events.an_id()
    await feed.send(events.registered(case_id))
    await feed.send(events.assigned(case_id, ASSISTANT))
    await feed.send(events.stage_at(case_id, JourneyStage.JOB_SEARCH, 2, events.MOMENT))
    await feed.send(events.review_due(case_id, events.MOMENT + timedelta(days=90)))
    async with sessions() as session:
        reviews = (await queries.caseload(session, assistant_id=ASSISTANT, today=TODAY)).reviews
    assert [(review.kind, review.detail) for review in reviews] == [("job_search_stalled", "90 days")]
    await feed.send(events.stage_at(case_id, JourneyStage.PLACED, 3, events.MOMENT + timedelta(days=91)))
    async with sessions() as session:
        assert (await queries.caseload(session, assistant_id=ASSISTANT, today=TODAY)).reviews == []


async def test_the_journeys_overdue_notice_marks_a_task_overdue_before_its_date(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id = events.an_id()
    await feed.send(events.follow_up_overdue(case_id, "noticed", TODAY + timedelta(days=1)))
    await feed.send(events.registered(case_id))
    async with sessions() as session:
        overview = await queries.supervisor_overview(session, today=TODAY)
    assert [(row.task_key, row.overdue) for row in overview.overdue] == [("noticed", True)]


async def test_complaints_open_escalate_and_close(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    case_id, complaint_id = events.an_id(), events.an_id()
    await feed.send(events.registered(case_id))
    await feed.send(events.complaint_opened(case_id, complaint_id))
    await feed.send(events.complaint_escalated(case_id, complaint_id))
    async with sessions() as session:
        overview = await queries.supervisor_overview(session, today=TODAY)
        case = await session.get(CaseView, case_id)
    assert [breach.complaint_id for breach in overview.breaches] == [complaint_id]
    assert case is not None and case.open_complaints == 1
    await feed.send(events.complaint_closed(case_id, complaint_id))
    async with sessions() as session:
        overview = await queries.supervisor_overview(session, today=TODAY)
        case = await session.get(CaseView, case_id)
    assert overview.breaches == []
    assert case is not None and case.open_complaints == 0


async def _assessment(sessions: async_sessionmaker[AsyncSession]) -> dict[tuple[str, str], tuple[int, int]]:
    """Every line of the year: the top level, and street ZS with its communities."""
    async with sessions() as session:
        lines = await queries.target_assessment(session, year=2026)
        lines += await queries.target_assessment(session, year=2026, street="ZS")
    return {(line.area_code, line.indicator): (line.actual, line.target) for line in lines}


async def test_a_hire_counts_as_re_employment_once_a_follow_up_finds_the_worker_working(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await set_target(
        sessions,
        target=TargetIn(
            year=2026,
            area_kind=AreaKind.COMMUNITY,
            area_code="ZS-01",
            indicator=Indicator.REEMPLOYED,
            target=2,
        ),
        set_by="leader",
    )
    case_id = events.an_id()
    await feed.send(events.registered(case_id))
    await feed.send(events.hired(case_id))
    assert await _assessment(sessions) == {("ZS-01", "reemployed"): (0, 2)}
    await feed.send(events.follow_up_completed(case_id, "k-1"))
    assert await _assessment(sessions) == {("ZS-01", "reemployed"): (1, 2)}


async def test_targets_count_each_achievement_in_its_community_and_street(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for indicator in Indicator:
        for area, kind in (("ZS-01", AreaKind.COMMUNITY), ("ZS", AreaKind.STREET)):
            target = TargetIn(year=2026, area_kind=kind, area_code=area, indicator=indicator, target=4)
            await set_target(sessions, target=target, set_by="leader")
    await set_community_street(sessions, mapping=CommunityStreetIn(community_code="ZS-01", street_code="ZS"))
    await set_community_street(sessions, mapping=CommunityStreetIn(community_code="ZS-02", street_code="ZS"))
    first, second, elsewhere = events.an_id(), events.an_id(), events.an_id()
    await feed.send(events.hired(first))
    await feed.send(events.follow_up_completed(first, "first-1"))
    await feed.send(events.follow_up_completed(first, "first-2"))
    await feed.send(events.registered(first, "ZS-01", aged_4050=True))
    await feed.send(events.registered(second, "ZS-02"))
    await feed.send(events.trained(second))
    await feed.send(events.business_started(second))
    await feed.send(events.registered(elsewhere, "XY-01"))
    await feed.send(events.follow_up_completed(elsewhere, "elsewhere-1"))
    complaint_id = events.an_id()
    await feed.send(events.complaint_opened(first, complaint_id))
    await feed.send(events.complaint_closed(first, complaint_id))
    async with sessions() as session:
        top = await queries.target_assessment(session, year=2026)
    assert {line.area_code for line in top} == {"ZS"}
    assessment = await _assessment(sessions)
    assert assessment[("ZS-01", "reemployed")] == (1, 4)
    assert assessment[("ZS-01", "placed_4050")] == (1, 4)
    assert assessment[("ZS-01", "complaints_resolved")] == (1, 4)
    assert assessment[("ZS-01", "trained")] == (0, 4)
    assert assessment[("ZS", "reemployed")] == (2, 4)
    assert assessment[("ZS", "trained")] == (1, 4)
    assert assessment[("ZS", "businesses_started")] == (1, 4)
    assert assessment[("ZS", "placed_4050")] == (1, 4)


async def test_leaders_setting_one_target_at_once_both_succeed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    targets = [
        TargetIn(
            year=2026, area_kind=AreaKind.STREET, area_code="ZS", indicator=Indicator.TRAINED, target=value
        )
        for value in range(10, 18)
    ]
    await asyncio.gather(*(set_target(sessions, target=target, set_by="leader") for target in targets))
    async with sessions() as session:
        lines = await queries.target_assessment(session, year=2026)
    assert len(lines) == 1 and lines[0].target in range(10, 18)


async def test_outcomes_per_exit_quarter(feed: Feed, sessions: async_sessionmaker[AsyncSession]) -> None:
    cases = [events.an_id() for _ in range(3)]
    for index, case_id in enumerate(cases):
        await feed.send(
            events.outcome(case_id, OutcomeIndicator.EMPLOYED_Q2_AFTER_EXIT, "2026Q1", employed=index < 2)
        )
        await feed.send(
            events.outcome(
                case_id, OutcomeIndicator.EARNINGS_Q2_AFTER_EXIT, "2026Q1", earnings_yuan=9000 + index
            )
        )
    await feed.send(events.outcome(cases[0], OutcomeIndicator.CREDENTIAL_ATTAINED, "2026Q2", credential=True))
    async with sessions() as session:
        quarters = await queries.outcomes(session)
    assert [(q.exit_quarter, q.measured) for q in quarters] == [("2026Q1", 3), ("2026Q2", 1)]
    assert quarters[0].employed_q2 is not None and round(quarters[0].employed_q2, 3) == 0.667
    assert quarters[0].median_earnings_yuan == 9001
    assert quarters[1].credential_rate == 1.0


async def test_a_rebuild_from_the_same_events_gives_the_same_pages(
    feed: Feed, sessions: async_sessionmaker[AsyncSession], console_database_url: str, tmp_path: Path
) -> None:
    """Drop the read model, consume everything again from the beginning: the pages come out the same."""
    case_id = events.an_id()
    await feed.send(events.follow_up_created(case_id, "done", date(2026, 10, 1)))
    await feed.send(events.follow_up_completed(case_id, "done"))
    await feed.send(events.registered(case_id, aged_4050=True))
    await feed.send(events.assigned(case_id, ASSISTANT))
    await feed.send(events.follow_up_created(case_id, "k", date(2026, 11, 1)))
    await feed.send(events.stage(case_id, JourneyStage.FOLLOW_UP, sequence=4))
    await feed.send(events.stage(case_id, JourneyStage.PLACED, sequence=3))
    await set_target(
        sessions,
        target=TargetIn(
            year=2026,
            area_kind=AreaKind.COMMUNITY,
            area_code="ZS-01",
            indicator=Indicator.PLACED_4050,
            target=2,
        ),
        set_by="leader",
    )
    assert {await feed.handle(envelope) for envelope in feed.sent} == {"duplicate"}
    kind = "sqlite" if console_database_url.startswith("sqlite") else "postgres"
    async with migrated_database(kind, tmp_path, MIGRATIONS) as rebuilt_url:
        engine = create_engine(rebuilt_url)
        rebuilt = session_factory(engine)
        replay = build_handler(rebuilt)
        assert {await replay(envelope) for envelope in feed.sent} == {"applied"}
        await set_target(
            rebuilt,
            target=TargetIn(
                year=2026,
                area_kind=AreaKind.COMMUNITY,
                area_code="ZS-01",
                indicator=Indicator.PLACED_4050,
                target=2,
            ),
            set_by="leader",
        )
        for built in (sessions, rebuilt):
            async with built() as session:
                caseload = await queries.caseload(session, assistant_id=ASSISTANT, today=TODAY)
                case = await session.get(CaseView, case_id)
            assert [row.task_key for row in caseload.overdue] == ["k"]
            assert case is not None and case.stage == "follow_up"
            assert await _assessment(built) == {("ZS-01", "placed_4050"): (1, 2)}
        await engine.dispose()


async def test_counters_add_up_when_many_cases_are_applied_at_once(
    feed: Feed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Different cases are applied concurrently (as the consumer loop does); the counters stay exact."""
    cases = [events.an_id() for _ in range(24)]

    async def story(case_id: str, closes: bool) -> None:
        await feed.send(events.follow_up_completed(case_id, f"{case_id}-1"))
        await feed.send(events.registered(case_id, aged_4050=True))
        await feed.send(events.assigned(case_id, ASSISTANT))
        if closes:
            await feed.send(events.case_closed(case_id))

    await asyncio.gather(*(story(case_id, index % 4 == 0) for index, case_id in enumerate(cases)))
    async with sessions() as session:
        load = await session.get(AssistantLoad, ASSISTANT)
        overview = await queries.supervisor_overview(session, today=TODAY)
        tallies = {
            (tally.community_code, tally.indicator): tally.achieved
            for tally in await session.scalars(select(AchievementTally).where(AchievementTally.year == 2026))
        }
    assert load is not None and load.open_cases == 18
    assert [(line.assistant_id, line.open_cases) for line in overview.loads] == [(ASSISTANT, 18)]
    assert tallies == {("ZS-01", "reemployed"): 24, ("ZS-01", "placed_4050"): 24, ("", "reemployed"): 0}
