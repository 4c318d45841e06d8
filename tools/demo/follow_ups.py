"""The labour assistants' follow-ups: every open task the journeys put into placement is visited and recorded.

What the worker says depends on their fate: steady work with a contract and social insurance, flexible
work without either, a business's income, or, for some, no longer working at the second follow-up.
"""

import asyncio
import contextlib
from typing import Any

import httpx

from tools.demo.api import Api, Refused
from tools.demo.district import Fate, Worker
from tools.demo.progress import Progress

POLL_SECONDS = 2.0


def outcome(fate: Fate | None, sequence: int) -> dict[str, Any]:
    """What the follow-up records for a worker of `fate` (None: a worker of an earlier run)."""
    if fate is Fate.QUIT and sequence >= 2:
        return {
            "still_working": False,
            "has_labour_contract": False,
            "social_insurance": False,
            "satisfaction": 2,
            "problems_raised": ["工作强度大 已离职"],
        }
    if fate is Fate.FLEXIBLE:
        return {
            "still_working": True,
            "has_labour_contract": False,
            "social_insurance": False,
            "monthly_earnings_yuan": 1800,
            "satisfaction": 3,
            "problems_raised": ["希望签订劳动合同"],
        }
    if fate is Fate.BUSINESS:
        return {
            "still_working": True,
            "has_labour_contract": False,
            "social_insurance": False,
            "monthly_earnings_yuan": 4500,
            "satisfaction": 4,
        }
    return {
        "still_working": True,
        "has_labour_contract": True,
        "social_insurance": True,
        "monthly_earnings_yuan": 3800,
        "satisfaction": 4 + sequence % 2,
    }


class FollowUps:
    """Completes open follow-up tasks as they appear, until stopped."""

    def __init__(self, api: Api, progress: Progress, cases: dict[str, Worker]) -> None:
        self.api = api
        self.progress = progress
        self.cases = cases

    async def visit_until(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.visit_open_tasks()
            except (Refused, httpx.HTTPError) as failure:
                self.progress.note("follow-up tasks not read this time: {!r}", failure)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)

    async def visit_open_tasks(self) -> None:
        tasks = await self.api.call(
            "GET", "placement", "/follow-up-tasks", params={"status": "open", "limit": "500"}
        )
        await asyncio.gather(*(self._complete(task) for task in tasks))

    async def _complete(self, task: dict[str, Any]) -> None:
        worker = self.cases.get(task["case_id"])
        recorded = outcome(worker.fate if worker else None, task["sequence"])
        try:
            await self.api.call(
                "POST", "placement", f"/follow-up-tasks/{task['task_key']}/completion", json=recorded
            )
        except (Refused, httpx.HTTPError) as failure:
            self.progress.note("follow-up {} not recorded: {!r}", task["task_key"], failure)
            return
        self.progress.count("follow_ups")
