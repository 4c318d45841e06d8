"""Pure intake rules: no I/O."""

import re
import unicodedata
from datetime import date
from enum import StrEnum

from services.intake.resident_id import Sex

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_name(name: str) -> str:
    """Trim and NFC-normalise a person's name; refuse control characters and empty names."""
    cleaned = unicodedata.normalize("NFC", name.strip())
    if not cleaned:
        raise ValueError("must not be blank")
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise ValueError("must not contain control characters")
    return cleaned


def check_mobile(mobile: str) -> str:
    if not MAINLAND_MOBILE.match(mobile):
        raise ValueError("must be a mainland mobile number: 11 digits starting with 13 to 19")
    return mobile


def check_layoff_date(layoff_date: date, today: date) -> date:
    if layoff_date > today:
        raise ValueError("must not be in the future")
    return layoff_date


MINIMUM_WORKING_AGE = 16
AGE_4050 = {Sex.FEMALE: 40, Sex.MALE: 50}


class HardshipFlag(StrEnum):
    AGED_4050 = "aged_4050"
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family"
    DISABILITY = "disability"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_layoff_age(birth_date: date, layoff_date: date) -> date:
    if age_on(birth_date, layoff_date) < MINIMUM_WORKING_AGE:
        raise ValueError(f"must be on or after the worker's {MINIMUM_WORKING_AGE}th birthday")
    return layoff_date


def is_aged_4050(sex: Sex, birth_date: date, layoff_date: date) -> bool:
    """ "4050": women aged 40 or more, men aged 50 or more, on the day they were laid off."""
    return age_on(birth_date, layoff_date) >= AGE_4050[sex]


def is_zero_employment_family(employed_members_of_working_age: int, members_of_working_age: int) -> bool:
    """A household with members of working age, none employed (the laid-off worker counts as one)."""
    return members_of_working_age > 0 and employed_members_of_working_age == 0


def hardship_flags(
    *,
    sex: Sex,
    birth_date: date,
    layoff_date: date,
    zero_employment_family: bool,
    disability: bool,
    long_term_unemployed: bool,
) -> list[HardshipFlag]:
    flags = []
    if is_aged_4050(sex, birth_date, layoff_date):
        flags.append(HardshipFlag.AGED_4050)
    if zero_employment_family:
        flags.append(HardshipFlag.ZERO_EMPLOYMENT_FAMILY)
    if disability:
        flags.append(HardshipFlag.DISABILITY)
    if long_term_unemployed:
        flags.append(HardshipFlag.LONG_TERM_UNEMPLOYED)
    return flags


class PlanStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    APPROVED = "approved"


class PlanAction(StrEnum):
    WORKER_AGREES = "worker_agrees"
    SUPERVISOR_APPROVES = "supervisor_approves"


PLAN_TRANSITIONS: dict[tuple[PlanStatus, PlanAction], PlanStatus] = {
    (PlanStatus.PROPOSED, PlanAction.WORKER_AGREES): PlanStatus.AGREED,
    (PlanStatus.AGREED, PlanAction.SUPERVISOR_APPROVES): PlanStatus.APPROVED,
}
"""The only ways a plan's status changes; a revised plan starts again as a new proposed revision."""


class VotingRule(StrEnum):
    MORE_THAN_HALF_OF_ALL_MEMBERS = "more_than_half_of_all_members"
    TWO_THIRDS_OF_ALL_MEMBERS = "two_thirds_of_all_members"
    MORE_THAN_HALF_OF_PRESENT = "more_than_half_of_present"


DEFAULT_VOTING_RULE = VotingRule.MORE_THAN_HALF_OF_ALL_MEMBERS


def congress_passes(rule: VotingRule, *, members: int, present: int, votes_for: int) -> bool:
    """Whether the worker congress (职代会) passed a plan under the policy's rule."""
    if rule is VotingRule.MORE_THAN_HALF_OF_ALL_MEMBERS:
        return votes_for * 2 > members
    if rule is VotingRule.TWO_THIRDS_OF_ALL_MEMBERS:
        return votes_for * 3 >= members * 2
    return votes_for * 2 > present


def vote_count_problems(
    *, members: int, present: int, votes_for: int, against: int, abstentions: int
) -> list[dict[str, str]]:
    """Counts that cannot be true, each naming its field and the rule it breaks."""
    problems = []
    if present > members:
        problems.append({"field": "members_present", "reason": f"exceeds the {members} congress members"})
    if votes_for + against + abstentions > present:
        problems.append(
            {"field": "votes_for", "reason": "votes for, against and abstentions exceed members present"}
        )
    return problems


class RestructuringStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class RestructuringAction(StrEnum):
    CONGRESS_PASSES = "congress_passes"
    CONGRESS_REJECTS = "congress_rejects"
    RESUBMIT = "resubmit"


RESTRUCTURING_TRANSITIONS: dict[tuple[RestructuringStatus, RestructuringAction], RestructuringStatus] = {
    (RestructuringStatus.SUBMITTED, RestructuringAction.CONGRESS_PASSES): RestructuringStatus.APPROVED,
    (RestructuringStatus.SUBMITTED, RestructuringAction.CONGRESS_REJECTS): RestructuringStatus.REJECTED,
    (RestructuringStatus.REJECTED, RestructuringAction.RESUBMIT): RestructuringStatus.SUBMITTED,
}
"""A plan is voted on once per submission; a rejected plan can be revised and submitted again."""


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseAction(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


CASE_TRANSITIONS: dict[tuple[CaseStatus, CaseAction], CaseStatus] = {
    (CaseStatus.OPEN, CaseAction.CLOSE): CaseStatus.CLOSED,
    (CaseStatus.CLOSED, CaseAction.REOPEN): CaseStatus.OPEN,
}
