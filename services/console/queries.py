"""What each page reads from the read model."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.journey import JourneyStage
from services.console.assistants import Assistant, assistant, known_assistants
from services.console.domain import AreaKind, Indicator, progress, share
from services.console.models import (
    AchievementTally,
    AssistantLoad,
    CaseView,
    CommunityStreet,
    ComplaintView,
    FollowUpView,
    OutcomeView,
    ReviewView,
    Target,
    TimelineEntry,
)
from services.console.tallies import UNKNOWN_COMMUNITY

LIST_LIMIT = 200
STAGE_ORDER = {stage.value: position for position, stage in enumerate(JourneyStage)}


def _overdue(today: date) -> tuple[Any, Any]:
    """Open tasks past their date, and open tasks the journey noticed as overdue before it (each condition
    alone can use an index; together with OR it could not)."""
    is_open = FollowUpView.status == "open"
    return (
        and_(is_open, FollowUpView.due_on < today),
        and_(is_open, FollowUpView.overdue_noticed.is_(True), FollowUpView.due_on >= today),
    )


@dataclass(frozen=True)
class FollowUpRow:
    task_key: str
    case_id: str
    due_on: date
    sequence: int
    status: str
    overdue: bool
    escalated: bool
    assistant_id: str | None


def _follow_up_rows(rows: Any, today: date) -> list[FollowUpRow]:
    return [
        FollowUpRow(
            task_key=task.task_key,
            case_id=task.case_id,
            due_on=task.due_on,
            sequence=task.sequence,
            status=task.status,
            overdue=task.status == "open" and (task.overdue_noticed or task.due_on < today),
            escalated=task.escalated,
            assistant_id=assistant_id,
        )
        for task, assistant_id in rows
    ]


@dataclass(frozen=True)
class Caseload:
    assistant: Assistant
    by_stage: list[tuple[str, int]]
    due_today: list[FollowUpRow]
    overdue: list[FollowUpRow]
    open_tasks: list[FollowUpRow]
    reviews: list[ReviewView]
    cases: list[CaseView]


async def caseload(
    session: AsyncSession, *, assistant_id: str, today: date, limit: int | None = LIST_LIMIT
) -> Caseload:
    """The assistant's open cases and tasks, at most `limit` of each (None: all, for an export)."""
    mine = and_(CaseView.assistant_id == assistant_id, CaseView.status == "open")
    stages = await session.execute(select(CaseView.stage, func.count()).where(mine).group_by(CaseView.stage))
    by_stage: dict[str, int] = {}
    for stage, count in stages.all():
        name = stage or JourneyStage.ASSESSMENT.value
        by_stage[name] = by_stage.get(name, 0) + int(count)
    tasks = await session.execute(
        select(FollowUpView, CaseView.assistant_id)
        .join(CaseView, CaseView.case_id == FollowUpView.case_id)
        .where(CaseView.assistant_id == assistant_id, FollowUpView.status == "open")
        .order_by(FollowUpView.due_on)
        .limit(limit)
    )
    rows = _follow_up_rows(tasks.all(), today)
    cases = await session.scalars(
        select(CaseView).where(mine).order_by(CaseView.updated_at.desc()).limit(limit)
    )
    reviews = await session.scalars(
        select(ReviewView)
        .join(CaseView, CaseView.case_id == ReviewView.case_id)
        .where(mine, or_(CaseView.stage_changed_at.is_(None), ReviewView.due_at > CaseView.stage_changed_at))
        .order_by(ReviewView.due_at)
        .limit(LIST_LIMIT)
    )
    return Caseload(
        assistant=await assistant(session, assistant_id),
        by_stage=sorted(by_stage.items(), key=lambda item: STAGE_ORDER.get(item[0], len(STAGE_ORDER))),
        due_today=[row for row in rows if row.due_on == today],
        overdue=[row for row in rows if row.overdue],
        open_tasks=rows,
        reviews=list(reviews),
        cases=list(cases),
    )


@dataclass(frozen=True)
class CasePage:
    case: CaseView
    assistant: Assistant | None
    timeline: list[TimelineEntry]
    follow_ups: list[FollowUpRow]
    complaints: list[ComplaintView]
    outcomes: list[OutcomeView]


