"""Benefits' view of which community each case belongs to, from intake's events in any order, on SQLite and
PostgreSQL: each event is one upsert, and an older change never replaces a newer one."""

from datetime import UTC, date, datetime, timedelta

from contracts.envelope import Envelope
from contracts.events.intake import AssignmentReason, CaseAssigned, LayoffReason, WorkerRegistered
from services.benefits.communities import community_of
from services.benefits.consumers import build_handler
from services.common.db import create_engine, session_factory
from tests.integration.benefits.conftest import new_case
from tests.sql_statements import statements_sent

MORNING = datetime(2026, 12, 1, 9, tzinfo=UTC)


def registered(case_id: str, community: str, at: datetime) -> Envelope:
    event = WorkerRegistered(
        case_id=case_id,
        community_code=community,
        layoff_date=date(2026, 11, 1),
        layoff_reason=LayoffReason.RESTRUCTURING,
        registered_at=at,
    )
    return event.envelope(correlation_id="test")


def assigned(case_id: str, community: str, at: datetime) -> Envelope:
    event = CaseAssigned(
        case_id=case_id,
        assistant_id=f"assistant-{community}",
        community_code=community,
        reason=AssignmentReason.REASSIGNED,
        assigned_at=at,
    )
    return event.envelope(correlation_id="test")


async def test_the_newest_change_wins_whatever_order_the_events_arrive_in(benefits_database_url):
    engine = create_engine(benefits_database_url)
    sessions = session_factory(engine)
    handler = build_handler(sessions)
    in_order, assigned_first, newer_first = new_case(), new_case(), new_case()
    later = MORNING + timedelta(hours=2)
    try:
        with statements_sent() as sent:
            assert await handler(registered(in_order, "HP-01", MORNING)) == "applied"
        assert len([statement for statement in sent if "case_communities" in statement]) == 1
        assert await handler(assigned(in_order, "HP-02", later)) == "applied"

        assert await handler(assigned(assigned_first, "HP-02", later)) == "applied"
        assert await handler(registered(assigned_first, "HP-01", MORNING)) == "applied"

        assert await handler(registered(newer_first, "HP-01", MORNING)) == "applied"
        assert await handler(assigned(newer_first, "HP-03", later)) == "applied"
        assert await handler(assigned(newer_first, "HP-02", later - timedelta(hours=1))) == "applied"

        async with sessions() as session:
            cases = (in_order, assigned_first, newer_first)
            communities = [await community_of(session, case) for case in cases]
            assert communities == ["HP-02", "HP-02", "HP-03"]
            assert await community_of(session, new_case()) is None
    finally:
        await engine.dispose()
