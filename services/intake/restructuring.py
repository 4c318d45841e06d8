"""Enterprise restructuring: a plan, the worker-congress vote that gates it, bulk intake of its workers."""

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import BulkIntakeCompleted, CongressVoteRecorded, RestructuringPlanSubmitted
from contracts.ids import uuid7
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.common.transitions import move
from services.intake import audited, service
from services.intake.collaborators import Intake
from services.intake.domain import (
    RESTRUCTURING_TRANSITIONS,
    RestructuringAction,
    RestructuringStatus,
    VotingRule,
    congress_passes,
    vote_count_problems,
)
from services.intake.guards import require_reach
from services.intake.models import BulkIntake, Community, RestructuringPlan, WorkerCase
from services.intake.schemas import (
    BulkIntakeIn,
    BulkIntakeOut,
    CongressVote,
    RestructuringPlanIn,
    RestructuringPlanOut,
)

LOOKUP_CHUNK = 500


async def submit_plan(
    *, intake: Intake, plan: RestructuringPlanIn, correlation_id: str
) -> RestructuringPlanOut:
    row = RestructuringPlan(
        plan_id=str(uuid7()),
        status=RestructuringStatus.SUBMITTED.value,
        revision=1,
        submitted_at=datetime.now(UTC),
        **_plan_fields(plan),
    )
    async with intake.sessions.begin() as session:
        session.add(row)
        await _announce(intake, session, row, correlation_id)
    return _view(row)


async def revise_plan(
    *, intake: Intake, plan_id: str, plan: RestructuringPlanIn, correlation_id: str
) -> RestructuringPlanOut:
    """Revise a rejected plan and submit it for a new vote."""
    async with intake.sessions.begin() as session:
        row = await require_plan(session, plan_id)
        _move(row, RestructuringAction.RESUBMIT)
        for name, value in _plan_fields(plan).items():
            setattr(row, name, value)
        row.revision += 1
        row.vote, row.decided_at, row.submitted_at = None, None, datetime.now(UTC)
        await _announce(intake, session, row, correlation_id)
    return _view(row)


async def record_vote(
    *, intake: Intake, plan_id: str, vote: CongressVote, rule: VotingRule, correlation_id: str
) -> RestructuringPlanOut:
    async with intake.sessions.begin() as session:
        row = await require_plan(session, plan_id)
        problems = vote_count_problems(
            members=row.congress_members,
            present=vote.members_present,
            votes_for=vote.votes_for,
            against=vote.votes_against,
            abstentions=vote.abstentions,
        )
        if problems:
            raise DomainError(422, "validation_failed", "The vote counts cannot be true", problems)
        passed = congress_passes(
            rule, members=row.congress_members, present=vote.members_present, votes_for=vote.votes_for
        )
        _move(row, RestructuringAction.CONGRESS_PASSES if passed else RestructuringAction.CONGRESS_REJECTS)
        row.vote, row.decided_at = vote.model_dump(), datetime.now(UTC)
        await intake.outbox.add(
            session,
            CongressVoteRecorded(
                plan_id=plan_id,
                revision=row.revision,
                congress_members=row.congress_members,
                voting_rule=rule.value,
                passed=passed,
                **vote.model_dump(),
            ),
            correlation_id=correlation_id,
        )
    return _view(row)


async def get_plan(*, intake: Intake, plan_id: str) -> RestructuringPlanOut:
    async with intake.sessions() as session:
        return _view(await require_plan(session, plan_id))


async def take_in(*, intake: Intake, plan_id: str, batch: BulkIntakeIn, caller: Caller) -> BulkIntakeOut:
    """Open a case for every worker of an approved plan, all or none; the same batch id answers the same."""
    async with intake.sessions() as session:
        if (earlier := await _earlier_batch(session, plan_id, batch.batch_id)) is not None:
            return earlier
        plan = await require_plan(session, plan_id)
        if plan.status != RestructuringStatus.APPROVED.value:
            raise DomainError(
                409,
                "plan_not_approved",
                f"Workers can be taken in only under an approved plan (it is {plan.status})",
            )
        await require_rows_reach(session, caller, batch)
        problems = await row_problems(session, intake, batch)
    if problems:
        raise DomainError(
            422, "validation_failed", f"{len(problems)} rows cannot be taken in; none was", problems
        )
    try:
        async with intake.sessions.begin() as session:
            case_ids = []
            for worker in batch.workers:
                transfer = worker.labour_contract_transfer
                case = await service.open_case(
                    session,
                    intake,
                    worker,
                    correlation_id=caller.access.correlation_id,
                    restructuring_plan_id=plan_id,
                    labour_contract_transfer=None if transfer is None else transfer.model_dump(mode="json"),
                )
                case_ids.append(case.case_id)
            session.add(
                BulkIntake(
                    batch_id=batch.batch_id, plan_id=plan_id, case_ids=case_ids, taken_in_at=datetime.now(UTC)
                )
            )
            await intake.outbox.add(
                session,
                BulkIntakeCompleted(plan_id=plan_id, batch_id=batch.batch_id, workers=len(case_ids)),
                correlation_id=caller.access.correlation_id,
            )
            await audited.record(
                session, intake, caller.access, AuditAction.CREATE, audited.Resource.WORKER_CASE, case_ids
            )
    except IntegrityError:
        async with intake.sessions() as session:
            if (earlier := await _earlier_batch(session, plan_id, batch.batch_id)) is not None:
                return earlier
        raise DomainError(
            409, "cases_opened_meanwhile", "Some of these workers were registered meanwhile; check and retry"
        ) from None
    return BulkIntakeOut(batch_id=batch.batch_id, plan_id=plan_id, case_ids=case_ids, repeated=False)


