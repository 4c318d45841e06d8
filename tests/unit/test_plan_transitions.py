import pytest

from services.common.transitions import TransitionRefused, transition
from services.intake.domain import (
    CASE_TRANSITIONS,
    PLAN_TRANSITIONS,
    RESTRUCTURING_TRANSITIONS,
    CaseAction,
    CaseStatus,
    PlanAction,
    PlanStatus,
    RestructuringAction,
    RestructuringStatus,
)


def test_a_plan_is_agreed_by_the_worker_then_approved():
    agreed = transition(PLAN_TRANSITIONS, PlanStatus.PROPOSED, PlanAction.WORKER_AGREES)
    assert agreed is PlanStatus.AGREED
    assert transition(PLAN_TRANSITIONS, agreed, PlanAction.SUPERVISOR_APPROVES) is PlanStatus.APPROVED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PlanStatus.PROPOSED, PlanAction.SUPERVISOR_APPROVES),
        (PlanStatus.AGREED, PlanAction.WORKER_AGREES),
        (PlanStatus.APPROVED, PlanAction.WORKER_AGREES),
        (PlanStatus.APPROVED, PlanAction.SUPERVISOR_APPROVES),
    ],
)
def test_every_other_move_is_refused_and_named(status, action):
    with pytest.raises(TransitionRefused, match=f"{status.value}.*{action.value}"):
        transition(PLAN_TRANSITIONS, status, action)


def test_a_rejected_restructuring_plan_goes_back_to_the_vote_only_after_resubmission():
    rejected = transition(
        RESTRUCTURING_TRANSITIONS, RestructuringStatus.SUBMITTED, RestructuringAction.CONGRESS_REJECTS
    )
    assert rejected is RestructuringStatus.REJECTED
    with pytest.raises(TransitionRefused):
        transition(RESTRUCTURING_TRANSITIONS, rejected, RestructuringAction.CONGRESS_PASSES)
    assert (
        transition(RESTRUCTURING_TRANSITIONS, rejected, RestructuringAction.RESUBMIT)
        is RestructuringStatus.SUBMITTED
    )


def test_a_case_closes_and_reopens_but_never_twice_in_a_row():
    closed = transition(CASE_TRANSITIONS, CaseStatus.OPEN, CaseAction.CLOSE)
    assert transition(CASE_TRANSITIONS, closed, CaseAction.REOPEN) is CaseStatus.OPEN
    with pytest.raises(TransitionRefused, match=r"closed.*close"):
        transition(CASE_TRANSITIONS, closed, CaseAction.CLOSE)
