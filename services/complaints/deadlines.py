"""The deadline a complaint's `ComplaintResolution` workflow is running: read and extended in Temporal."""

from typing import Any, Protocol

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.complaint_workflow import (
    DEADLINES_QUERY,
    EXTEND_DEADLINE_UPDATE,
    ComplaintDeadlines,
    DeadlineExtension,
    complaint_workflow_id,
)
from services.common.errors import DomainError
from services.common.temporal import LazyTemporalClient
from services.complaints.access import Reader, require_station_staff
from services.complaints.domain import Role
from services.complaints.schemas import ExtensionIn


class ComplaintWorkflows(Protocol):
    async def deadlines(self, complaint_id: str) -> ComplaintDeadlines: ...

    async def extend(self, complaint_id: str, extension: DeadlineExtension) -> ComplaintDeadlines: ...


class TemporalComplaintWorkflows:
    """Asks the complaint's workflow; 404 when it does not run (yet), 422 when it refuses an extension."""

    def __init__(self, temporal: LazyTemporalClient) -> None:
        self.temporal = temporal

    async def deadlines(self, complaint_id: str) -> ComplaintDeadlines:
        handle = await self._handle(complaint_id)
        try:
            answer: ComplaintDeadlines = await handle.query(DEADLINES_QUERY, result_type=ComplaintDeadlines)
        except RPCError as error:
            raise _not_running(error, complaint_id) from error
        return answer

    async def extend(self, complaint_id: str, extension: DeadlineExtension) -> ComplaintDeadlines:
        handle = await self._handle(complaint_id)
        try:
            answer: ComplaintDeadlines = await handle.execute_update(
                EXTEND_DEADLINE_UPDATE, extension, result_type=ComplaintDeadlines
            )
        except WorkflowUpdateFailedError as refused:
            reason = str(getattr(refused.cause, "message", refused.cause))
            raise DomainError(
                422,
                "deadline_extension_refused",
                "The complaint's workflow refused the extension",
                [{"field": "working_days", "reason": reason}],
            ) from refused
        except RPCError as error:
            raise _not_running(error, complaint_id) from error
        return answer

    async def _handle(self, complaint_id: str) -> WorkflowHandle[Any, Any]:
        try:
            client = await self.temporal.get()
        except RuntimeError as error:
            raise DomainError(
                503, "workflows_unavailable", "Temporal cannot be reached; deadlines are still kept"
            ) from error
        return client.get_workflow_handle(complaint_workflow_id(complaint_id))


def _not_running(error: RPCError, complaint_id: str) -> DomainError:
    if error.status == RPCStatusCode.NOT_FOUND:
        return DomainError(
            404,
            "complaint_workflow_not_found",
            f"No workflow runs for complaint {complaint_id} (yet, or any more)",
        )
    return DomainError(
        503, "workflows_unavailable", f"Temporal answered {error.status.name}: {error.message}"
    )


async def read_deadlines(
    *, workflows: ComplaintWorkflows, complaint_id: str, reader: Reader
) -> ComplaintDeadlines:
    require_station_staff(reader)
    return await workflows.deadlines(complaint_id)


async def extend_deadline(
    *, workflows: ComplaintWorkflows, complaint_id: str, extension: ExtensionIn, reader: Reader
) -> ComplaintDeadlines:
    """Only a supervisor extends a deadline; the workflow checks the rest (its validator)."""
    if reader.role != Role.SUPERVISOR:
        raise DomainError(
            403,
            "complaint_access_refused",
            "Only a supervisor extends a deadline",
            details={"role": reader.role},
        )
    return await workflows.extend(
        complaint_id, DeadlineExtension(working_days=extension.working_days, reason=extension.reason)
    )
