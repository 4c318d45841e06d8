"""What a RestructuringPlan workflow asks of intake: vote reminders and taking the roster in. Idempotent."""

import httpx
from pydantic import BaseModel
from temporalio import activity

from workflows.activities import acting_for, succeed_or_raise


class VoteReminder(BaseModel):
    plan_id: str
    reminder_key: str
    revision: int
    days_left: int


class RosterIntake(BaseModel):
    plan_id: str


class RosterTakenIn(BaseModel):
    lodged: bool
    case_ids: list[str] = []


class RestructuringActivities:
    def __init__(self, *, intake: httpx.AsyncClient) -> None:
        self.intake = intake

    @activity.defn(name="remind_congress_vote")
    async def remind_congress_vote(self, reminder: VoteReminder) -> None:
        response = await self.intake.post(
            f"/restructuring-plans/{reminder.plan_id}/vote-reminders",
            json=reminder.model_dump(exclude={"plan_id"}),
            headers=acting_for("reminding the worker congress"),
        )
        succeed_or_raise(response, f"reminding the congress of plan {reminder.plan_id}")

    @activity.defn(name="take_in_roster")
    async def take_in_roster(self, request: RosterIntake) -> RosterTakenIn:
        response = await self.intake.post(
            f"/restructuring-plans/{request.plan_id}/roster/intake",
            headers=acting_for("taking in the workers of an approved restructuring plan"),
        )
        if response.status_code == 404 and response.json().get("error") == "roster_not_lodged":
            return RosterTakenIn(lodged=False)
        succeed_or_raise(response, f"taking in the roster of plan {request.plan_id}")
        return RosterTakenIn(lodged=True, case_ids=response.json()["case_ids"])