async def _earlier_batch(session: AsyncSession, plan_id: str, batch_id: str) -> BulkIntakeOut | None:
    earlier = await session.get(BulkIntake, batch_id)
    if earlier is None:
        return None
    if earlier.plan_id != plan_id:
        raise DomainError(409, "batch_id_used", f"Batch {batch_id} was taken in under another plan")
    return BulkIntakeOut(batch_id=batch_id, plan_id=plan_id, case_ids=earlier.case_ids, repeated=True)


async def require_rows_reach(session: AsyncSession, caller: Caller, batch: BulkIntakeIn) -> None:
    """403 `case_out_of_reach` when a row would open a case the caller does not reach."""
    for community_code in sorted({worker.community_code for worker in batch.workers}):
        await require_reach(session, caller.principal, community_code)


async def row_problems(session: AsyncSession, intake: Intake, batch: BulkIntakeIn) -> list[dict[str, str]]:
    """Every row that cannot be taken in, named `workers.<row>.<field>`: duplicates in the batch, people with
    an open case already, unknown communities."""
    problems = []
    rows_by_lookup: dict[str, list[int]] = defaultdict(list)
    for index, worker in enumerate(batch.workers):
        rows_by_lookup[service.resident_lookup(intake, worker)].append(index)
    for rows in rows_by_lookup.values():
        for index in rows[1:]:
            problems.append(
                {"field": f"workers.{index}.resident_id", "reason": f"same person as row {rows[0]}"}
            )
    lookups = list(rows_by_lookup)
    for start in range(0, len(lookups), LOOKUP_CHUNK):
        found = await session.execute(
            select(WorkerCase.resident_id_hash, WorkerCase.case_id).where(
                WorkerCase.resident_id_hash.in_(lookups[start : start + LOOKUP_CHUNK]),
                WorkerCase.status == "open",
            )
        )
        for lookup, case_id in found:
            for index in rows_by_lookup[str(lookup)]:
                problems.append(
                    {"field": f"workers.{index}.resident_id", "reason": f"has an open case {case_id}"}
                )
    wanted = {worker.community_code for worker in batch.workers}
    known = set(
        await session.scalars(select(Community.community_code).where(Community.community_code.in_(wanted)))
    )
    for index, worker in enumerate(batch.workers):
        if worker.community_code not in known:
            problems.append({"field": f"workers.{index}.community_code", "reason": "unknown community"})
    return sorted(problems, key=lambda problem: int(problem["field"].split(".")[1]))


async def require_plan(session: AsyncSession, plan_id: str) -> RestructuringPlan:
    row = await session.get(RestructuringPlan, plan_id)
    if row is None:
        raise DomainError(404, "plan_not_found", f"No restructuring plan {plan_id}")
    return row


def _move(row: RestructuringPlan, action: RestructuringAction) -> None:
    row.status = move(RESTRUCTURING_TRANSITIONS, RestructuringStatus(row.status), action, what="plan").value


async def _announce(
    intake: Intake, session: AsyncSession, row: RestructuringPlan, correlation_id: str
) -> None:
    await intake.outbox.add(
        session,
        RestructuringPlanSubmitted(
            plan_id=row.plan_id,
            enterprise_code=row.enterprise_code,
            affected_workers=row.affected_workers,
            revision=row.revision,
            submitted_at=row.submitted_at,
            congress_vote_deadline=row.congress_vote_deadline,
        ),
        correlation_id=correlation_id,
    )


def _plan_fields(plan: RestructuringPlanIn) -> dict[str, object]:
    return {
        "enterprise_name": plan.enterprise_name,
        "enterprise_code": plan.enterprise_code,
        "affected_workers": plan.affected_workers,
        "measures": [measure.model_dump(mode="json") for measure in plan.measures],
        "congress_members": plan.congress_members,
        "congress_vote_deadline": plan.congress_vote_deadline,
    }


def _view(row: RestructuringPlan) -> RestructuringPlanOut:
    return RestructuringPlanOut.model_validate(row, from_attributes=True)
