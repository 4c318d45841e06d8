"""The demo district, drawn deterministically from a seed: no I/O, the same seed gives the same district.

Each worker carries a `Fate`: how far their journey goes in the demo and how it ends. The fates are mixed
so that every stage of the journey, every track of the plan and the usual outcomes are on the dashboard.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from services.intake.resident_id import check_character
from tools.demo import names

AREAS = (*(course[2] for course in names.COURSES), "cleaning", "retail", "manufacturing")
"""Occupation areas the workers want and the vacancies offer."""


class Fate(StrEnum):
    REGISTERED = "registered"
    """Registered only: stays in assessment."""
    GUIDED = "guided"
    """Profile and guidance, no plan approved yet: guidance_and_plan."""
    TRAINING_FAILED = "training_failed"
    """Trained but failed the assessment: back to guidance_and_plan."""
    TRAINED_AND_HIRED = "trained_and_hired"
    HIRED = "hired"
    """Hired with a labour contract and social insurance: heads for stable employment."""
    FLEXIBLE = "flexible"
    """Hourly, part-time or seasonal work without a labour contract."""
    JOB_ENDED = "job_ended"
    """Hired, then the job ends: back to job search."""
    QUIT = "quit"
    """Hired, but no longer working at the second follow-up."""
    BUSINESS = "business"
    """Starts a licensed business."""
    WELFARE_POST = "welfare_post"
    """A public-welfare post, for those hardest to place."""
    SEARCHING = "searching"
    """Referred, interviewed or turned down, still searching."""
    EXITED = "exited"
    """Leaves the programme (moved away, retired)."""


FATE_WEIGHTS = {
    Fate.REGISTERED: 8,
    Fate.GUIDED: 9,
    Fate.TRAINING_FAILED: 5,
    Fate.TRAINED_AND_HIRED: 20,
    Fate.HIRED: 16,
    Fate.FLEXIBLE: 10,
    Fate.JOB_ENDED: 6,
    Fate.QUIT: 4,
    Fate.BUSINESS: 6,
    Fate.WELFARE_POST: 5,
    Fate.SEARCHING: 8,
    Fate.EXITED: 3,
}
TRACKS = {
    Fate.TRAINING_FAILED: "training",
    Fate.TRAINED_AND_HIRED: "training",
    Fate.BUSINESS: "entrepreneurship",
    Fate.WELFARE_POST: "public_welfare_post",
}
"""The plan's track by fate; job_search for every other fate that gets a plan."""
PLANLESS = frozenset({Fate.REGISTERED, Fate.GUIDED})
HIRED_FATES = frozenset({Fate.TRAINED_AND_HIRED, Fate.HIRED, Fate.FLEXIBLE, Fate.JOB_ENDED, Fate.QUIT})
COMPLAINT_SHARE = 0.06
"""Share of hired workers who file a complaint against their employer."""


@dataclass(frozen=True)
class Community:
    code: str
    street_code: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Assistant:
    username: str
    name: str
    community: Community
    capacity: int


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str
    address: str
    teacher: str
    phone: str


@dataclass(frozen=True)
class Vacancy:
    title: str
    occupation_area: str
    employment_form: str
    openings: int
    monthly_wage_yuan: int


@dataclass(frozen=True)
class Employer:
    name: str
    kind: str
    registration_number: int
    community: Community
    vacancies: tuple[Vacancy, ...]


@dataclass(frozen=True)
class Worker:
    index: int
    full_name: str
    sex: str
    birth_date: date
    mobile: str
    community: Community
    layoff_date: date
    layoff_reason: str
    household: tuple[int, int]
    """Members of working age, and how many of them are employed."""
    disability: bool
    long_term_unemployed: bool
    education: str
    skills: tuple[str, ...]
    occupation_area: str
    employment_forms: tuple[str, ...]
    fate: Fate
    complains: bool

    def resident_id(self, run: int) -> str:
        """A valid resident ID number, unique per worker and run (area code from the run and index)."""
        area = 210202 + 1000 * run + self.index // 500
        sequence = (self.index % 500) * 2 + (1 if self.sex == "male" else 0)
        first = f"{area}{self.birth_date:%Y%m%d}{sequence:03d}"
        return first + check_character(first)

    @property
    def track(self) -> str | None:
        return None if self.fate in PLANLESS else TRACKS.get(self.fate, "job_search")


@dataclass(frozen=True)
class District:
    streets: tuple[tuple[str, str], ...]
    communities: tuple[Community, ...]
    assistants: tuple[Assistant, ...]
    providers: tuple[Provider, ...]
    employers: tuple[Employer, ...]
    workers: tuple[Worker, ...] = field(repr=False)


