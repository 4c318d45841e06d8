"""Benefit rules without I/O: competent agencies, deadlines, the status table, feed fields, signing."""

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.events.benefits import ApplicationKind
from contracts.events.intake import Agency
from services.benefits.domain import (
    COMPETENT_AGENCY,
    DECISION_DAYS,
    FEED_FIELDS,
    ApplicationAction,
    ApplicationStatus,
    TransitionRefused,
    application_problems,
    consent_active,
    decision_problems,
    due_on,
    next_status,
    reminder_on,
    retry_delay,
    webhook_signature,
)


def test_every_kind_has_one_competent_agency_and_a_deadline() -> None:
    assert set(COMPETENT_AGENCY) == set(ApplicationKind) == set(DECISION_DAYS)
    assert COMPETENT_AGENCY[ApplicationKind.MICRO_LOAN] is Agency.BANK
    assert COMPETENT_AGENCY[ApplicationKind.TAX_RELIEF] is Agency.TAX


def test_the_due_day_counts_calendar_days_and_the_reminder_comes_three_days_before() -> None:
    due = due_on(ApplicationKind.MICRO_LOAN, date(2026, 12, 20))
    assert due == date(2027, 1, 4)
    assert reminder_on(due) == date(2027, 1, 1)


def test_only_a_submitted_application_moves() -> None:
    assert next_status(ApplicationStatus.SUBMITTED, ApplicationAction.APPROVE) is ApplicationStatus.APPROVED
    assert next_status(ApplicationStatus.SUBMITTED, ApplicationAction.WITHDRAW) is ApplicationStatus.WITHDRAWN
    for decided in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
        for action in ApplicationAction:
            with pytest.raises(TransitionRefused):
                next_status(decided, action)


def test_the_bank_feed_carries_name_masked_id_and_the_loan_and_nothing_else() -> None:
    assert set(FEED_FIELDS[Agency.BANK]) == {
        "application_id",
        "kind",
        "due_on",
        "routed_at",
        "full_name",
        "resident_id_masked",
        "requested_amount_yuan",
        "term_months",
    }
    every_field = {field for fields in FEED_FIELDS.values() for field in fields}
    assert every_field.isdisjoint({"case_id", "complaint_id", "category", "hardship_flags", "mobile"})
    assert "resident_id_masked" not in FEED_FIELDS[Agency.URBAN_CONSTRUCTION]


def test_a_loan_needs_an_amount_and_a_term_within_policy_and_other_kinds_have_none() -> None:
    assert application_problems(ApplicationKind.MICRO_LOAN, 100_000, 24) == []
    assert [p["field"] for p in application_problems(ApplicationKind.MICRO_LOAN, 300_001, 0)] == [
        "requested_amount_yuan",
        "term_months",
    ]
    assert application_problems(ApplicationKind.PREMISES, None, None) == []
    assert [p["field"] for p in application_problems(ApplicationKind.PREMISES, 5, None)] == [
        "requested_amount_yuan"
    ]


def test_a_rejection_needs_a_reason_and_an_approved_loan_its_terms() -> None:
    loan = ApplicationKind.MICRO_LOAN
    assert decision_problems(loan, False, reason=None, amount_yuan=None, term_months=None) == [
        {"field": "reason", "reason": "required when rejecting"}
    ]
    assert decision_problems(loan, True, reason=None, amount_yuan=50_000, term_months=12) == []
    assert len(decision_problems(loan, True, reason=None, amount_yuan=None, term_months=None)) == 2
    assert (
        decision_problems(
            ApplicationKind.HEALTH_CERTIFICATE, True, reason=None, amount_yuan=None, term_months=None
        )
        == []
    )


def test_consent_counts_until_its_last_day_unless_withdrawn() -> None:
    assert consent_active(date(2027, 1, 1), None, date(2027, 1, 1))
    assert not consent_active(date(2027, 1, 1), None, date(2027, 1, 2))
    assert not consent_active(date(2027, 1, 1), datetime(2026, 12, 1, tzinfo=UTC), date(2026, 12, 2))


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(b"secret", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert webhook_signature("secret", "1700000000", b"{}") == f"sha256={expected}"
    assert webhook_signature("secret", "1700000001", b"{}") != f"sha256={expected}"


def test_retries_back_off_exponentially_up_to_a_ceiling() -> None:
    base, ceiling = timedelta(seconds=30), timedelta(minutes=5)
    delays = [retry_delay(attempts, base=base, ceiling=ceiling) for attempts in range(1, 7)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240, 300, 300)]
