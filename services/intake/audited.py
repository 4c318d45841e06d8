"""What intake writes to the audit log: the worker's records a use case reads or changes, and their fields."""

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.audit import Access, AuditAction
from services.intake.collaborators import Intake
from services.intake.schemas import (
    ConsentRequest,
    ConsentView,
    GuidanceSessionIn,
    GuidanceSessionOut,
    PlanProposal,
    PlanRevisionOut,
    ProfileVersion,
    RegisteredWorker,
    StatusChange,
    WorkerRegistration,
)


class Resource(StrEnum):
    """The worker's records; an audit record names the case they belong to as its resource id (a roster,
    lodged before any case is opened, is named by its restructuring plan's id)."""

    WORKER_CASE = "worker_case"
    STATUS_HISTORY = "status_history"
    SKILLS_PROFILE = "skills_profile"
    CONSENT = "consent"
    GUIDANCE_SESSION = "guidance_session"
    PLAN = "plan"
    PLAN_ROSTER = "plan_roster"
    RESIDENT_ID = "resident_id"


def _shown(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name in model.model_fields if name != "case_id")


FIELDS: dict[tuple[AuditAction, Resource], tuple[str, ...]] = {
    (AuditAction.CREATE, Resource.WORKER_CASE): tuple(WorkerRegistration.model_fields),
    (AuditAction.READ, Resource.WORKER_CASE): tuple(
        name for name in _shown(RegisteredWorker) if name != "resident_id"
    ),
    (AuditAction.READ, Resource.RESIDENT_ID): ("resident_id",),
    (AuditAction.UPDATE, Resource.WORKER_CASE): ("status", "assistant_id"),
    (AuditAction.READ, Resource.STATUS_HISTORY): tuple(StatusChange.model_fields),
    (AuditAction.CREATE, Resource.SKILLS_PROFILE): ("profile",),
    (AuditAction.READ, Resource.SKILLS_PROFILE): _shown(ProfileVersion),
    (AuditAction.CREATE, Resource.CONSENT): tuple(ConsentRequest.model_fields),
    (AuditAction.UPDATE, Resource.CONSENT): ("withdrawn_at",),
    (AuditAction.READ, Resource.CONSENT): _shown(ConsentView),
    (AuditAction.CREATE, Resource.GUIDANCE_SESSION): tuple(GuidanceSessionIn.model_fields),
    (AuditAction.READ, Resource.GUIDANCE_SESSION): _shown(GuidanceSessionOut),
    (AuditAction.CREATE, Resource.PLAN): tuple(PlanProposal.model_fields),
    (AuditAction.UPDATE, Resource.PLAN): ("status", "agreed_at", "approved_at", "approved_by"),
    (AuditAction.READ, Resource.PLAN): _shown(PlanRevisionOut),
    (AuditAction.CREATE, Resource.PLAN_ROSTER): tuple(WorkerRegistration.model_fields),
}
"""The fields each use case reads or writes, by action and record."""


async def record(
    session: AsyncSession,
    intake: Intake,
    access: Access,
    action: AuditAction,
    resource: Resource,
    resource_ids: Sequence[str],
) -> None:
    """Append to the audit log inside `session`'s transaction: one record per case shown or changed."""
    await intake.audit.record(
        session,
        access,
        action=action,
        resource_type=resource,
        resource_ids=resource_ids,
        fields=FIELDS[action, resource],
    )
