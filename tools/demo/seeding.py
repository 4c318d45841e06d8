"""The district's fixed parts through the APIs: network, staff, assistants, providers, courses, employers.

What was seeded is kept in the demo's state file beside the stack's `endpoints.json`, so a second run reuses
it and only registers new workers; the employers post their vacancies again on every run (`post_vacancies`),
each with its own client's token (`tools.demo.employer_access`).
Streets, communities and staff users are skipped when they exist.
"""

import asyncio
from datetime import date, timedelta

from pydantic import BaseModel

from tools.demo.api import Api, Refused
from tools.demo.district import District, Employer, Provider
from tools.demo.employer_access import EmployerTokens
from tools.demo.names import COURSES
from tools.demo.progress import Progress

SUPERVISOR = "demo-supervisor"
STAFF_PASSWORD = "reemploy-district-2026"
"""The demo staff's password (development only; it does not contain any demo username)."""


class SeededVacancy(BaseModel):
    vacancy_id: str
    occupation_area: str
    employment_form: str
    openings: int
    monthly_wage_yuan: int


class SeededEmployer(BaseModel):
    employer_id: str
    name: str
    kind: str
    vacancies: list[SeededVacancy] = []
    """This run's vacancies (not kept between runs)."""


class Seeded(BaseModel):
    """The ids the services gave the district's fixed parts."""

    assistants: dict[str, str]
    """Intake's assistant id by community code (the first assistant of each community)."""
    assistant_logins: dict[str, str] = {}
    """Intake's assistant id by the assistant's staff username (their staff login carries it)."""
    providers: list[str]
    courses: dict[str, str]
    """Course id by occupation area."""
    employers: list[SeededEmployer]


class Admin(BaseModel):
    username: str
    password: str


async def seed(api: Api, district: District, *, admin: Admin, token: str, progress: Progress) -> Seeded:
    """Create everything the workers' journeys need; `token` makes the registration references fresh."""
    await network(api, district)
    progress.note("network: {} streets, {} communities", len(district.streets), len(district.communities))
    assistants: dict[str, str] = {}
    logins: dict[str, str] = {}
    for assistant in district.assistants:
        body = {
            "name": assistant.name,
            "community_code": assistant.community.code,
            "capacity": assistant.capacity,
        }
        created = await api.call("POST", "intake", "/assistants", json=body)
        assistants.setdefault(assistant.community.code, created["assistant_id"])
        logins[assistant.username] = created["assistant_id"]
    await staff(api, district, admin, logins)
    progress.note("staff: {} labour assistants and the supervisor {}", len(district.assistants), SUPERVISOR)
    providers = list(await asyncio.gather(*(provider(api, given) for given in district.providers)))
    courses = await catalogue(api)
    progress.note("training: {} providers, {} courses", len(providers), len(courses))
    employers = list(await asyncio.gather(*(employer(api, given, token) for given in district.employers)))
    progress.note("placement: {} employers", len(employers))
    return Seeded(
        assistants=assistants,
        assistant_logins=logins,
        providers=providers,
        courses=courses,
        employers=employers,
    )


async def still_there(api: Api, seeded: Seeded) -> bool:
    """Whether seeded data is still in the running stack (it is not when `var/` was cleaned)."""
    try:
        await api.call("GET", "training", f"/providers/{seeded.providers[0]}")
        await api.call("GET", "placement", f"/employers/{seeded.employers[0].employer_id}")
    except (Refused, IndexError):
        return False
    return True


async def network(api: Api, district: District) -> None:
    for code, name in district.streets:
        await api.call(
            "POST", "intake", "/streets", json={"street_code": code, "name": name}, expect=(201, 409)
        )
    for community in district.communities:
        body = {
            "community_code": community.code,
            "street_code": community.street_code,
            "name": community.name,
        }
        await api.call("POST", "intake", "/communities", json=body, expect=(201, 409))
        located = {
            "street_code": community.street_code,
            "name": community.name,
            "latitude": community.latitude,
            "longitude": community.longitude,
        }
        await api.call("PUT", "placement", f"/communities/{community.code}", json=located)


async def admin_token(api: Api, admin: Admin) -> str:
    """A token of identity's administrator (`identity:admin`)."""
    login = {"grant_type": "password", "username": admin.username, "password": admin.password}
    token: str = (await api.call("POST", "identity", "/oauth2/token", data=login))["access_token"]
    return token


