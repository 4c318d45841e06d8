"""The console's rules: who sees which page, what is masked for whom, when a notice is newer, progress."""

from datetime import date
from enum import StrEnum


class Role(StrEnum):
    LABOUR_ASSISTANT = "labour_assistant"
    SUPERVISOR = "supervisor"
    RIGHTS_OFFICER = "rights_officer"
    LEADING_GROUP = "leading_group"
    ADMIN = "admin"


class Page(StrEnum):
    CASELOAD = "caseload"
    CASE = "case"
    SUPERVISOR = "supervisor"
    TARGETS = "targets"
    OUTCOMES = "outcomes"
    UPLOADS = "uploads"


PAGES_OF_ROLE: dict[Role, tuple[Page, ...]] = {
    Role.LABOUR_ASSISTANT: (Page.CASELOAD, Page.CASE, Page.UPLOADS),
    Role.SUPERVISOR: (Page.SUPERVISOR, Page.CASELOAD, Page.CASE, Page.TARGETS, Page.OUTCOMES, Page.UPLOADS),
    Role.RIGHTS_OFFICER: (Page.CASE,),
    Role.LEADING_GROUP: (Page.TARGETS, Page.OUTCOMES),
    Role.ADMIN: (),
}
"""The pages each role may open; the first is its home page."""

SETS_TARGETS = frozenset({Role.LEADING_GROUP})
RECORDS_FOLLOW_UPS = frozenset({Role.LABOUR_ASSISTANT, Role.SUPERVISOR})
REASSIGNS_CASES = frozenset({Role.SUPERVISOR})
UPLOADS_ROSTERS = frozenset({Role.SUPERVISOR})


def role_of(claim: str | None) -> Role | None:
    try:
        return Role(claim) if claim else None
    except ValueError:
        return None


def may_open(role: Role, page: Page) -> bool:
    return page in PAGES_OF_ROLE[role]


def home_page(role: Role) -> Page | None:
    pages = PAGES_OF_ROLE[role]
    return pages[0] if pages else None


def may_see_case(role: Role, assistant_id: str, case_assistant_id: str | None) -> bool:
    """An assistant opens only the cases they carry; supervisors and rights officers open any."""
    if role is Role.LABOUR_ASSISTANT:
        return case_assistant_id == assistant_id
    return may_open(role, Page.CASE)


PERSONAL_FIELDS = frozenset(
    {"monthly_wage_yuan", "monthly_earnings_yuan", "earnings_yuan", "licence_reference"}
)
"""Event fields about the worker's money and papers: shown to the case's assistant and supervisors only."""

SEES_PERSONAL_DATA = frozenset({Role.LABOUR_ASSISTANT, Role.SUPERVISOR})
MASK = "***"


def mask_event_data(role: Role, data: dict[str, object]) -> dict[str, object]:
    """The event fields a role may read on the timeline; the others are masked, not dropped."""
    if role in SEES_PERSONAL_DATA:
        return data
    return {name: (MASK if name in PERSONAL_FIELDS else value) for name, value in data.items()}


def short_id(identifier: str) -> str:
    """The part of an id people can tell apart: the tail (a UUIDv7's head is its timestamp)."""
    return identifier[-8:]


def assistant_label(assistant_id: str, name: str | None) -> str:
    """How pages name a labour assistant: by name, or by their id's tail until intake's registration of
    them has reached the console."""
    return name or f"…{short_id(assistant_id)}"


def mask_case_id(role: Role, case_id: str) -> str:
    """Aggregate readers (the leading group) see a short case reference, never the full id."""
    return case_id if role is not Role.LEADING_GROUP else f"…{short_id(case_id)}"


def is_newer_stage(current_sequence: int, incoming_sequence: int) -> bool:
    """The journey numbers its stage changes; one arriving late after a newer one changes nothing."""
    return incoming_sequence > current_sequence


def is_overdue(*, status: str, due_on: date, today: date, noticed: bool) -> bool:
    return status == "open" and (noticed or due_on < today)


class Indicator(StrEnum):
    """What the leading group sets yearly targets on (目标考核)."""

    REEMPLOYED = "reemployed"
    TRAINED = "trained"
    PLACED_4050 = "placed_4050"
    BUSINESSES_STARTED = "businesses_started"
    COMPLAINTS_RESOLVED = "complaints_resolved"


class AreaKind(StrEnum):
    STREET = "street"
    COMMUNITY = "community"


def progress(actual: int, target: int) -> float:
    """Actual against target, 0..1 (a target of 0 is met)."""
    if target <= 0:
        return 1.0
    return min(actual / target, 1.0)


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
