"""Intake routes of enterprise restructuring: plans, the congress vote, rosters and bulk intake."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.common.error_responses import refusals
from services.common.http import current_correlation_id
from services.intake import restructuring, rosters
from services.intake.api import OUT_OF_REACH, IntakeDep
from services.intake.callers import RestructuringManager
from services.intake.schemas import (
    BulkIntakeIn,
    BulkIntakeOut,
    CongressVote,
    RestructuringPlanIn,
    RestructuringPlanOut,
    RosterOut,
    VoteReminderIn,
    VoteReminderOut,
)

restructuring_router = APIRouter(tags=["enterprise restructuring"])
PlanId = Annotated[str, Path(min_length=36, max_length=36, description="The restructuring plan's id")]
PLAN = refusals({404: "`plan_not_found`: no such restructuring plan"})
TAKE_IN = PLAN | refusals(
    {
        403: OUT_OF_REACH,
        409: "`plan_not_approved`, `batch_id_used` (under another plan), or `cases_opened_meanwhile`",
        422: "`validation_failed`: also one error per row that cannot be taken in (`workers.<row>.<field>`)",
    }
)


@restructuring_router.post("/restructuring-plans", status_code=201, response_model=RestructuringPlanOut)
async def submit_restructuring_plan(
    plan: RestructuringPlanIn, intake: IntakeDep, _caller: RestructuringManager
) -> RestructuringPlanOut:
    """An enterprise submits its placement and diversion plan for the worker congress."""
    return await restructuring.submit_plan(intake=intake, plan=plan, correlation_id=current_correlation_id())


@restructuring_router.get(
    "/restructuring-plans/{plan_id}", response_model=RestructuringPlanOut, responses=PLAN
)
async def get_restructuring_plan(
    plan_id: PlanId, intake: IntakeDep, _caller: RestructuringManager
) -> RestructuringPlanOut:
    return await restructuring.get_plan(intake=intake, plan_id=plan_id)


@restructuring_router.put(
    "/restructuring-plans/{plan_id}",
    response_model=RestructuringPlanOut,
    responses=PLAN | refusals({409: "`plan_transition_refused`: only a rejected plan is revised"}),
)
async def revise_restructuring_plan(
    plan_id: PlanId, plan: RestructuringPlanIn, intake: IntakeDep, _caller: RestructuringManager
) -> RestructuringPlanOut:
    """Revise a plan the congress rejected and submit it again."""
    return await restructuring.revise_plan(
        intake=intake, plan_id=plan_id, plan=plan, correlation_id=current_correlation_id()
    )


@restructuring_router.post(
    "/restructuring-plans/{plan_id}/vote",
    response_model=RestructuringPlanOut,
    responses=PLAN
    | refusals(
        {
            409: "`plan_transition_refused`: the plan awaits no vote",
            422: "`validation_failed`: also when the vote counts cannot be true",
        }
    ),
)
async def record_congress_vote(
    plan_id: PlanId, vote: CongressVote, intake: IntakeDep, _caller: RestructuringManager
) -> RestructuringPlanOut:
    """Record the worker congress vote; the plan passes only by the policy's rule."""
    return await restructuring.record_vote(
        intake=intake,
        plan_id=plan_id,
        vote=vote,
        rule=intake.congress_voting_rule,
        correlation_id=current_correlation_id(),
    )


@restructuring_router.post(
    "/restructuring-plans/{plan_id}/intake",
    response_model=BulkIntakeOut,
    responses=TAKE_IN,
)
async def take_in_workers(
    plan_id: PlanId, batch: BulkIntakeIn, intake: IntakeDep, caller: RestructuringManager
) -> BulkIntakeOut:
    """Open a case for every worker of an approved plan in one call. Every row is checked; one bad row
    refuses the whole batch, with an error per row. The same `batch_id` again answers the same cases."""
    return await restructuring.take_in(intake=intake, plan_id=plan_id, batch=batch, caller=caller)


@restructuring_router.put(
    "/restructuring-plans/{plan_id}/roster",
    response_model=RosterOut,
    responses=PLAN
    | refusals(
        {
            403: OUT_OF_REACH,
            409: "`roster_final`: the plan is approved, its roster taken in as lodged",
            422: "`validation_failed`: also one error per wrong row (`workers.<row>.<field>`)",
        }
    ),
)
async def lodge_roster(
    plan_id: PlanId, roster: BulkIntakeIn, intake: IntakeDep, caller: RestructuringManager
) -> RosterOut:
    """Lodge the affected workers with the plan: every row is checked now, and the roster is taken in
    automatically once the congress approves the plan. Lodging again replaces it until then."""
    return await rosters.lodge_roster(intake=intake, plan_id=plan_id, roster=roster, caller=caller)


@restructuring_router.get(
    "/restructuring-plans/{plan_id}/roster",
    response_model=RosterOut,
    responses=refusals({404: "`plan_not_found`, or `roster_not_lodged`"}),
)
async def get_roster(plan_id: PlanId, intake: IntakeDep, _caller: RestructuringManager) -> RosterOut:
    return await rosters.get_roster(intake=intake, plan_id=plan_id)


@restructuring_router.post(
    "/restructuring-plans/{plan_id}/roster/intake",
    response_model=BulkIntakeOut,
    responses=TAKE_IN | refusals({404: "`plan_not_found`, or `roster_not_lodged`"}),
)
async def take_in_roster(plan_id: PlanId, intake: IntakeDep, caller: RestructuringManager) -> BulkIntakeOut:
    """For the RestructuringPlan workflow: take the lodged roster in (idempotent by its batch id)."""
    return await rosters.take_in_roster(intake=intake, plan_id=plan_id, caller=caller)


@restructuring_router.post(
    "/restructuring-plans/{plan_id}/vote-reminders",
    status_code=201,
    response_model=VoteReminderOut,
    responses={
        200: {"model": VoteReminderOut, "description": "Sent before under this key (a repeat)"},
        **PLAN,
        **refusals({409: "`plan_not_awaiting_vote`: this revision of the plan awaits no vote"}),
    },
)
async def remind_congress(
    plan_id: PlanId,
    reminder: VoteReminderIn,
    intake: IntakeDep,
    response: Response,
    _caller: RestructuringManager,
) -> VoteReminderOut:
    """For the RestructuringPlan workflow: remind the congress of its vote deadline, once per key."""
    sent = await rosters.remind_congress(
        intake=intake, plan_id=plan_id, reminder=reminder, correlation_id=current_correlation_id()
    )
    if sent.repeated:
        response.status_code = 200
    return sent
