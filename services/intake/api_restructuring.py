"""Intake routes of enterprise restructuring: plans, the congress vote, rosters and bulk intake."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.common.http import current_correlation_id
from services.intake import restructuring, rosters
from services.intake.api import ERRORS, NOT_FOUND, TRANSITION, IntakeDep
from services.intake.callers import RestructuringManager
from services.intake.schemas import (
    BulkIntakeIn,
    BulkIntakeOut,
    CongressVote,
    ErrorBody,
    RestructuringPlanIn,
    RestructuringPlanOut,
    RosterOut,
    VoteReminderIn,
    VoteReminderOut,
)

restructuring_router = APIRouter(tags=["enterprise restructuring"])
PlanId = Annotated[str, Path(min_length=36, max_length=36, description="The restructuring plan's id")]


@restructuring_router.post(
    "/restructuring-plans", status_code=201, response_model=RestructuringPlanOut, responses=ERRORS
)
async def submit_restructuring_plan(
    plan: RestructuringPlanIn, intake: IntakeDep, _caller: RestructuringManager
) -> RestructuringPlanOut:
    """An enterprise submits its placement and diversion plan for the worker congress."""
    return await restructuring.submit_plan(intake=intake, plan=plan, correlation_id=current_correlation_id())


@restructuring_router.get(
    "/restructuring-plans/{plan_id}", response_model=RestructuringPlanOut, responses=NOT_FOUND
)
async def get_restructuring_plan(
    plan_id: PlanId, intake: IntakeDep, _caller: RestructuringManager
) -> RestructuringPlanOut:
    return await restructuring.get_plan(intake=intake, plan_id=plan_id)


@restructuring_router.put(
    "/restructuring-plans/{plan_id}",
    response_model=RestructuringPlanOut,
    responses={**ERRORS, **NOT_FOUND, **TRANSITION},
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
    responses={**ERRORS, **NOT_FOUND, **TRANSITION},
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
    responses={**ERRORS, **NOT_FOUND, 409: {"model": ErrorBody, "description": "The plan is not approved"}},
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
    responses={
        **ERRORS,
        **NOT_FOUND,
        409: {"model": ErrorBody, "description": "Approved: the roster is final"},
    },
)
async def lodge_roster(
    plan_id: PlanId, roster: BulkIntakeIn, intake: IntakeDep, caller: RestructuringManager
) -> RosterOut:
    """Lodge the affected workers with the plan: every row is checked now, and the roster is taken in
    automatically once the congress approves the plan. Lodging again replaces it until then."""
    return await rosters.lodge_roster(intake=intake, plan_id=plan_id, roster=roster, caller=caller)


@restructuring_router.get(
    "/restructuring-plans/{plan_id}/roster", response_model=RosterOut, responses=NOT_FOUND
)
async def get_roster(plan_id: PlanId, intake: IntakeDep, _caller: RestructuringManager) -> RosterOut:
    return await rosters.get_roster(intake=intake, plan_id=plan_id)


@restructuring_router.post(
    "/restructuring-plans/{plan_id}/roster/intake",
    response_model=BulkIntakeOut,
    responses={**NOT_FOUND, 409: {"model": ErrorBody, "description": "The plan is not approved"}},
)
async def take_in_roster(plan_id: PlanId, intake: IntakeDep, caller: RestructuringManager) -> BulkIntakeOut:
    """For the RestructuringPlan workflow: take the lodged roster in (idempotent by its batch id)."""
    return await rosters.take_in_roster(intake=intake, plan_id=plan_id, caller=caller)


@restructuring_router.post(
    "/restructuring-plans/{plan_id}/vote-reminders",
    status_code=201,
    response_model=VoteReminderOut,
    responses={**ERRORS, **NOT_FOUND, 409: {"model": ErrorBody, "description": "No vote is awaited"}},
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
