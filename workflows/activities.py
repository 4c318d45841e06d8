"""The journey's activities: what a journey asks of the services. Each is idempotent.

- Publishing a journey event goes through intake's `POST /journey-events`, which writes it to intake's outbox
  (deduplicated by event id) and keeps the case's journey stage for search, in one transaction. The event id
  is made by the workflow, so a retried activity writes nothing twice.
- A follow-up task is created with `PUT /follow-up-tasks/{task_key}` on placement; the key is the journey's.
  It is cancelled there (`POST …/cancellation`) when the work it follows ends or the journey closes.
- Policy support is applied for with `POST /applications` on benefits, keyed by the journey's application key,
  with the worker's name and masked ID read from intake. Without the worker's consent to the competent
  agency there is no application, and the journey's timeline says so.
"""

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.envelope import Envelope
from services.common.http import CORRELATION_HEADER
from workflows.journey_memory import ApplyForPolicySupport, CancelFollowUpTask, CreateFollowUpTask

RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


def acting_for(purpose: str) -> dict[str, str]:
    """Why the activity uses personal data, for the services' audit logs; who acts is the worker's own
    client-credentials token, which its HTTP clients carry."""
    return {"X-Reemploy-Purpose": purpose}


class JourneyActivities:
    def __init__(
        self, *, intake: httpx.AsyncClient, placement: httpx.AsyncClient, benefits: httpx.AsyncClient
    ) -> None:
        self.intake = intake
        self.placement = placement
        self.benefits = benefits

    @activity.defn(name="publish_journey_event")
    async def publish_journey_event(self, envelope: Envelope) -> None:
        response = await self.intake.post(
            "/journey-events",
            content=envelope.to_bytes(),
            headers={
                "content-type": "application/json",
                CORRELATION_HEADER: envelope.correlationid,
                **acting_for("the worker's journey"),
            },
        )
        succeed_or_raise(response, f"publishing {envelope.type} {envelope.id}")

    @activity.defn(name="create_follow_up_task")
    async def create_follow_up_task(self, task: CreateFollowUpTask) -> None:
        body = task.model_dump(mode="json", exclude={"action", "task_key"})
        response = await self.placement.put(f"/follow-up-tasks/{task.task_key}", json=body)
        succeed_or_raise(response, f"creating follow-up task {task.task_key}")

    @activity.defn(name="cancel_follow_up_task")
    async def cancel_follow_up_task(self, task: CancelFollowUpTask) -> None:
        """A task that is gone or was completed meanwhile needs no cancelling."""
        response = await self.placement.post(
            f"/follow-up-tasks/{task.task_key}/cancellation", json={"reason": task.reason[:200]}
        )
        if response.status_code in (404, 409):
            return
        succeed_or_raise(response, f"cancelling follow-up task {task.task_key}")

    @activity.defn(name="apply_for_policy_support")
    async def apply_for_policy_support(self, application: ApplyForPolicySupport) -> str:
        """What became of the application, for the journey's timeline."""
        purpose = acting_for(f"applying for {application.kind} on the worker's behalf")
        found = await self.intake.get(f"/workers/{application.case_id}", headers=purpose)
        succeed_or_raise(found, f"reading case {application.case_id}")
        worker = found.json()
        body = {
            "application_key": application.application_key,
            "case_id": application.case_id,
            "kind": application.kind,
            "assistant_id": application.assistant_id,
            "full_name": worker["full_name"],
            "resident_id_masked": worker["resident_id_masked"],
            "business_kind": application.business_kind,
        }
        response = await self.benefits.post("/applications", json=body, headers=purpose)
        if response.status_code == 409 and response.json().get("error") == "consent_required":
            return f"{application.kind}: not applied, the worker has not consented to share with its agency"
        succeed_or_raise(response, f"applying for {application.kind}")
        submitted = response.json()
        return f"{application.kind}: applied to {submitted.get('agency')} ({submitted.get('application_id')})"


def succeed_or_raise(response: httpx.Response, what: str) -> None:
    """A refusal (4xx) is final and fails the activity at once; anything else is retried."""
    if response.is_success:
        return
    message = f"{what}: {response.status_code} {response.text[:500]}"
    if response.is_client_error and response.status_code not in RETRYABLE_CLIENT_ERRORS:
        raise ApplicationError(message, type="Refused", non_retryable=True)
    raise ApplicationError(message, type="Unavailable")
