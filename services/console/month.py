"""A month's figures for the district's report: what happened in the month, per street and community, from
the timeline; where the caseload stands now; and the year's targets so far."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.complaints import ComplaintClosed, ComplaintOpened
from contracts.events.intake import WorkerRegistered
from contracts.events.placement import BusinessStarted
from contracts.events.training import TrainingCompleted
from contracts.journey import JourneyStage
from services.console.models import CaseView, CommunityStreet, TimelineEntry
from services.console.queries import STAGE_ORDER, TargetLine, target_assessment


class Measure(StrEnum):
    """What the report counts in a month, each from one event type on the timeline."""

    REGISTERED = "registered"
    TRAINED = "trained"
    BUSINESSES_STARTED = "businesses_started"
    COMPLAINTS_OPENED = "complaints_opened"
    COMPLAINTS_CLOSED = "complaints_closed"


EVENT_OF_MEASURE: dict[Measure, str] = {
    Measure.REGISTERED: WorkerRegistered.event_type,
    Measure.TRAINED: TrainingCompleted.event_type,
    Measure.BUSINESSES_STARTED: BusinessStarted.event_type,
    Measure.COMPLAINTS_OPENED: ComplaintOpened.event_type,
    Measure.COMPLAINTS_CLOSED: ComplaintClosed.event_type,
}
MEASURE_OF_EVENT = {event_type: measure for measure, event_type in EVENT_OF_MEASURE.items()}
NO_STREET = ""
"""The street of communities the leading group has not yet placed in one."""


def _zero() -> dict[Measure, int]:
    return dict.fromkeys(Measure, 0)


@dataclass
class AreaFigures:
    code: str
    counts: dict[Measure, int] = field(default_factory=_zero)

    def add(self, measure: Measure, count: int) -> None:
        self.counts[measure] += count


@dataclass
class StreetFigures(AreaFigures):
    communities: list[AreaFigures] = field(default_factory=list)


@dataclass(frozen=True)
class MonthFigures:
    month: date
    """The month's first day."""
    district: dict[Measure, int]
    streets: list[StreetFigures]
    open_cases_by_stage: list[tuple[str, int]]
    targets: list[TargetLine]

    @property
    def open_cases(self) -> int:
        return sum(count for _, count in self.open_cases_by_stage)


def month_before(today: date) -> date:
    """The first day of the month before today's: the one a monthly report is usually printed for."""
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    following = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, following


async def month_figures(session: AsyncSession, *, month: date) -> MonthFigures:
    start, following = month_bounds(month)
    happened = await session.execute(
        select(CaseView.community_code, CommunityStreet.street_code, TimelineEntry.event_type, func.count())
        .select_from(TimelineEntry)
        .join(CaseView, CaseView.case_id == TimelineEntry.case_id)
        .outerjoin(CommunityStreet, CommunityStreet.community_code == CaseView.community_code)
        .where(
            TimelineEntry.occurred_at >= start,
            TimelineEntry.occurred_at < following,
            TimelineEntry.event_type.in_(MEASURE_OF_EVENT),
        )
        .group_by(CaseView.community_code, CommunityStreet.street_code, TimelineEntry.event_type)
    )
    district = _zero()
    streets: dict[str, StreetFigures] = {}
    communities: dict[str, AreaFigures] = {}
    for community_code, street_code, event_type, count in happened.all():
        measure, count = MEASURE_OF_EVENT[event_type], int(count)
        street = streets.setdefault(street_code or NO_STREET, StreetFigures(street_code or NO_STREET))
        community = communities.get(community_code or "")
        if community is None:
            community = communities[community_code or ""] = AreaFigures(community_code or "")
            street.communities.append(community)
        district[measure] += count
        street.add(measure, count)
        community.add(measure, count)
    for street in streets.values():
        street.communities.sort(key=lambda area: area.code)
    return MonthFigures(
        month=month.replace(day=1),
        district=district,
        streets=sorted(streets.values(), key=lambda street: (street.code == NO_STREET, street.code)),
        open_cases_by_stage=await _open_cases_by_stage(session),
        targets=await target_assessment(session, year=month.year),
    )


async def _open_cases_by_stage(session: AsyncSession) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(CaseView.stage, func.count()).where(CaseView.status == "open").group_by(CaseView.stage)
    )
    counts: dict[str, int] = {}
    for stage, count in rows.all():
        name = stage or JourneyStage.ASSESSMENT.value
        counts[name] = counts.get(name, 0) + int(count)
    return sorted(counts.items(), key=lambda item: STAGE_ORDER.get(item[0], len(STAGE_ORDER)))