async def case_page(session: AsyncSession, *, case_id: str, today: date) -> CasePage | None:
    case_view = await session.get(CaseView, case_id)
    if case_view is None:
        return None
    timeline = await session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case_id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.seq)
    )
    tasks = await session.scalars(
        select(FollowUpView).where(FollowUpView.case_id == case_id).order_by(FollowUpView.due_on)
    )
    complaints = await session.scalars(select(ComplaintView).where(ComplaintView.case_id == case_id))
    outcomes = await session.scalars(select(OutcomeView).where(OutcomeView.case_id == case_id))
    return CasePage(
        case=case_view,
        assistant=None
        if case_view.assistant_id is None
        else await assistant(session, case_view.assistant_id),
        timeline=list(timeline),
        follow_ups=_follow_up_rows([(task, case_view.assistant_id) for task in tasks], today),
        complaints=list(complaints),
        outcomes=list(outcomes),
    )


@dataclass(frozen=True)
class AssistantBalance(Assistant):
    open_cases: int


@dataclass(frozen=True)
class Overview:
    loads: list[AssistantBalance]
    overdue: list[FollowUpRow]
    overdue_count: int
    breaches: list[ComplaintView]
    unassigned: int


async def supervisor_overview(session: AsyncSession, *, today: date) -> Overview:
    counts = await session.execute(select(AssistantLoad.assistant_id, AssistantLoad.open_cases))
    open_by_assistant = {assistant: int(count) for assistant, count in counts.all()}
    unassigned = await session.scalar(
        select(func.count())
        .select_from(CaseView)
        .where(CaseView.assistant_id.is_(None), CaseView.status == "open")
    )
    known = {seen.assistant_id: seen for seen in await known_assistants(session)}
    loads = []
    for assistant_id in open_by_assistant.keys() | known.keys():
        seen = known.get(assistant_id)
        loads.append(
            AssistantBalance(
                assistant_id=assistant_id,
                name=seen.name if seen else None,
                community_code=seen.community_code if seen else None,
                open_cases=open_by_assistant.get(assistant_id, 0),
            )
        )
    overdue_rows: list[Any] = []
    overdue_count = 0
    for condition in _overdue(today):
        found = await session.execute(
            select(FollowUpView, CaseView.assistant_id)
            .join(CaseView, CaseView.case_id == FollowUpView.case_id)
            .where(condition)
            .order_by(FollowUpView.due_on)
            .limit(LIST_LIMIT)
        )
        overdue_rows += found.all()
        overdue_count += int(
            await session.scalar(select(func.count()).select_from(FollowUpView).where(condition)) or 0
        )
    overdue_rows.sort(key=lambda row: row[0].due_on)
    breaches = await session.scalars(
        select(ComplaintView)
        .where(ComplaintView.escalation_level.is_not(None), ComplaintView.status != "closed")
        .order_by(ComplaintView.escalated_at)
        .limit(LIST_LIMIT)
    )
    return Overview(
        loads=sorted(loads, key=lambda load: (-load.open_cases, load.assistant_id)),
        overdue=_follow_up_rows(overdue_rows[:LIST_LIMIT], today),
        overdue_count=overdue_count,
        breaches=list(breaches),
        unassigned=int(unassigned or 0),
    )


@dataclass(frozen=True)
class TargetLine:
    area_kind: str
    area_code: str
    indicator: str
    target: int
    actual: int
    progress: float


async def target_assessment(
    session: AsyncSession, *, year: int, street: str | None = None
) -> list[TargetLine]:
    """The year's targets against what was achieved in the community, or in the street's communities.

    Without `street`: the streets' targets and those of communities in no street; with it: that street's
    targets and its communities' (the drill-down).
    """
    streets = dict(
        (await session.execute(select(CommunityStreet.community_code, CommunityStreet.street_code))).all()
    )
    by_community = await session.execute(
        select(AchievementTally.community_code, AchievementTally.indicator, AchievementTally.achieved).where(
            AchievementTally.year == year, AchievementTally.community_code != UNKNOWN_COMMUNITY
        )
    )
    actual: dict[tuple[str, str, str], int] = {}
    for community, indicator, count in by_community.all():
        actual[(AreaKind.COMMUNITY, community, indicator)] = int(count)
        if (street_of := streets.get(community)) is not None:
            key = (AreaKind.STREET.value, street_of, indicator)
            actual[key] = actual.get(key, 0) + int(count)
    query = select(Target.area_kind, Target.area_code, Target.indicator, Target.target).where(
        Target.year == year
    )
    if street is None:
        query = query.where(
            or_(
                Target.area_kind == AreaKind.STREET,
                Target.area_code.not_in(select(CommunityStreet.community_code)),
            )
        )
    else:
        query = query.where(
            or_(
                and_(Target.area_kind == AreaKind.STREET, Target.area_code == street),
                Target.area_code.in_(
                    select(CommunityStreet.community_code).where(CommunityStreet.street_code == street)
                ),
            )
        )
    rows = await session.execute(query.order_by(Target.area_kind.desc(), Target.area_code, Target.indicator))
    lines = []
    for kind, code, indicator, target in rows.all():
        achieved = actual.get((kind, code, indicator), 0)
        lines.append(
            TargetLine(
                area_kind=kind,
                area_code=code,
                indicator=indicator,
                target=target,
                actual=achieved,
                progress=progress(achieved, target),
            )
        )
    return lines


