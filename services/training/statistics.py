"""Training statistics: classes held, person-times trained, completion rate and cost to the fund, by provider,
course or month of conclusion."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import case, func, select

from services.training.collaborators import Training
from services.training.domain import ClassStatus, EnrolmentStatus
from services.training.models import Course, Enrolment, Provider, TrainingClass
from services.training.schemas import StatisticsGrouping, StatisticsOut, StatisticsQuery, StatisticsRow


@dataclass
class _Tally:
    label: str
    classes_held: int = 0
    person_times: int = 0
    completed: int = 0
    cost_yuan: int = 0

    def add(self, *, person_times: int, completed: int, cost_per_trainee: int) -> None:
        self.classes_held += 1
        self.person_times += person_times
        self.completed += completed
        self.cost_yuan += person_times * cost_per_trainee

    def row(self, key: str) -> StatisticsRow:
        rate = round(self.completed / self.person_times, 4) if self.person_times else 0.0
        return StatisticsRow(
            key=key,
            label=self.label,
            classes_held=self.classes_held,
            person_times=self.person_times,
            completed=self.completed,
            completion_rate=rate,
            cost_yuan=self.cost_yuan,
        )


async def training_statistics(*, training: Training, query: StatisticsQuery) -> StatisticsOut:
    """Counts concluded classes only; a person-time is one worker who stayed to the end of one class."""
    completed = func.sum(case((Enrolment.status == EnrolmentStatus.COMPLETED.value, 1), else_=0))
    finished = func.sum(
        case(
            (Enrolment.status.in_([EnrolmentStatus.COMPLETED.value, EnrolmentStatus.FAILED.value]), 1),
            else_=0,
        )
    )
    statement = (
        select(
            TrainingClass.class_id,
            TrainingClass.concluded_at,
            Provider.provider_id,
            Provider.name,
            Course.course_id,
            Course.title,
            Course.cost_per_trainee_yuan,
            func.coalesce(finished, 0),
            func.coalesce(completed, 0),
        )
        .join(Provider, Provider.provider_id == TrainingClass.provider_id)
        .join(Course, Course.course_id == TrainingClass.course_id)
        .outerjoin(Enrolment, Enrolment.class_id == TrainingClass.class_id)
        .where(TrainingClass.status == ClassStatus.CONCLUDED.value)
        .group_by(
            TrainingClass.class_id,
            TrainingClass.concluded_at,
            Provider.provider_id,
            Provider.name,
            Course.course_id,
            Course.title,
            Course.cost_per_trainee_yuan,
        )
    )
    if query.concluded_from is not None:
        statement = statement.where(
            TrainingClass.concluded_at >= datetime.combine(query.concluded_from, time(), UTC)
        )
    if query.concluded_to is not None:
        statement = statement.where(
            TrainingClass.concluded_at < datetime.combine(query.concluded_to + timedelta(days=1), time(), UTC)
        )
    groups: dict[str, _Tally] = {}
    totals = _Tally(label="all")
    async with training.sessions() as session:
        rows = (await session.execute(statement)).all()
    for _class_id, concluded_at, provider_id, provider, course_id, title, cost, people, done in rows:
        assert concluded_at is not None
        key, label = {
            StatisticsGrouping.PROVIDER: (provider_id, provider),
            StatisticsGrouping.COURSE: (course_id, title),
            StatisticsGrouping.MONTH: (f"{concluded_at:%Y-%m}", f"{concluded_at:%Y-%m}"),
        }[query.group_by]
        tally = groups.setdefault(key, _Tally(label=label))
        for counted in (tally, totals):
            counted.add(person_times=int(people), completed=int(done), cost_per_trainee=cost)
    return StatisticsOut(
        group_by=query.group_by,
        concluded_from=query.concluded_from,
        concluded_to=query.concluded_to,
        totals=totals.row("all"),
        rows=[tally.row(key) for key, tally in sorted(groups.items(), key=lambda item: item[1].label)],
    )
