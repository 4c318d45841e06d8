"""Intake use cases: each takes its collaborators as keyword arguments."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import BindParameter, Select, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events import Event
from contracts.events.intake import AssignmentReason, WorkerRegistered
from contracts.ids import uuid7
from contracts.journey import JourneyStatus, JourneyTimeline, UpdateOutcome
from services.common import scopes
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.auth import Principal
from services.common.errors import DomainError
from services.common.temporal import JourneyActionRefused, JourneyUnavailable
from services.intake import audited, lifecycle, network
from services.intake.collaborators import Intake
from services.intake.guards import refuse_out_of_reach, require_case
from services.intake.models import CaseFlag, CaseStatusChange, Community, WorkerCase
from services.intake.schemas import RegisteredWorker, WorkerRegistration

RESIDENT_ID = "resident_id"


@dataclass(frozen=True)
class Placement:
    """The place a registration claimed: with an assistant, or with none because nobody had room."""

    assistant: network.ClaimedPlace | None


async def register_worker(*, intake: Intake, registration: WorkerRegistration, caller: Caller) -> WorkerCase:
    """Open a case and write `intake.worker_registered.v1` in the same transaction.

    A person has at most one open case: a second registration is refused with the open case's id, also when
    two registrations race (the partial unique index decides). A caller registers only into a community
    whose cases they reach (403 `case_out_of_reach`). The transaction's statements are counted in
    tests/integration/intake/test_registration_statements.py (docs/services/intake.md says why each is there).
    """
    lookup = resident_lookup(intake, registration)
    community_code = registration.community_code
    try:
        async with intake.sessions.begin() as session:
            placement = await _place_new_person(session, caller, community_code, lookup)
            case = await open_case(
                session,
                intake,
                registration,
                correlation_id=caller.access.correlation_id,
                placement=placement,
            )
            await audited.record(
                session,
                intake,
                caller.access,
                AuditAction.CREATE,
                audited.Resource.WORKER_CASE,
                [case.case_id],
            )
            return case
    except IntegrityError:
        async with intake.sessions() as session:
            _refuse_second_case(await _known_case(session, lookup))
        raise


def resident_lookup(intake: Intake, registration: WorkerRegistration) -> str:
    return intake.personal_data.lookup_hash(registration.resident_id, purpose=RESIDENT_ID)


async def open_case(
    session: AsyncSession,
    intake: Intake,
    registration: WorkerRegistration,
    *,
    correlation_id: str,
    restructuring_plan_id: str | None = None,
    labour_contract_transfer: dict[str, str] | None = None,
    placement: Placement | None = None,
) -> WorkerCase:
    """Insert the case, assign it and write its events, inside the caller's transaction (to the assistant of
    `placement` when the caller has already claimed a place).

    The case, its flags and its first status go in as Core statements on the session's connection, as
    every registration writes them: the session's unit of work cost more than the inserts. The case
    returned is not in the session; change it only through statements of its own.
    """
    identity = registration.identity()
    community_code = registration.community_code
    if placement is None:
        assistant = await network.assign_automatically(session, community_code)
    else:
        assistant = placement.assistant
    case = WorkerCase(
        case_id=str(uuid7()),
        resident_id_encrypted=intake.personal_data.encrypt(identity.number, purpose=RESIDENT_ID),
        resident_id_hash=resident_lookup(intake, registration),
        resident_id_masked=identity.masked(),
        birth_date=identity.birth_date,
        sex=identity.sex.value,
        hardship_flags=[flag.value for flag in registration.hardship_flags()],
        household=registration.household.model_dump() if registration.household else None,
        full_name=registration.full_name,
        mobile=registration.mobile,
        community_code=community_code,
        assistant_id=assistant.assistant_id if assistant else None,
        restructuring_plan_id=restructuring_plan_id,
        labour_contract_transfer=labour_contract_transfer,
        layoff_date=registration.layoff_date,
        layoff_reason=registration.layoff_reason.value,
        status="open",
        registered_at=datetime.now(UTC),
        journey_stage_sequence=0,
        version=1,
    )
    connection = await session.connection()
    await connection.execute(_INSERT_CASE, {column: getattr(case, column) for column in _CASE_COLUMNS})
    if case.hardship_flags:
        flags = [{"flag": flag, "case_id": case.case_id} for flag in case.hardship_flags]
        await connection.execute(_INSERT_FLAGS, flags)
    await connection.execute(_INSERT_STATUS, lifecycle.status_change(case, "registered"))
    events: list[Event] = [
        WorkerRegistered(
            case_id=case.case_id,
            community_code=case.community_code,
            layoff_date=case.layoff_date,
            layoff_reason=registration.layoff_reason,
            registered_at=case.registered_at,
            hardship_flags=case.hardship_flags,
            restructuring_plan_id=restructuring_plan_id,
        )
    ]
    if assistant is not None:
        events.append(network.assignment_event(case, assistant, AssignmentReason.AUTOMATIC))
    await intake.outbox.add_all(session, events, correlation_id=correlation_id)
    return case


_CASE_COLUMNS = tuple(column.key for column in WorkerCase.__table__.columns)
_INSERT_CASE = insert(WorkerCase)
_INSERT_FLAGS = insert(CaseFlag)
_INSERT_STATUS = insert(CaseStatusChange)
"""Built once, as every registration runs them."""


async def _place_new_person(
    session: AsyncSession, caller: Caller, community_code: str, lookup: str
) -> Placement:
    """Claim the place of a person who has no case yet, in a community the caller reaches.

    One statement when all is well (`network.claim_first_place`); when it claims nothing, one read tells
    which refusal it is, or that nobody has room. A caller out of reach is refused after the claim, which
    the refusal's rollback undoes."""
    claimed = await network.claim_first_place(session, community_code, lookup)
    if claimed is not None:
        assistant, street = claimed
        refuse_out_of_reach(caller.principal, community_code, street)
        return Placement(assistant)
    street_code, known = await _street_and_known_case(session, community_code, lookup)
    refuse_out_of_reach(caller.principal, community_code, street_code)
    _refuse_second_case(known)
    if street_code is None:
        raise network.unknown("community_code", "community")
    return Placement(None)


