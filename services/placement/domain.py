"""Pure placement rules: transition tables, and the refusal of discriminatory vacancy requirements. No I/O."""

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum


class EmployerStatus(StrEnum):
    REGISTERED = "registered"
    VERIFIED = "verified"
    SUSPENDED = "suspended"


class EmployerAction(StrEnum):
    VERIFY = "verify"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


EMPLOYER_TRANSITIONS: dict[tuple[EmployerStatus, EmployerAction], EmployerStatus] = {
    (EmployerStatus.REGISTERED, EmployerAction.VERIFY): EmployerStatus.VERIFIED,
    (EmployerStatus.VERIFIED, EmployerAction.SUSPEND): EmployerStatus.SUSPENDED,
    (EmployerStatus.SUSPENDED, EmployerAction.REINSTATE): EmployerStatus.VERIFIED,
}
"""Only a verified employer posts vacancies and answers referrals."""


class VacancyStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


class VacancyAction(StrEnum):
    FILL_LAST_OPENING = "fill_last_opening"
    CLOSE = "close"


VACANCY_TRANSITIONS: dict[tuple[VacancyStatus, VacancyAction], VacancyStatus] = {
    (VacancyStatus.OPEN, VacancyAction.FILL_LAST_OPENING): VacancyStatus.FILLED,
    (VacancyStatus.OPEN, VacancyAction.CLOSE): VacancyStatus.CLOSED,
}
"""A vacancy takes referrals while open; it is filled when its last opening is hired, or closed by hand."""


class ReferralStatus(StrEnum):
    REFERRED = "referred"
    INTERVIEW = "interview"
    OFFERED = "offered"
    REJECTED = "rejected"
    HIRED = "hired"


class ReferralAction(StrEnum):
    INVITE_TO_INTERVIEW = "invite_to_interview"
    OFFER = "offer"
    REJECT = "reject"
    HIRE = "hire"


_ANSWERABLE = (ReferralStatus.REFERRED, ReferralStatus.INTERVIEW)
REFERRAL_TRANSITIONS: dict[tuple[ReferralStatus, ReferralAction], ReferralStatus] = {
    (ReferralStatus.REFERRED, ReferralAction.INVITE_TO_INTERVIEW): ReferralStatus.INTERVIEW,
    **{(status, ReferralAction.OFFER): ReferralStatus.OFFERED for status in _ANSWERABLE},
    **{
        (status, ReferralAction.REJECT): ReferralStatus.REJECTED
        for status in (*_ANSWERABLE, ReferralStatus.OFFERED)
    },
    (ReferralStatus.OFFERED, ReferralAction.HIRE): ReferralStatus.HIRED,
}
"""The employer answers (an interview, an offer or a rejection); an offer becomes a hire."""


class HireStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class HireAction(StrEnum):
    END = "end"


HIRE_TRANSITIONS: dict[tuple[HireStatus, HireAction], HireStatus] = {
    (HireStatus.ACTIVE, HireAction.END): HireStatus.ENDED,
}


class BusinessStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    CLOSED = "closed"


class BusinessAction(StrEnum):
    START = "start"
    CLOSE = "close"


BUSINESS_TRANSITIONS: dict[tuple[BusinessStatus, BusinessAction], BusinessStatus] = {
    (BusinessStatus.PLANNED, BusinessAction.START): BusinessStatus.STARTED,
    (BusinessStatus.STARTED, BusinessAction.CLOSE): BusinessStatus.CLOSED,
}


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TaskAction(StrEnum):
    COMPLETE = "complete"
    CANCEL = "cancel"


TASK_TRANSITIONS: dict[tuple[TaskStatus, TaskAction], TaskStatus] = {
    (TaskStatus.OPEN, TaskAction.COMPLETE): TaskStatus.COMPLETED,
    (TaskStatus.OPEN, TaskAction.CANCEL): TaskStatus.CANCELLED,
}


