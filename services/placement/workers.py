"""The worker view: what placement knows of each worker, kept from intake's and training's events.

Events of one case come in order per topic, but intake's and training's topics interleave freely, so every
change starts from `ensure_worker` (a row may be created by whichever event comes first) and a skills
profile only replaces an older version.
"""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import (
    CaseAssigned,
    CaseClosed,
    CaseReopened,
    SkillsProfileUpdated,
    WorkerRegistered,
)
from contracts.occupations import OccupationArea
from services.common.upserts import Upsert
from services.placement.collaborators import Placement
from services.placement.guards import require
from services.placement.models import Worker, WorkerInterest
from services.placement.scoring import normalise, parse_skill

AREAS = frozenset(area.value for area in OccupationArea)


class CertificateIssued(BaseModel):
    """The fields placement reads of `training.certificate_issued.v1` (the training contract has more)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    case_id: str
    certificate_number: str
    occupation_area: OccupationArea
    certificate_name: str
    issued_at: datetime


def as_code(word: str) -> str:
    """'Elderly care' → 'elderly_care': desired occupations and forms compared with our codes."""
    return "_".join(word.lower().replace("-", " ").split())


def _empty_worker(case_id: str, now: datetime) -> dict[str, Any]:
    """The row of a worker no event has told anything about yet."""
    return {
        "case_id": case_id,
        "hardship_flags": [],
        "skills": {},
        "profile_certificates": [],
        "training_certificates": [],
        "desired_occupations": [],
        "desired_forms": [],
        "profile_version": 0,
        "match_facts": {},
        "case_open": True,
        "registered": False,
        "updated_at": now,
        "version": 1,
    }


_WORKERS = Worker.__table__.c
_FIRST_EVENT = Upsert(
    Worker,
    lambda insert: insert.on_conflict_do_nothing(index_elements=["case_id"]).returning(_WORKERS.case_id),
)
"""Inserts the worker's row if no event came before; returns the case id only when it did."""
_ASSIGNED = Upsert(
    Worker,
    lambda insert: insert.on_conflict_do_update(
        index_elements=["case_id"],
        set_={
            "assistant_id": insert.excluded.assistant_id,
            "updated_at": insert.excluded.updated_at,
            "version": _WORKERS.version + 1,
        },
    ),
)


async def ensure_worker(session: AsyncSession, case_id: str) -> Worker:
    """The worker's row, created empty if no event about them came before; locked for this transaction."""
    await _FIRST_EVENT.run(session, _empty_worker(case_id, datetime.now(UTC)))
    worker = await session.get(Worker, case_id, with_for_update=True, populate_existing=True)
    assert worker is not None
    return worker


async def apply_registration(session: AsyncSession, event: WorkerRegistered) -> None:
    """One INSERT when the registration is the first event about the worker, as it nearly always is;
    otherwise the row that an earlier event created is completed."""
    row = _empty_worker(event.case_id, datetime.now(UTC)) | {
        "community_code": event.community_code,
        "hardship_flags": sorted(event.hardship_flags),
        "registered": True,
    }
    row["match_facts"] = facts(Worker(**row))
    if (await _FIRST_EVENT.run(session, row)).first() is not None:
        return
    worker = await ensure_worker(session, event.case_id)
    worker.community_code = event.community_code
    worker.hardship_flags = row["hardship_flags"]
    worker.registered = True
    worker.updated_at = row["updated_at"]
    worker.match_facts = facts(worker)


async def apply_profile(session: AsyncSession, event: SkillsProfileUpdated) -> None:
    worker = await ensure_worker(session, event.case_id)
    if event.version <= worker.profile_version:
        return
    skills: dict[str, int] = {}
    for skill in event.skills:
        name, level = parse_skill(skill)
        if name:
            skills[name] = max(level, skills.get(name, 0))
    worker.skills = skills
    worker.profile_certificates = sorted({normalise(name) for name in event.certificates if name.strip()})
    worker.desired_occupations = sorted({as_code(name) for name in event.desired_occupations})
    worker.desired_forms = sorted({as_code(name) for name in event.desired_employment_forms})
    worker.profile_version = event.version
    worker.updated_at = datetime.now(UTC)
    worker.match_facts = facts(worker)
    await _index_interests(session, worker)


async def apply_certificate(session: AsyncSession, event: CertificateIssued) -> None:
    worker = await ensure_worker(session, event.case_id)
    held = [c for c in worker.training_certificates if c["number"] != event.certificate_number]
    certificate = {
        "number": event.certificate_number,
        "name": normalise(event.certificate_name),
        "occupation_area": event.occupation_area.value,
        "issued_on": event.issued_at.date().isoformat(),
    }
    worker.training_certificates = [*held, certificate]
    worker.updated_at = datetime.now(UTC)
    worker.match_facts = facts(worker)
    await _index_interests(session, worker)


async def apply_assignment(session: AsyncSession, event: CaseAssigned) -> None:
    """One upsert: the assistant is the only thing an assignment changes."""
    row = _empty_worker(event.case_id, datetime.now(UTC)) | {"assistant_id": event.assistant_id}
    await _ASSIGNED.run(session, row)


async def apply_case_open(session: AsyncSession, event: CaseClosed | CaseReopened) -> None:
    worker = await ensure_worker(session, event.case_id)
    worker.case_open = isinstance(event, CaseReopened)
    worker.updated_at = datetime.now(UTC)


def interests(worker: Worker) -> set[str]:
    """Occupation areas the worker asked for or holds a certificate in."""
    areas = {area for area in worker.desired_occupations if area in AREAS}
    areas.update(c["occupation_area"] for c in worker.training_certificates)
    return areas


async def _index_interests(session: AsyncSession, worker: Worker) -> None:
    await session.execute(delete(WorkerInterest).where(WorkerInterest.case_id == worker.case_id))
    rows = [{"occupation_area": area, "case_id": worker.case_id} for area in sorted(interests(worker))]
    if rows:
        await session.execute(insert(WorkerInterest), rows)


def facts(worker: Worker) -> dict[str, Any]:
    """The worker's matching facts in one document: flags, skills with levels, certificates as
    [name, area or null], desired occupations and forms."""
    from_training = [[c["name"], c["occupation_area"]] for c in worker.training_certificates]
    return {
        "flags": worker.hardship_flags,
        "skills": worker.skills,
        "certificates": [*from_training, *([name, None] for name in worker.profile_certificates)],
        "occupations": worker.desired_occupations,
        "forms": worker.desired_forms,
    }


async def get_worker(*, placement: Placement, case_id: str) -> Worker:
    async with placement.sessions() as session:
        return await require(session, Worker, case_id, what="worker")
