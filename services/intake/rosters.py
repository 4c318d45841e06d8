"""Rosters lodged with a restructuring plan, and reminders of the congress's vote deadline.

An enterprise may lodge the roster of affected workers with its plan; every row is checked then, and the
rows are sealed (they hold resident ID numbers). When the congress approves the plan, the RestructuringPlan
workflow takes the roster in through the same all-or-nothing, idempotent bulk intake an enterprise can call
itself.
"""

import json
from datetime import UTC, datetime

from contracts.events.intake import CongressVoteReminded
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.intake import audited, restructuring
from services.intake.collaborators import Intake
from services.intake.domain import RestructuringStatus
from services.intake.models import CongressVoteReminder, PlanRoster
from services.intake.schemas import BulkIntakeIn, BulkIntakeOut, RosterOut, VoteReminderIn, VoteReminderOut

ROSTER = "plan_roster"


async def lodge_roster(*, intake: Intake, plan_id: str, roster: BulkIntakeIn, caller: Caller) -> RosterOut:
    """Keep (or replace) the plan's roster until it is taken in; 422 with an error per wrong row."""
    async with intake.sessions.begin() as session:
        plan = await restructuring.require_plan(session, plan_id)
        lodged = await session.get(PlanRoster, plan_id)
        if plan.status == RestructuringStatus.APPROVED.value and lodged is not None:
            raise DomainError(409, "roster_final", "The plan is approved: its roster is taken in as lodged")
        await restructuring.require_rows_reach(session, caller, roster)
        problems = await restructuring.row_problems(session, intake, roster)
        if problems:
            raise DomainError(
                422, "validation_failed", f"{len(problems)} rows of the roster are wrong", problems
            )
        sealed = intake.personal_data.encrypt(roster.model_dump_json(exclude_unset=True), purpose=ROSTER)
        row = lodged
        if row is None:
            row = PlanRoster(plan_id=plan_id)
            session.add(row)
        row.batch_id, row.workers = roster.batch_id, len(roster.workers)
        row.rows_encrypted, row.lodged_at = sealed, datetime.now(UTC)
        await audited.record(
            session, intake, caller.access, AuditAction.CREATE, audited.Resource.PLAN_ROSTER, [plan_id]
        )
    return RosterOut(plan_id=plan_id, batch_id=row.batch_id, workers=row.workers, lodged_at=row.lodged_at)


async def get_roster(*, intake: Intake, plan_id: str) -> RosterOut:
    async with intake.sessions() as session:
        await restructuring.require_plan(session, plan_id)
        row = await session.get(PlanRoster, plan_id)
    if row is None:
        raise DomainError(404, "roster_not_lodged", f"No roster was lodged with plan {plan_id}")
    return RosterOut(plan_id=plan_id, batch_id=row.batch_id, workers=row.workers, lodged_at=row.lodged_at)


async def take_in_roster(*, intake: Intake, plan_id: str, caller: Caller) -> BulkIntakeOut:
    async with intake.sessions() as session:
        await restructuring.require_plan(session, plan_id)
        row = await session.get(PlanRoster, plan_id)
    if row is None:
        raise DomainError(404, "roster_not_lodged", f"No roster was lodged with plan {plan_id}")
    batch = BulkIntakeIn.model_validate(
        json.loads(intake.personal_data.decrypt(row.rows_encrypted, purpose=ROSTER))
    )
    return await restructuring.take_in(intake=intake, plan_id=plan_id, batch=batch, caller=caller)


async def remind_congress(
    *, intake: Intake, plan_id: str, reminder: VoteReminderIn, correlation_id: str
) -> VoteReminderOut:
    """Send a vote reminder once per key, while the plan still awaits its vote."""
    async with intake.sessions.begin() as session:
        plan = await restructuring.require_plan(session, plan_id)
        earlier = await session.get(CongressVoteReminder, reminder.reminder_key)
        if earlier is not None:
            return VoteReminderOut(
                **reminder.model_dump(), plan_id=plan_id, reminded_at=earlier.reminded_at, repeated=True
            )
        if plan.status != RestructuringStatus.SUBMITTED.value or plan.revision != reminder.revision:
            raise DomainError(
                409, "plan_not_awaiting_vote", f"Revision {reminder.revision} of the plan awaits no vote"
            )
        now = datetime.now(UTC)
        session.add(
            CongressVoteReminder(
                reminder_key=reminder.reminder_key,
                plan_id=plan_id,
                revision=reminder.revision,
                days_left=reminder.days_left,
                reminded_at=now,
            )
        )
        await intake.outbox.add(
            session,
            CongressVoteReminded(
                plan_id=plan_id,
                revision=reminder.revision,
                congress_vote_deadline=plan.congress_vote_deadline,
                days_left=reminder.days_left,
                reminded_at=now,
            ),
            correlation_id=correlation_id,
        )
    return VoteReminderOut(**reminder.model_dump(), plan_id=plan_id, reminded_at=now, repeated=False)