class ProtectedGround(StrEnum):
    """What a vacancy may not select on (employment-promotion law: equal employment)."""

    AGE = "age"
    SEX = "sex"
    ETHNICITY = "ethnicity"
    MARITAL_STATUS = "marital_status"
    HOUSEHOLD_REGISTRATION = "household_registration"
    HEALTH_STATUS = "health_status"


NO_DISCRIMINATORY_FILTERS = "no_discriminatory_filters"

PROTECTED_FIELD_NAMES: dict[ProtectedGround, tuple[str, ...]] = {
    ProtectedGround.AGE: ("age", "birth"),
    ProtectedGround.SEX: ("sex", "gender"),
    ProtectedGround.ETHNICITY: ("ethnic", "race"),
    ProtectedGround.MARITAL_STATUS: ("marital", "married", "marriage"),
    ProtectedGround.HOUSEHOLD_REGISTRATION: ("hukou", "household", "residence"),
    ProtectedGround.HEALTH_STATUS: ("health", "hepatitis", "hiv", "pregnan"),
}
"""A request field with a word starting so (`max_age`, `gender`, `hukou_city`) is a filter on that ground."""

PROTECTED_WORDS: dict[ProtectedGround, re.Pattern[str]] = {
    ProtectedGround.AGE: re.compile(
        r"\bages?\b|\baged\s+\d|\byears? old\b|\b(?:under|over|below|above)\s+\d{2}\s*(?:years|yrs)\b"
        r"|年龄|岁以[下上内]|\d+\s*[-~至到]\s*\d+\s*岁|周岁",
        re.IGNORECASE,
    ),
    ProtectedGround.SEX: re.compile(
        r"\b(?:fe)?males?\b|\b(?:wo)?men only\b|\bgender\b|\bsex\b"
        r"|限男|限女|男性|女性|仅招男|仅招女|男士优先|女士优先",
        re.IGNORECASE,
    ),
    ProtectedGround.ETHNICITY: re.compile(r"\bethnic\w*|\brace\b|民族|汉族", re.IGNORECASE),
    ProtectedGround.MARITAL_STATUS: re.compile(
        r"\bmarri\w*|\bmarital\b|\bunmarried\b|已婚|未婚|已育|未育|婚育", re.IGNORECASE
    ),
    ProtectedGround.HOUSEHOLD_REGISTRATION: re.compile(
        r"\bhukou\b|household registration|local residents? only|户口|户籍|本地人", re.IGNORECASE
    ),
    ProtectedGround.HEALTH_STATUS: re.compile(
        r"\bhepatitis\b|\bhiv\b|\baids\b|\bhealth status\b|\bpregnan\w*|乙肝|艾滋|身体健康|无病史|怀孕|未孕",
        re.IGNORECASE,
    ),
}
"""Words in a vacancy's free text that select candidates on a protected ground."""


def discriminatory_requirements(
    *, field_names: Iterable[str], texts: Mapping[str, str | list[str]]
) -> list[dict[str, str]]:
    """Every field or text that filters candidates on a protected ground, naming the field (`description`,
    `required_skills.1`) and the rule."""
    problems: list[dict[str, str]] = []
    for name in field_names:
        parts = re.split(r"[^a-z]+", name.lower())
        for ground, words in PROTECTED_FIELD_NAMES.items():
            if any(part.startswith(word) for part in parts for word in words):
                problems.append(_problem(name, ground, f"a '{name}' requirement"))
                break
    for field, value in texts.items():
        located = (
            [(field, value)] if isinstance(value, str) else [(f"{field}.{i}", v) for i, v in enumerate(value)]
        )
        for where, text in located:
            for ground, pattern in PROTECTED_WORDS.items():
                found = pattern.search(text)
                if found is not None:
                    problems.append(_problem(where, ground, repr(found.group(0))))
    return problems


def _problem(field: str, ground: ProtectedGround, what: str) -> dict[str, str]:
    return {
        "field": field,
        "reason": f"{NO_DISCRIMINATORY_FILTERS}: {what} selects candidates by {ground.value}",
        "type": NO_DISCRIMINATORY_FILTERS,
    }
