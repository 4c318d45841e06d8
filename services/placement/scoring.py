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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

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
NO_SKILLS: Mapping[str, int] = MappingProxyType({})


def normalise(name: str) -> str:
    return " ".join(name.lower().split())


def parse_skill(skill: str) -> tuple[str, int]:
    """'cooking:advanced' → ('cooking', 3); a skill without a level is basic."""
    name, _, level = skill.partition(":")
    return normalise(name), SKILL_LEVELS.get(normalise(level), 1)


def level_word(level: int) -> str:
    return {1: "basic", 2: "intermediate", 3: "advanced", 4: "expert"}[level]


class Place(NamedTuple):
    community_code: str | None
    street_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class WorkerFacts(NamedTuple):
    """What matching knows of a worker (a tuple: ~11,000 are built per workers-for-a-vacancy)."""

    case_id: str
    place: Place
    hardship_flags: Collection[str] = ()
    skills: Mapping[str, int] = NO_SKILLS
    certificates: tuple[tuple[str, str | None], ...] = ()
    """(normalised name, occupation area or None)"""
    desired_occupations: Collection[str] = ()
    desired_forms: Collection[str] = ()


class VacancyFacts(NamedTuple):
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


def points(worker: WorkerFacts, vacancy: VacancyFacts) -> int:
    """The score alone: what ranking needs for every candidate (reasons are written for the best only)."""
    return (
        _occupation_points(worker, vacancy)
        + _form_points(worker, vacancy)
        + _skills_points(worker, vacancy)
        + _certificates_points(worker, vacancy)
        + _distance_points(worker.place, vacancy.place)
        + _priority_points(worker)
    )


def score(worker: WorkerFacts, vacancy: VacancyFacts) -> Match:
    """The score with every factor's points and reason."""
    factors = (
        _occupation(worker, vacancy),
        _form(worker, vacancy),
        _skills(worker, vacancy),
        _certificates(worker, vacancy),
        _distance(worker.place, vacancy.place),
        _priority(worker),
    )
    return Match(worker, vacancy, sum(f.points for f in factors), factors)


def best(pairs: Iterable[tuple[WorkerFacts, VacancyFacts]], limit: int, *, by_vacancy: bool) -> list[Match]:
    """The `limit` highest scores, explained; ties go to the smaller id (ids are time-ordered)."""

    def rank(pair: tuple[WorkerFacts, VacancyFacts]) -> tuple[int, str]:
        worker, vacancy = pair
        return -points(worker, vacancy), vacancy.vacancy_id if by_vacancy else worker.case_id

    return [score(worker, vacancy) for worker, vacancy in heapq.nsmallest(limit, pairs, key=rank)]


def _held_certificate_in(worker: WorkerFacts, area: str) -> str | None:
    for name, certificate_area in worker.certificates:
        if certificate_area == area:
            return name
    return None


def _occupation_points(worker: WorkerFacts, vacancy: VacancyFacts) -> int:
    if vacancy.occupation_area in worker.desired_occupations:
        return 25
    return 15 if _held_certificate_in(worker, vacancy.occupation_area) is not None else 0


def _occupation(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    area, earned = vacancy.occupation_area, _occupation_points(worker, vacancy)
    if earned == 25:
        reason = f"wants work in {area}"
    elif earned:
        reason = f"holds the {area} certificate '{_held_certificate_in(worker, area)}'"
    else:
        reason = f"has not asked for work in {area}"
    return Factor("occupation", earned, 25, reason)


def _form_points(worker: WorkerFacts, vacancy: VacancyFacts) -> int:
    if vacancy.employment_form in worker.desired_forms:
        return 15
    return 0 if worker.desired_forms else 8


def _form(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    earned = _form_points(worker, vacancy)
    if earned == 15:
        reason = f"wants {vacancy.employment_form} work"
    elif earned:
        reason = "stated no preferred employment form"
    else:
        reason = f"prefers {', '.join(sorted(worker.desired_forms))}"
    return Factor("employment_form", earned, 15, reason)


def _skills_points(worker: WorkerFacts, vacancy: VacancyFacts) -> int:
    required = vacancy.required_skills
    if not required:
        return 20
    held = sum(1 for name, level in required if worker.skills.get(name, 0) >= level)
    return 20 * held // len(required)


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
    return Factor("skills", _skills_points(worker, vacancy), 20, reason)


def _certificates_held(worker: WorkerFacts, vacancy: VacancyFacts) -> list[str]:
    """Required certificates the worker holds: one of theirs is named so, or contains the name."""
    return [
        wanted
        for wanted in vacancy.required_certificates
        if any(wanted in name for name, _area in worker.certificates)
    ]


def _certificates_points(worker: WorkerFacts, vacancy: VacancyFacts) -> int:
    required = vacancy.required_certificates
    if not required:
        return 20 if _held_certificate_in(worker, vacancy.occupation_area) is not None else 10
    if not worker.certificates:
        return 0
    return 20 * len(_certificates_held(worker, vacancy)) // len(required)


def _certificates(worker: WorkerFacts, vacancy: VacancyFacts) -> Factor:
    required, earned = vacancy.required_certificates, _certificates_points(worker, vacancy)
    if not required:
        certificate = _held_certificate_in(worker, vacancy.occupation_area)
        reason = f"none required; holds '{certificate}'" if certificate is not None else "none required"
        return Factor("certificates", earned, 20, reason)
    held = _certificates_held(worker, vacancy)
    missing = [wanted for wanted in required if wanted not in held]
    reason = f"holds {len(held)} of {len(required)} required certificates"
    if held:
        reason += f": {', '.join(held)}"
    if missing:
        reason += f"; missing {', '.join(missing)}"
    return Factor("certificates", earned, 20, reason)


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance when both places have coordinates."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _distance_points(worker: Place, vacancy: Place) -> int:
    km = distance_km(worker, vacancy)
    if km is not None:
        return round(DISTANCE_POINTS * max(0.0, 1 - km / DISTANCE_ZERO_KM))
    if worker.community_code is None or vacancy.community_code is None:
        return 0
    if worker.community_code == vacancy.community_code:
        return DISTANCE_POINTS
    if worker.street_code is not None and worker.street_code == vacancy.street_code:
        return SAME_STREET_POINTS
    return 0


def _distance(worker: Place, vacancy: Place) -> Factor:
    km = distance_km(worker, vacancy)
    if km is not None:
        reason = f"{km:.1f} km away"
    elif worker.community_code is None or vacancy.community_code is None:
        reason = "community not known"
    elif worker.community_code == vacancy.community_code:
        reason = "same community"
    elif worker.street_code is not None and worker.street_code == vacancy.street_code:
        reason = "same street, another community"
    else:
        reason = "another street"
    return Factor("distance", _distance_points(worker, vacancy), DISTANCE_POINTS, reason)


def _priority_points(worker: WorkerFacts) -> int:
    if not worker.hardship_flags:
        return 0
    return min(MAX_PRIORITY, sum(PRIORITY_POINTS.get(flag, 0) for flag in worker.hardship_flags))


def _priority(worker: WorkerFacts) -> Factor:
    flags = sorted(flag for flag in worker.hardship_flags if flag in PRIORITY_POINTS)
    earned = _priority_points(worker)
    if not flags:
        return Factor("priority", earned, MAX_PRIORITY, "no hardship flags")
    words = ", ".join(PRIORITY_WORDS[flag] for flag in flags)
    return Factor("priority", earned, MAX_PRIORITY, f"priority: {words}")