async def staff(api: Api, district: District, admin: Admin, assistant_ids: dict[str, str]) -> None:
    """The demo supervisor and a staff user per labour assistant, naming their assistant in intake (by
    staff username in `assistant_ids`) so their tokens say whose caseload is theirs. Users that exist are
    kept; an assistant's login that exists is pointed at the assistant seeded now."""
    token = await admin_token(api, admin)
    supervisor = {"username": SUPERVISOR, "display_name": "张主任", "role": "supervisor"}
    await _register(api, token, supervisor)
    await asyncio.gather(
        *(
            _register(
                api,
                token,
                {
                    "username": assistant.username,
                    "display_name": assistant.name,
                    "role": "labour_assistant",
                    "community_code": assistant.community.code,
                    "street_code": assistant.community.street_code,
                    "assistant_id": assistant_ids[assistant.username],
                },
            )
            for assistant in district.assistants
        )
    )


async def _register(api: Api, token: str, person: dict[str, str]) -> None:
    answer = await api.call(
        "POST",
        "identity",
        "/admin/staff",
        json=person | {"password": STAFF_PASSWORD},
        token=token,
        expect=(201, 409),
    )
    if answer.get("error") == "username_taken" and "assistant_id" in person:
        path = f"/admin/staff/{person['username']}/assistant"
        await api.call("PUT", "identity", path, json={"assistant_id": person["assistant_id"]}, token=token)


async def provider(api: Api, given: Provider) -> str:
    body = {
        "name": given.name,
        "kind": given.kind,
        "address": given.address,
        "contacts": [{"name": given.teacher, "role": "培训主管", "phone": given.phone}],
    }
    provider_id: str = (await api.call("POST", "training", "/providers", json=body))["provider_id"]
    accreditation = {"action": "accredit", "valid_until": (date.today() + timedelta(days=730)).isoformat()}
    await api.call("POST", "training", f"/providers/{provider_id}/accreditation", json=accreditation)
    return provider_id


async def catalogue(api: Api) -> dict[str, str]:
    """Every demo course by occupation area; a course whose code is taken already is looked up."""
    by_area = {}
    for code, title, area, hours, certificate, cost, skills in COURSES:
        body = {
            "code": code,
            "title": title,
            "occupation_area": area,
            "hours": hours,
            "certificate_name": certificate,
            "cost_per_trainee_yuan": cost,
            "skills_taught": list(skills),
        }
        try:
            by_area[area] = (await api.call("POST", "training", "/courses", json=body))["course_id"]
        except Refused as refused:
            if refused.error != "course_code_taken":
                raise
            listed = await api.call("GET", "training", "/courses")
            by_area[area] = next(course["course_id"] for course in listed if course["code"] == code)
    return by_area


async def employer(api: Api, given: Employer, token: str) -> SeededEmployer:
    body = {
        "name": given.name,
        "kind": given.kind,
        "registration_reference": f"91210202{token}{given.registration_number:05d}",
        "community_code": given.community.code,
    }
    employer_id: str = (await api.call("POST", "placement", "/employers", json=body))["employer_id"]
    await api.call("POST", "placement", f"/employers/{employer_id}/verification")
    return SeededEmployer(employer_id=employer_id, name=given.name, kind=given.kind)


async def post_vacancies(
    api: Api, district: District, employers: list[SeededEmployer], tokens: EmployerTokens
) -> list[SeededEmployer]:
    """Every employer's vacancies of this run (the district's and the seeded employers match by order)."""
    posted = await asyncio.gather(
        *(
            _vacancies(api, given, seeded, tokens)
            for given, seeded in zip(district.employers, employers, strict=False)
        )
    )
    return [
        seeded.model_copy(update={"vacancies": vacancies})
        for seeded, vacancies in zip(employers, posted, strict=False)
    ]


async def _vacancies(
    api: Api, given: Employer, seeded: SeededEmployer, tokens: EmployerTokens
) -> list[SeededVacancy]:
    vacancies = []
    for vacancy in given.vacancies:
        offered = {
            "title": vacancy.title,
            "occupation_area": vacancy.occupation_area,
            "employment_form": vacancy.employment_form,
            "openings": vacancy.openings,
            "community_code": given.community.code,
            "monthly_wage_yuan": vacancy.monthly_wage_yuan,
        }
        path = f"/employers/{seeded.employer_id}/vacancies"
        token = await tokens.token(seeded.employer_id)
        created = await api.call("POST", "placement", path, json=offered, token=token)
        vacancies.append(
            SeededVacancy(
                vacancy_id=created["vacancy_id"],
                occupation_area=vacancy.occupation_area,
                employment_form=vacancy.employment_form,
                openings=vacancy.openings,
                monthly_wage_yuan=vacancy.monthly_wage_yuan,
            )
        )
    return vacancies
