"""Benefit rules with no I/O: which agency decides what, by when, the status table, feed fields, signing."""

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum

from contracts.events.benefits import FEED_MODELS, ApplicationKind
from contracts.events.intake import Agency

COMPETENT_AGENCY: Mapping[ApplicationKind, Agency] = {
    ApplicationKind.REEMPLOYMENT_CERTIFICATE: Agency.LABOUR_BUREAU,
    ApplicationKind.TAX_RELIEF: Agency.TAX,
    ApplicationKind.BUSINESS_REGISTRATION: Agency.COMMERCE,
    ApplicationKind.MICRO_LOAN: Agency.BANK,
    ApplicationKind.HEALTH_CERTIFICATE: Agency.HEALTH,
    ApplicationKind.PREMISES: Agency.URBAN_CONSTRUCTION,
}
"""The one agency competent to decide each kind of application."""

DECISION_DAYS: Mapping[ApplicationKind, int] = {
    ApplicationKind.REEMPLOYMENT_CERTIFICATE: 10,
    ApplicationKind.TAX_RELIEF: 20,
    ApplicationKind.BUSINESS_REGISTRATION: 15,
    ApplicationKind.MICRO_LOAN: 15,
    ApplicationKind.HEALTH_CERTIFICATE: 7,
    ApplicationKind.PREMISES: 20,
}
"""Policy data: calendar days the agency has to decide, counted from the day of submission."""

REMINDER_DAYS_BEFORE_DUE = 3
MAX_LOAN_YUAN = 300_000
"""The ceiling of a guaranteed business micro-loan for one person."""
MAX_LOAN_MONTHS = 36

FEED_FIELDS: Mapping[Agency, tuple[str, ...]] = {
    agency: tuple(model.model_fields) for agency, model in FEED_MODELS.items()
}
"""Everything each agency ever receives about an application (the fields of its feed message model)."""

MASKED_RESIDENT_ID = re.compile(r"^\d{4}\*{10}\d{3}[\dX]$")
"""An 18-character resident ID masked as intake shows it: first four and last four kept."""


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ApplicationAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


TRANSITIONS: Mapping[tuple[ApplicationStatus, ApplicationAction], ApplicationStatus] = {
    (ApplicationStatus.SUBMITTED, ApplicationAction.APPROVE): ApplicationStatus.APPROVED,
    (ApplicationStatus.SUBMITTED, ApplicationAction.REJECT): ApplicationStatus.REJECTED,
    (ApplicationStatus.SUBMITTED, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
}
"""Every allowed move of an application; a decided or withdrawn application moves no more."""


class TransitionRefused(ValueError):
    """The transition table has no such move."""


def next_status(current: ApplicationStatus, action: ApplicationAction) -> ApplicationStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionRefused(f"cannot {action.value} an application that is {current.value}") from None


def due_on(kind: ApplicationKind, submitted_on: date) -> date:
    return submitted_on + timedelta(days=DECISION_DAYS[kind])


def reminder_on(due: date) -> date:
    return due - timedelta(days=REMINDER_DAYS_BEFORE_DUE)


def application_problems(
    kind: ApplicationKind, requested_amount_yuan: int | None, term_months: int | None
) -> list[dict[str, str]]:
    """What is missing or out of policy in an application's kind-specific fields, by field."""
    problems: list[dict[str, str]] = []
    if kind is ApplicationKind.MICRO_LOAN:
        if requested_amount_yuan is None:
            problems.append({"field": "requested_amount_yuan", "reason": "required for a micro_loan"})
        elif not 1 <= requested_amount_yuan <= MAX_LOAN_YUAN:
            problems.append(
                {"field": "requested_amount_yuan", "reason": f"must be between 1 and {MAX_LOAN_YUAN}"}
            )
        if term_months is None:
            problems.append({"field": "term_months", "reason": "required for a micro_loan"})
        elif not 1 <= term_months <= MAX_LOAN_MONTHS:
            problems.append({"field": "term_months", "reason": f"must be between 1 and {MAX_LOAN_MONTHS}"})
    else:
        for field, value in (("requested_amount_yuan", requested_amount_yuan), ("term_months", term_months)):
            if value is not None:
                problems.append({"field": field, "reason": "only a micro_loan has it"})
    return problems


def decision_problems(
    kind: ApplicationKind,
    approve: bool,
    *,
    reason: str | None,
    amount_yuan: int | None,
    term_months: int | None,
) -> list[dict[str, str]]:
    """A rejection needs a reason; an approved loan needs its amount (within the ceiling) and term."""
    problems: list[dict[str, str]] = []
    if not approve:
        if not reason:
            problems.append({"field": "reason", "reason": "required when rejecting"})
        return problems
    if kind is ApplicationKind.MICRO_LOAN:
        if amount_yuan is None or not 1 <= amount_yuan <= MAX_LOAN_YUAN:
            problems.append({"field": "amount_yuan", "reason": f"an approved loan has 1..{MAX_LOAN_YUAN}"})
        if term_months is None or not 1 <= term_months <= MAX_LOAN_MONTHS:
            problems.append({"field": "term_months", "reason": f"an approved loan has 1..{MAX_LOAN_MONTHS}"})
    return problems


def consent_active(expires_on: date, withdrawn_at: datetime | None, today: date) -> bool:
    return withdrawn_at is None and today <= expires_on


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the `X-Reemploy-Signature` header."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_delay(attempts: int, *, base: timedelta, ceiling: timedelta) -> timedelta:
    """Exponential backoff after `attempts` failures: base, 2·base, 4·base … capped at `ceiling`."""
    delay: timedelta = base * (2 ** max(attempts - 1, 0))
    return min(delay, ceiling)
