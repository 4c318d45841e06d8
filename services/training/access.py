"""Who may call what: the scope each kind of work needs, a provider acting only on its own classes, and a
labour assistant reaching only the cases of their community.

Training knows a case's community (intake's `worker_registered`) but not its street, so a supervisor whose
token is limited to one street reaches no case here: refusing is the safe side of not knowing.
"""

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import select

from services.common import scopes
from services.common.auth import Principal, require
from services.common.errors import DomainError
from services.training.collaborators import Training
from services.training.models import Enrolment, KnownCase

ProvidingClient = Annotated[Principal, Depends(require(scopes.TRAINING_PROVIDE))]
Reader = Annotated[Principal, Depends(require(scopes.TRAINING_READ))]
"""Staff reading providers, courses, classes, enrolments, certificates and statistics."""
Manager = Annotated[Principal, Depends(require(scopes.TRAINING_MANAGE))]
"""Supervisors registering and accrediting providers and keeping the course catalogue."""
CaseWriter = Annotated[Principal, Depends(require(scopes.CASES_WRITE))]
"""A labour assistant enrolling a worker or withdrawing them: recording on the worker's case."""


def require_own_provider(caller: Principal, provider_id: str) -> None:
    """A provider client acts only for the provider its token names (403 `provider_mismatch` otherwise)."""
    if caller.provider_id != provider_id:
        raise DomainError(
            403,
            "provider_mismatch",
            f"The token acts for {caller.provider_id or 'no provider'}, not {provider_id}",
            details={"provider_id": provider_id},
        )


async def acting_provider(
    provider_id: Annotated[str, Path(min_length=36, max_length=36)], caller: ProvidingClient
) -> Principal:
    """The route dependency of `/providers/{provider_id}/classes…`: 401 without a token, 403
    `insufficient_scope` without `training:provide`, 403 `provider_mismatch` for another provider's token."""
    require_own_provider(caller, provider_id)
    return caller


def _reaches(caller: Principal, community_code: str | None) -> bool:
    return caller.reaches_case(community_code=community_code, street_code=None)


async def require_case_reach(training: Training, caller: Principal, case_id: str) -> None:
    """403 `case_out_of_reach` when the caller may not act on this worker's case. A case training has not
    heard of is left to the use case (404 or 422, an empty list): there is nothing of it to reveal."""
    async with training.sessions() as session:
        known = await session.get(KnownCase, case_id)
    if known is not None and not _reaches(caller, known.community_code):
        raise DomainError(
            403,
            "case_out_of_reach",
            f"The case {case_id} is not in the caller's reach",
            details={"case_id": case_id},
        )


async def require_enrolment_reach(training: Training, caller: Principal, enrolment_id: str) -> None:
    """The reach check on the case of an enrolment; an unknown enrolment is left for the use case (404)."""
    async with training.sessions() as session:
        case_id = await session.scalar(
            select(Enrolment.case_id).where(Enrolment.enrolment_id == enrolment_id)
        )
    if case_id is not None:
        await require_case_reach(training, caller, case_id)


async def reachable_cases(training: Training, caller: Principal, case_ids: Iterable[str]) -> set[str]:
    """Of these cases, the ones the caller reaches: what a list they asked for is filtered to."""
    wanted = set(case_ids)
    if not wanted:
        return wanted
    async with training.sessions() as session:
        rows = await session.execute(
            select(KnownCase.case_id, KnownCase.community_code).where(KnownCase.case_id.in_(wanted))
        )
        communities = {case_id: community for case_id, community in rows}
    return {case_id for case_id in wanted if _reaches(caller, communities.get(case_id))}
