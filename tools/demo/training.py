"""Training in cohorts: workers of one course gather for a few seconds, then a provider publishes a class.

The class's sessions start moments after it is published, so attendance is taken as soon as they start,
and the results follow the last session: a certificate for those who pass, a failed assessment for the rest.
"""

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tools.demo.api import Api
from tools.demo.progress import Progress
from tools.demo.provider_clients import ProviderClients

SESSIONS = 3
LEAD_SECONDS = 4.0
"""How long after publication the first session starts: time for the cohort to enrol."""
WAITING_FOR_TRAINING = ("case_unknown", "consent_required")
"""Refusals of an enrolment that last until training has heard of the case and its consent."""


@dataclass(frozen=True)
class Trainee:
    case_id: str
    assistant_id: str
    passes: bool


@dataclass
class Cohort:
    members: list[tuple[Trainee, "asyncio.Future[bool]"]] = field(default_factory=list)


class Cohorts:
    """Gathers trainees per course and runs a class for each cohort."""

    def __init__(
        self,
        api: Api,
        progress: Progress,
        *,
        providers: list[str],
        clients: ProviderClients,
        gather_seconds: float,
        size: int = 25,
    ) -> None:
        self.api = api
        self.progress = progress
        self.providers = providers
        self.clients = clients
        self.gather_seconds = gather_seconds
        self.size = size
        self._open: dict[str, Cohort] = {}
        self._classes = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def train(self, course_id: str, trainee: Trainee) -> bool:
        """Wait for the trainee's class to conclude; whether they passed."""
        passed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        cohort = self._open.get(course_id)
        if cohort is None:
            cohort = self._open[course_id] = Cohort()
            self._spawn(self._after_gathering(course_id, cohort))
        cohort.members.append((trainee, passed))
        if len(cohort.members) >= self.size:
            self._start(course_id, cohort)
        return await passed

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after_gathering(self, course_id: str, cohort: Cohort) -> None:
        await asyncio.sleep(self.gather_seconds)
        self._start(course_id, cohort)

    def _start(self, course_id: str, cohort: Cohort) -> None:
        if self._open.get(course_id) is cohort:
            del self._open[course_id]
            self._spawn(self._run(course_id, cohort))

    async def _run(self, course_id: str, cohort: Cohort) -> None:
        try:
            await self._hold_class(course_id, cohort)
        except Exception as failure:
            for _, passed in cohort.members:
                if not passed.done():
                    passed.set_exception(failure)

    async def _hold_class(self, course_id: str, cohort: Cohort) -> None:
        provider_id = self.providers[self._classes % len(self.providers)]
        self._classes += 1
        first = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)
        today = date.today()
        body = {
            "course_id": course_id,
            "venue": f"第{self._classes}实训室",
            "capacity": len(cohort.members) + 5,
            "enrolment_opens_on": (today - timedelta(days=1)).isoformat(),
            "enrolment_closes_on": (today + timedelta(days=7)).isoformat(),
            "sessions": [
                {
                    "starts_at": (first + timedelta(seconds=number)).isoformat(),
                    "ends_at": (first + timedelta(hours=3)).isoformat(),
                    "topic": f"第{number + 1}课",
                }
                for number in range(SESSIONS)
            ],
        }
        published = await self.api.call(
            "POST",
            "training",
            f"/providers/{provider_id}/classes",
            json=body,
            token=await self.clients.token(provider_id),
        )
        class_path = f"/providers/{provider_id}/classes/{published['class_id']}"
        enrolled = await asyncio.gather(
            *(self._enrol(published["class_id"], trainee) for trainee, _ in cohort.members),
            return_exceptions=True,
        )
        present = []
        for outcome, (trainee, passed) in zip(enrolled, cohort.members, strict=True):
            if isinstance(outcome, BaseException):
                passed.set_exception(outcome)
            else:
                present.append((outcome, trainee, passed))
        if not present:
            return
        for session in published["sessions"]:
            await _until(datetime.fromisoformat(session["starts_at"]))
            marks = [{"enrolment_id": enrolment, "present": True} for enrolment, _, _ in present]
            path = f"{class_path}/sessions/{session['session_id']}/attendance"
            token = await self.clients.token(provider_id)
            await self.api.call("POST", "training", path, json={"marks": marks}, token=token)
        results = [{"enrolment_id": enrolment, "passed": trainee.passes} for enrolment, trainee, _ in present]
        token = await self.clients.token(provider_id)
        await self.api.call(
            "POST", "training", f"{class_path}/results", json={"assessments": results}, token=token
        )
        for _, trainee, passed in present:
            self.progress.count("trained" if trainee.passes else "failed")
            passed.set_result(trainee.passes)

    async def _enrol(self, class_id: str, trainee: Trainee) -> str:
        body = {"case_id": trainee.case_id, "assistant_id": trainee.assistant_id}
        enrolment = await self.api.until(
            "POST", "training", f"/classes/{class_id}/enrolments", json=body, waiting_for=WAITING_FOR_TRAINING
        )
        self.progress.count("enrolled")
        enrolment_id: str = enrolment["enrolment_id"]
        return enrolment_id


async def _until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))
