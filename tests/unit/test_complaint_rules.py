"""The complaint state machine, agency findings, who reads details, escalation order, times of receipt."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.events.complaints import ComplaintOutcome, ComplaintStatus, EscalationLevel
from services.complaints.domain import (
    COMPLAINT_TRANSITIONS,
    AgencyFinding,
    StatusAction,
    TransitionRefused,
    answer_effect,
    check_credit_code,
    higher_escalation,
    may_read_details,
    next_status,
    received_at_problem,
)


def test_a_complaint_reaches_closed_only_through_the_table() -> None:
    status = ComplaintStatus.OPEN
    for action in (StatusAction.ACKNOWLEDGE, StatusAction.REFER, StatusAction.AGENCY_SETTLES):
        status = next_status(status, action)
    assert status is ComplaintStatus.CLOSED


def test_closed_is_final() -> None:
    for action in StatusAction:
        with pytest.raises(TransitionRefused, match="closed"):
            next_status(ComplaintStatus.CLOSED, action)


def test_every_status_but_closed_can_be_withdrawn_and_every_status_is_reachable() -> None:
    withdrawable = {status for (status, action) in COMPLAINT_TRANSITIONS if action is StatusAction.WITHDRAW}
    assert withdrawable == set(ComplaintStatus) - {ComplaintStatus.CLOSED}
    assert set(COMPLAINT_TRANSITIONS.values()) == set(ComplaintStatus) - {ComplaintStatus.OPEN}


def test_an_agency_finding_closes_or_returns() -> None:
    assert answer_effect(AgencyFinding.UPHELD) == (StatusAction.AGENCY_SETTLES, ComplaintOutcome.UPHELD)
    assert answer_effect(AgencyFinding.NOT_UPHELD) == (
        StatusAction.AGENCY_SETTLES,
        ComplaintOutcome.NOT_UPHELD,
    )
    assert answer_effect(AgencyFinding.NOT_COMPETENT) == (StatusAction.AGENCY_RETURNS, None)


@pytest.mark.parametrize(
    ("role", "agency", "referred_to", "allowed"),
    [
        ("rights_officer", None, set(), True),
        ("supervisor", None, set(), True),
        ("agency", "labour_inspection", {"labour_inspection"}, True),
        ("agency", "labour_inspection", {"labour_arbitration"}, False),
        ("agency", None, {"labour_inspection"}, False),
        ("labour_assistant", None, {"labour_inspection"}, False),
        ("workflow", None, set(), False),
        ("worker", None, set(), False),
    ],
)
def test_who_reads_details(role: str, agency: str | None, referred_to: set[str], allowed: bool) -> None:
    assert may_read_details(role, agency, referred_to) is allowed


def test_escalation_only_goes_up() -> None:
    assert higher_escalation(None, EscalationLevel.SUPERVISOR) is EscalationLevel.SUPERVISOR
    assert (
        higher_escalation(EscalationLevel.LABOUR_BUREAU, EscalationLevel.SUPERVISOR)
        is EscalationLevel.LABOUR_BUREAU
    )


def test_time_of_receipt_is_recent_and_not_in_the_future() -> None:
    now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    assert received_at_problem(now - timedelta(days=3), now) is None
    assert received_at_problem(now + timedelta(hours=1), now) == "must not be in the future"
    assert received_at_problem(now - timedelta(days=31), now) == "must be within the last 30 days"


@pytest.mark.parametrize("code", ["914403001922038216", "91110000710925243K", "91350100M000100Y43"])
def test_real_credit_codes_pass_their_check_character(code: str) -> None:
    assert check_credit_code(code) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("914403001922038217", "check character"),
        ("91440300192203821", "18 characters"),
        ("9144030019220382I6", "other than I"),
    ],
)
def test_bad_credit_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_credit_code(code)