def draw(
    *, seed: int, workers: int, assistants: int, providers: int, employers: int, today: date
) -> District:
    """The district: every street, communities spread over them, and the people, all from `seed`."""
    rng = random.Random(seed)
    communities = _communities(rng)
    staff = tuple(_assistant(rng, number, communities) for number in range(assistants))
    served = sorted({assistant.community for assistant in staff}, key=lambda c: c.code) or list(communities)
    openings = max(3, -(-workers * 3 // (4 * max(1, employers * 2))))
    return District(
        streets=names.STREETS,
        communities=communities,
        assistants=staff,
        providers=tuple(_provider(rng, number) for number in range(providers)),
        employers=tuple(_employer(rng, number, communities, openings) for number in range(employers)),
        workers=tuple(_worker(rng, index, served, today) for index in range(workers)),
    )


def _communities(rng: random.Random) -> tuple[Community, ...]:
    per_street = len(names.COMMUNITIES) // len(names.STREETS)
    found = []
    for number, name in enumerate(names.COMMUNITIES):
        street_code, _ = names.STREETS[number // per_street]
        latitude, longitude = names.CENTRE
        found.append(
            Community(
                code=f"{street_code}-{number % per_street + 1:02d}",
                street_code=street_code,
                name=f"{name}社区",
                latitude=round(latitude + rng.uniform(-0.03, 0.03), 5),
                longitude=round(longitude + rng.uniform(-0.04, 0.04), 5),
            )
        )
    return tuple(found)


def _person_name(rng: random.Random, sex: str) -> str:
    given = names.GIVEN_FEMALE if sex == "female" else names.GIVEN_MALE
    return rng.choice(names.SURNAMES) + rng.choice(given)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _assistant(rng: random.Random, number: int, communities: tuple[Community, ...]) -> Assistant:
    return Assistant(
        username=f"demo-assistant-{number + 1:03d}",
        name=_person_name(rng, rng.choice(("female", "female", "male"))),
        community=communities[number % len(communities)],
        capacity=rng.choice((40, 50, 60)),
    )


def _provider(rng: random.Random, number: int) -> Provider:
    name, kind, address = names.PROVIDERS[number % len(names.PROVIDERS)]
    branch = "" if number < len(names.PROVIDERS) else f"第{number // len(names.PROVIDERS) + 1}分校"
    return Provider(
        name=name + branch,
        kind=kind,
        address=address,
        teacher=names.TEACHERS[number % len(names.TEACHERS)],
        phone=f"0411-{rng.randrange(10**7, 10**8)}",
    )


def _employer(rng: random.Random, number: int, communities: tuple[Community, ...], openings: int) -> Employer:
    name = names.EMPLOYER_NAMES[number % len(names.EMPLOYER_NAMES)]
    if number >= len(names.EMPLOYER_NAMES):
        name = f"{name}{number // len(names.EMPLOYER_NAMES) + 1}号分店"
    base = names.EMPLOYER_NAMES[number % len(names.EMPLOYER_NAMES)]
    public = base in names.PUBLIC_INSTITUTIONS
    kind = (
        "public_institution"
        if public
        else "individual_business"
        if base in names.INDIVIDUAL_BUSINESSES
        else "enterprise"
    )
    vacancies = []
    for slot in range(2):
        area = AREAS[(number * 2 + slot) % len(AREAS)]
        form = "public_welfare_post" if public and slot == 0 else rng.choice(_FORMS)
        vacancies.append(
            Vacancy(
                title=names.VACANCY_TITLES[area],
                occupation_area=area,
                employment_form=form,
                openings=openings,
                monthly_wage_yuan=rng.randrange(2600, 5200, 100),
            )
        )
    return Employer(
        name=name,
        kind=kind,
        registration_number=number,
        community=rng.choice(communities),
        vacancies=tuple(vacancies),
    )


_FORMS = ("full_time", "full_time", "full_time", "hourly", "part_time", "seasonal")
_EDUCATION = ("primary", "junior_secondary", "junior_secondary", "senior_secondary", "vocational", "college")
_REASONS = ("restructuring", "restructuring", "bankruptcy", "contract_ended", "other")


def _worker(rng: random.Random, index: int, communities: list[Community], today: date) -> Worker:
    sex = rng.choice(("female", "female", "male"))
    layoff_date = today - timedelta(days=rng.randrange(3, 240))
    age = rng.choice((rng.randrange(24, 40), rng.randrange(40, 50), rng.randrange(45, 58)))
    birth_date = layoff_date - timedelta(days=age * 365 + rng.randrange(365))
    members = rng.choice((2, 2, 3, 3, 4))
    zero_employment = rng.random() < 0.15
    employed = 0 if zero_employment else rng.randint(1, members - 1)
    area = rng.choice(AREAS)
    fate = rng.choices(list(FATE_WEIGHTS), weights=list(FATE_WEIGHTS.values()))[0]
    forms = ("full_time",) if fate is not Fate.FLEXIBLE else ("hourly", "part_time")
    return Worker(
        index=index,
        full_name=_person_name(rng, sex),
        sex=sex,
        birth_date=birth_date,
        mobile=_mobile(rng),
        community=rng.choice(communities),
        layoff_date=layoff_date,
        layoff_reason=rng.choice(_REASONS),
        household=(members, employed),
        disability=rng.random() < 0.05,
        long_term_unemployed=rng.random() < 0.1,
        education=rng.choice(_EDUCATION),
        skills=tuple(rng.sample(AREAS, 2)),
        occupation_area=area,
        employment_forms=forms,
        fate=fate,
        complains=fate in HIRED_FATES and rng.random() < COMPLAINT_SHARE,
    )
