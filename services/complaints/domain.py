"""Pure complaint rules: the one state machine, who may see details, what an agency's finding means."""

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum

from contracts.events.complaints import ComplaintOutcome, ComplaintStatus, EscalationLevel


class StatusAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    REFER = "refer"
    AGENCY_RETURNS = "agency_returns"
    AGENCY_SETTLES = "agency_settles"
    RESOLVE = "resolve"
    WITHDRAW = "withdraw"


COMPLAINT_TRANSITIONS: dict[tuple[ComplaintStatus, StatusAction], ComplaintStatus] = {
    (ComplaintStatus.OPEN, StatusAction.ACKNOWLEDGE): ComplaintStatus.ACKNOWLEDGED,
    (ComplaintStatus.ACKNOWLEDGED, StatusAction.REFER): ComplaintStatus.REFERRED,
    (ComplaintStatus.REFERRED, StatusAction.AGENCY_RETURNS): ComplaintStatus.ACKNOWLEDGED,
    (ComplaintStatus.REFERRED, StatusAction.AGENCY_SETTLES): ComplaintStatus.CLOSED,
    (ComplaintStatus.ACKNOWLEDGED, StatusAction.RESOLVE): ComplaintStatus.CLOSED,
    (ComplaintStatus.OPEN, StatusAction.WITHDRAW): ComplaintStatus.CLOSED,
    (ComplaintStatus.ACKNOWLEDGED, StatusAction.WITHDRAW): ComplaintStatus.CLOSED,
    (ComplaintStatus.REFERRED, StatusAction.WITHDRAW): ComplaintStatus.CLOSED,
}
"""The only ways a complaint's status changes. Each move is recorded and published as an event."""


class TransitionRefused(ValueError):
    """The state machine has no such move from the complaint's current status."""


def next_status(current: ComplaintStatus, action: StatusAction) -> ComplaintStatus:
    try:
        return COMPLAINT_TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionRefused(f"a complaint that is {current.value} cannot take '{action.value}'") from None


class AgencyFinding(StrEnum):
    """What the referred agency found; `not_competent` sends the complaint back to the station."""

    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    NOT_COMPETENT = "not_competent"


def answer_effect(finding: AgencyFinding) -> tuple[StatusAction, ComplaintOutcome | None]:
    """The move an agency's finding makes, and the outcome it closes the complaint with (if it does)."""
    if finding is AgencyFinding.NOT_COMPETENT:
        return StatusAction.AGENCY_RETURNS, None
    return StatusAction.AGENCY_SETTLES, ComplaintOutcome(finding.value)


class Role(StrEnum):
    """Who reads or acts, from the access token: staff by role, the workflow (a service client), an agency."""

    RIGHTS_OFFICER = "rights_officer"
    SUPERVISOR = "supervisor"
    AGENCY = "agency"
    WORKFLOW = "workflow"


STATION_STAFF = frozenset({Role.RIGHTS_OFFICER, Role.SUPERVISOR})


def may_read_details(role: str, agency: str | None, referred_to: Collection[str]) -> bool:
    """Rights officers and supervisors, and an agency the complaint was referred to; nobody else."""
    if role in STATION_STAFF:
        return True
    return role == Role.AGENCY and agency is not None and agency in referred_to


ESCALATION_ORDER = (None, EscalationLevel.SUPERVISOR, EscalationLevel.LABOUR_BUREAU)


def higher_escalation(current: EscalationLevel | None, new: EscalationLevel) -> EscalationLevel:
    return max(current, new, key=ESCALATION_ORDER.index) or new


CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = tuple(pow(3, position, 31) for position in range(17))


def check_credit_code(code: str) -> str:
    """A unified social credit code (统一社会信用代码) ending in its GB 32100 check character."""
    if len(code) != 18 or any(char not in CREDIT_CODE_CHARACTERS for char in code):
        raise ValueError("must be 18 characters of digits and capital letters other than I, O, S, V, Z")
    total = sum(
        CREDIT_CODE_CHARACTERS.index(char) * weight
        for char, weight in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True)
    )
    if code[17] != CREDIT_CODE_CHARACTERS[-total % 31]:
        raise ValueError("fails the GB 32100 check character")
    return code


RECEIVED_AT_MAX_AGE = timedelta(days=30)
RECEIVED_AT_CLOCK_SKEW = timedelta(minutes=5)


def received_at_problem(received_at: datetime, now: datetime) -> str | None:
    """Why a stated time of receipt cannot be true, or None. A hotline call or letter may be logged later."""
    if received_at > now + RECEIVED_AT_CLOCK_SKEW:
        return "must not be in the future"
    if received_at < now - RECEIVED_AT_MAX_AGE:
        return f"must be within the last {RECEIVED_AT_MAX_AGE.days} days"
    return None