@dataclass(frozen=True)
class QuarterOutcomes:
    exit_quarter: str
    employed_q2: float | None
    employed_q4: float | None
    median_earnings_yuan: int | None
    credential_rate: float | None
    measured: int


EARNINGS = "earnings_q2_after_exit"


async def _median_earnings(session: AsyncSession, quarter: str) -> int | None:
    """The middle of the quarter's earnings, read from the index in order rather than loaded whole."""
    measured = and_(
        OutcomeView.indicator == EARNINGS,
        OutcomeView.exit_quarter == quarter,
        OutcomeView.earnings_yuan.is_not(None),
    )
    count = int(await session.scalar(select(func.count()).select_from(OutcomeView).where(measured)) or 0)
    if count == 0:
        return None
    middle = await session.scalars(
        select(OutcomeView.earnings_yuan)
        .where(measured)
        .order_by(OutcomeView.earnings_yuan)
        .offset((count - 1) // 2)
        .limit(2 - count % 2)
    )
    values = [value for value in middle if value is not None]
    return sum(values) // len(values)


async def outcomes(session: AsyncSession) -> list[QuarterOutcomes]:
    """Per exit quarter: employment in the 2nd and 4th quarter after exit, median earnings, credentials."""
    totals = await session.execute(
        select(
            OutcomeView.exit_quarter,
            OutcomeView.indicator,
            func.count(),
            func.sum(
                case((or_(OutcomeView.employed.is_(True), OutcomeView.credential.is_(True)), 1), else_=0)
            ),
        ).group_by(OutcomeView.exit_quarter, OutcomeView.indicator)
    )
    figures: dict[str, dict[str, tuple[int, int]]] = {}
    for quarter, indicator, count, positive in totals.all():
        figures.setdefault(quarter, {})[indicator] = (int(count), int(positive or 0))
    medians = {quarter: await _median_earnings(session, quarter) for quarter in figures}

    def rate(quarter: str, indicator: str) -> float | None:
        count, positive = figures[quarter].get(indicator, (0, 0))
        return share(positive, count)

    return [
        QuarterOutcomes(
            exit_quarter=quarter,
            employed_q2=rate(quarter, "employed_q2_after_exit"),
            employed_q4=rate(quarter, "employed_q4_after_exit"),
            median_earnings_yuan=medians[quarter],
            credential_rate=rate(quarter, "credential_attained"),
            measured=max(count for count, _ in figures[quarter].values()),
        )
        for quarter in sorted(figures)
    ]


async def timeline_since(
    session: AsyncSession, *, after_seq: int, assistant_id: str | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Entries newer than `after_seq`; for an assistant, only those of the cases they carry."""
    query = select(TimelineEntry).where(TimelineEntry.seq > after_seq)
    if assistant_id is not None:
        query = query.join(CaseView, CaseView.case_id == TimelineEntry.case_id).where(
            CaseView.assistant_id == assistant_id
        )
    return list(await session.scalars(query.order_by(TimelineEntry.seq).limit(limit)))


async def latest_seq(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(TimelineEntry.seq), 0))) or 0)


async def indicators_by_year(session: AsyncSession, *, years: int, this_year: int) -> dict[str, list[int]]:
    """Achievements per indicator for the last `years` years (the trend chart on the target page)."""
    rows = await session.execute(
        select(AchievementTally.year, AchievementTally.indicator, func.sum(AchievementTally.achieved))
        .where(AchievementTally.year > this_year - years, AchievementTally.year <= this_year)
        .group_by(AchievementTally.year, AchievementTally.indicator)
    )
    counts = {(int(year), indicator): int(count or 0) for year, indicator, count in rows.all()}
    return {
        indicator.value: [
            counts.get((year, indicator.value), 0) for year in range(this_year - years + 1, this_year + 1)
        ]
        for indicator in Indicator
    }
