"""How well a worker fits a vacancy, as points per factor, each with the reason a person can read. No I/O.

- occupation, 25: the worker asked for this occupation area (15 if they only hold a certificate in it);
- employment form, 15: the worker asked for this form (8 when they stated no preference);
- skills, 20: share of the required skills held at the required level (20 when none are required);
- certificates, 20: share of the required certificates held (none required: 20 with a certificate in the
  vacancy's area, else 10);
- distance, 15: when both communities have coordinates, 15 at 0 km down to 0 at 15 km; otherwise same
  community 15, same street 8, elsewhere 0;
- priority, 15 at most: aged "4050" 10, zero-employment family 10, disability 5, long-term unemployed 5.
"""

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SKILL_LEVELS: Mapping[str, int] = {
    "basic": 1,
    "elementary": 1,
    "junior": 1,
    "intermediate": 2,
    "advanced": 3,
    "senior": 3,
    "expert": 4,
}
PRIORITY_POINTS: Mapping[str, int] = {
    "aged_4050": 10,
    "zero_employment_family": 10,
    "disability": 5,
    "long_term_unemployed": 5,
}
PRIORITY_WORDS: Mapping[str, str] = {
    "aged_4050": 'aged "4050"',
    "zero_employment_family": "zero-employment family",
    "disability": "disability",
    "long_term_unemployed": "long-term unemployed",
}
MAX_PRIORITY = 15
DISTANCE_POINTS = 15
DISTANCE_ZERO_KM = 15.0
SAME_STREET_POINTS = 8


def normalise(name: str) -> str:
    return " ".join(name.lower().split())


def parse_skill(skill: str) -> tuple[str, int]:
    """'cooking:advanced' → ('cooking', 3); a skill without a level is basic."""
    name, _, level = skill.partition(":")
    return normalise(name), SKILL_LEVELS.get(normalise(level), 1)


def level_word(level: int) -> str:
    return {1: "basic", 2: "intermediate", 3: "advanced", 4: "expert"}[level]


@dataclass(frozen=True)
class Place:
    community_code: str | None
    street_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class WorkerFacts:
    case_id: str
    place: Place
    hardship_flags: frozenset[str] = frozenset()
    skills: Mapping[str, int] = field(default_factory=dict)
    certificates: tuple[tuple[str, str | None], ...] = ()
    """(normalised name, occupation area or None)"""
    desired_occupations: frozenset[str] = frozenset()
    desired_forms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VacancyFacts:
    vacancy_id: str
    occupation_area: str
    employment_form: str
    place: Place
    required_skills: tuple[tuple[str, int], ...] = ()
    required_certificates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factor:
    factor: str
    points: int
    max_points: int
    reason: str


@dataclass(frozen=True)
class Match:
    worker: WorkerFacts
    vacancy: VacancyFacts
    score: int
    factors: tuple[Factor, ...]


def score(worker: WorkerFacts, vacancy: VacancyFacts) -> Match:
    factors = (
        _occupation(worker, vacancy),
        _form(worker, vacancy),
        _skills(worker, vacancy),
        _certificates(worker, vacancy),
        _distance(worker.place, vacancy.place),
        _priority(worker),
    )
    return Match(worker, vacancy, sum(f.points for f in factors), factors)


def best(matches: Iterable[Match], limit: int, *, by_vacancy: bool) -> list[Match]:
    """The `limit` highest scores; ties go to the smaller id (ids are time-ordered: the earlier one)."""
    if by_vacancy:
        return heapq.nsmallest(limit, matches, key=lambda match: (-match.score, match.vacancy.vacancy_id))
    return heapq.nsmallest(limit, matches, key=lambda match: (-match.score, match.worker.case_id))


def _held_certificate_in(worker: WorkerFacts, area: str) -> str | None:
    return next((name for name, cert_area in worker.certificates if cert_area == area), None)


def _occupation(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    area = vacancy.occupation_area
    if area in worker.desired_occupations:
        return Factor("occupation", 25, 25, f"wants work in {area}")
    certificate = _held_certificate_in(worker, area)
    if certificate is not None:
        return Factor("occupation", 15, 25, f"holds the {area} certificate '{certificate}'")
    return Factor("occupation", 0, 25, f"has not asked for work in {area}")


def _form(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    form = vacancy.employment_form
    if form in worker.desired_forms:
        return Factor("employment_form", 15, 15, f"wants {form} work")
    if not worker.desired_forms:
        return Factor("employment_form", 8, 15, "stated no preferred employment form")
    return Factor("employment_form", 0, 15, f"prefers {', '.join(sorted(worker.desired_forms))}")


def _skills(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    required = vacancy.required_skills
    if not required:
        return Factor("skills", 20, 20, "no skills required")
    held, missing = [], []
    for name, level in required:
        has = worker.skills.get(name)
        if has is not None and has >= level:
            held.append(name)
        elif has is not None:
            missing.append(f"{name} (needs {level_word(level)}, has {level_word(has)})")
        else:
            missing.append(name)
    reason = f"has {len(held)} of {len(required)} required skills"
    if held:
        reason += f": {', '.join(held)}"
    if missing:
        reason += f"; missing {', '.join(missing)}"
    return Factor("skills", 20 * len(held) // len(required), 20, reason)


def _certificates(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    required = vacancy.required_certificates
    if not required:
        certificate = _held_certificate_in(worker, vacancy.occupation_area)
        if certificate is not None:
            return Factor("certificates", 20, 20, f"none required; holds '{certificate}'")
        return Factor("certificates", 10, 20, "none required")
    names = [name for name, _area in worker.certificates]
    held = [wanted for wanted in required if any(wanted in name for name in names)]
    missing = [wanted for wanted in required if wanted not in held]
    reason = f"holds {len(held)} of {len(required)} required certificates"
    if held:
        reason += f": {', '.join(held)}"
    if missing:
        reason += f"; missing {', '.join(missing)}"
    return Factor("certificates", 20 * len(held) // len(required), 20, reason)


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance when both places have coordinates."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _distance(worker: Place, vacancy: Place) -> Factor:
    km = distance_km(worker, vacancy)
    if km is not None:
        points = round(DISTANCE_POINTS * max(0.0, 1 - km / DISTANCE_ZERO_KM))
        return Factor("distance", points, DISTANCE_POINTS, f"{km:.1f} km away")
    if worker.community_code is None or vacancy.community_code is None:
        return Factor("distance", 0, DISTANCE_POINTS, "community not known")
    if worker.community_code == vacancy.community_code:
        return Factor("distance", DISTANCE_POINTS, DISTANCE_POINTS, "same community")
    if worker.street_code is not None and worker.street_code == vacancy.street_code:
        return Factor("distance", SAME_STREET_POINTS, DISTANCE_POINTS, "same street, another community")
    return Factor("distance", 0, DISTANCE_POINTS, "another street")


def _priority(worker: WorkerFacts) -> Factor:
    flags = sorted(flag for flag in worker.hardship_flags if flag in PRIORITY_POINTS)
    if not flags:
        return Factor("priority", 0, MAX_PRIORITY, "no hardship flags")
    points = min(MAX_PRIORITY, sum(PRIORITY_POINTS[flag] for flag in flags))
    words = ", ".join(PRIORITY_WORDS[flag] for flag in flags)
    return Factor("priority", points, MAX_PRIORITY, f"priority: {words}")
