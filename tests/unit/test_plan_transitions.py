import pytest

from services.intake.domain import PlanAction, PlanStatus, TransitionRefused, next_plan_status


def test_a_plan_is_agreed_by_the_worker_then_approved():
    agreed = next_plan_status(PlanStatus.PROPOSED, PlanAction.WORKER_AGREES)
    assert agreed is PlanStatus.AGREED
    assert next_plan_status(agreed, PlanAction.SUPERVISOR_APPROVES) is PlanStatus.APPROVED


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
        next_plan_status(status, action)