KnownCase = tuple[str, str] | None
"""The person's case id and status, if they have a case."""


def _known_case_query(lookup: BindParameter[str] | str) -> Select[str, str]:
    """The person's case, an open one first (ties by id, so that two reads of it agree)."""
    return (
        select(WorkerCase.case_id, WorkerCase.status)
        .where(WorkerCase.resident_id_hash == lookup)
        .order_by(WorkerCase.status.desc(), WorkerCase.case_id)
        .limit(1)
    )


def _street_and_known_case_query() -> Select[str | None, str | None, str | None]:
    known = _known_case_query(bindparam("lookup"))
    return select(
        select(Community.street_code)
        .where(Community.community_code == bindparam("community_code"))
        .scalar_subquery(),
        known.with_only_columns(WorkerCase.case_id).scalar_subquery(),
        known.with_only_columns(WorkerCase.status).scalar_subquery(),
    )


_STREET_AND_KNOWN_CASE = _street_and_known_case_query()
"""Built once, as every registration runs it."""


async def _street_and_known_case(
    session: AsyncSession, community_code: str, lookup: str
) -> tuple[str | None, KnownCase]:
    """The community's street (None if there is no such community) and the person's case, in one read."""
    params = {"community_code": community_code, "lookup": lookup}
    street_code, case_id, status = (await session.execute(_STREET_AND_KNOWN_CASE, params)).one()
    return street_code, None if case_id is None or status is None else (case_id, status)


async def _known_case(session: AsyncSession, lookup: str) -> KnownCase:
    known = (await session.execute(_known_case_query(lookup))).first()
    return None if known is None else (known.case_id, known.status)


def _refuse_second_case(known: KnownCase) -> None:
    """A person has one case: an open one is named; a closed one is to be re-opened, not duplicated."""
    if known is None:
        return
    case_id, status = known
    if status == "open":
        raise DomainError(
            409, "case_already_open", "This person already has an open case", details={"case_id": case_id}
        )
    raise DomainError(
        409,
        "case_closed",
        "This person has a closed case: re-open it to keep its history",
        details={"case_id": case_id},
    )


async def get_case(*, intake: Intake, case_id: str, caller: Principal) -> WorkerCase:
    async with intake.sessions() as session:
        return await require_case(session, case_id, caller)


async def read_case(*, intake: Intake, case_id: str, caller: Caller) -> RegisteredWorker:
    """The case as shown to a caller, who is recorded in the audit log in the same transaction. A caller
    holding `cases:read_resident_id` sees the full resident ID number, and that read is recorded as such."""
    async with intake.sessions.begin() as session:
        case = await require_case(session, case_id, caller.principal)
        shown = RegisteredWorker.model_validate(case, from_attributes=True)
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.WORKER_CASE, [case_id]
        )
        if caller.principal.has_scopes(scopes.CASES_READ_RESIDENT_ID) and case.resident_id_encrypted:
            shown.resident_id = intake.personal_data.decrypt(case.resident_id_encrypted, purpose=RESIDENT_ID)
            await audited.record(
                session, intake, caller.access, AuditAction.READ, audited.Resource.RESIDENT_ID, [case_id]
            )
        return shown


async def journey_of(*, intake: Intake, case_id: str, caller: Principal) -> JourneyStatus:
    """The stage of the case's journey, as the running workflow reports it."""
    await get_case(intake=intake, case_id=case_id, caller=caller)
    async with _journey_answers():
        return _started(case_id, await intake.journeys.status(case_id))


async def journey_timeline(*, intake: Intake, case_id: str, caller: Principal) -> JourneyTimeline:
    await get_case(intake=intake, case_id=case_id, caller=caller)
    async with _journey_answers():
        return _started(case_id, await intake.journeys.timeline(case_id))


async def act_on_journey(
    *, intake: Intake, case_id: str, update: str, request: BaseModel, caller: Principal
) -> UpdateOutcome:
    """A caseworker action on the journey (a Temporal update); 409 with the reason when its rules refuse."""
    await get_case(intake=intake, case_id=case_id, caller=caller)
    try:
        async with _journey_answers():
            outcome = await intake.journeys.act(case_id, update, request)
    except JourneyActionRefused as refused:
        raise DomainError(409, "journey_action_refused", str(refused)) from refused
    return _started(case_id, outcome)


Answer = TypeVar("Answer")


@asynccontextmanager
async def _journey_answers() -> AsyncIterator[None]:
    """Temporal not answering is a 503 the caller may retry, not a server error."""
    try:
        yield
    except JourneyUnavailable as unavailable:
        raise DomainError(
            503, "journey_unavailable", f"The journey did not answer in time: {unavailable}"
        ) from unavailable


def _started(case_id: str, answer: Answer | None) -> Answer:
    if answer is None:
        raise DomainError(404, "journey_not_started", f"The journey of case {case_id} has not started yet")
    return answer
