"""Ranking courses for a worker: the gap between their skills profile and what open vacancies ask for.

Pure rules, no I/O. A course scores the openings in its occupation area, plus the openings that ask for a
skill it teaches or the certificate it awards which the worker lacks, plus a bonus when the worker wants to
work in that area. A course whose certificate the worker already holds is not recommended. Every score
comes with the reasons that make it up.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

DESIRED_AREA_BONUS = 10


def skill_name(skill: str) -> str:
    """`"cooking:advanced"` (the profile event's form) or `"Cooking"` → `"cooking"`."""
    return skill.split(":", 1)[0].strip().lower()


@dataclass(frozen=True)
class WorkerProfile:
    skills: frozenset[str]
    certificates: frozenset[str]
    desired_occupations: tuple[str, ...]

    @classmethod
    def of(
        cls, *, skills: Iterable[str], certificates: Iterable[str], desired_occupations: Iterable[str]
    ) -> "WorkerProfile":
        return cls(
            skills=frozenset(skill_name(skill) for skill in skills),
            certificates=frozenset(name.strip() for name in certificates),
            desired_occupations=tuple(wish.strip().lower() for wish in desired_occupations),
        )

    def wants(self, occupation_area: str) -> bool:
        area = occupation_area.lower()
        return any(area in wish or wish in area for wish in self.desired_occupations if wish)


@dataclass
class AreaDemand:
    """Open vacancies of one occupation area, weighted by their openings."""

    vacancies: int = 0
    openings: int = 0
    skills: Counter[str] = field(default_factory=Counter)
    certificates: Counter[str] = field(default_factory=Counter)

    def add_vacancy(self, *, openings: int, skills: Iterable[str], certificates: Iterable[str]) -> None:
        self.vacancies += 1
        self.openings += openings
        for skill in {skill_name(skill) for skill in skills}:
            self.skills[skill] += openings
        for certificate in {name.strip() for name in certificates}:
            self.certificates[certificate] += openings


@dataclass(frozen=True)
class CourseOffer:
    course_id: str
    title: str
    occupation_area: str
    certificate_name: str
    skills_taught: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class Recommendation:
    course: CourseOffer
    score: int
    reasons: tuple[Reason, ...]


def assess(course: CourseOffer, worker: WorkerProfile, demand: AreaDemand) -> Recommendation:
    """The course's score for this worker, and why."""
    area = course.occupation_area
    if course.certificate_name in worker.certificates:
        reason = Reason("already_certified", f"the worker already holds {course.certificate_name}")
        return Recommendation(course, 0, (reason,))
    reasons: list[Reason] = []
    score = demand.openings
    if demand.openings:
        reasons.append(
            Reason(
                "vacancy_demand",
                f"{demand.vacancies} open vacancies with {demand.openings} openings in {area}",
            )
        )
    else:
        reasons.append(Reason("no_demand", f"no open vacancy in {area} now"))
    missing = sorted(
        (skill for skill in {skill_name(s) for s in course.skills_taught} if skill not in worker.skills),
        key=lambda skill: (-demand.skills[skill], skill),
    )
    asked = [skill for skill in missing if demand.skills[skill]]
    if asked:
        score += sum(demand.skills[skill] for skill in asked)
        listed = ", ".join(f"{skill} ({demand.skills[skill]} openings)" for skill in asked)
        reasons.append(
            Reason("skill_gap", f"teaches skills employers ask for that the worker lacks: {listed}")
        )
    wanted_certificate = demand.certificates[course.certificate_name]
    if wanted_certificate:
        score += wanted_certificate
        reasons.append(
            Reason(
                "certificate_gap",
                f"awards {course.certificate_name}, asked for by {wanted_certificate} openings",
            )
        )
    if worker.wants(area):
        score += DESIRED_AREA_BONUS
        reasons.append(Reason("desired_occupation", f"the worker wants to work in {area}"))
    return Recommendation(course, score, tuple(reasons))


def rank(
    courses: Iterable[CourseOffer], worker: WorkerProfile, demand: dict[str, AreaDemand]
) -> list[Recommendation]:
    """Courses worth recommending (score above zero), best first; ties by title."""
    assessed = [
        assess(course, worker, demand.get(course.occupation_area, AreaDemand())) for course in courses
    ]
    return sorted(
        (recommendation for recommendation in assessed if recommendation.score > 0),
        key=lambda recommendation: (-recommendation.score, recommendation.course.title),
    )
