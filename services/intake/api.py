"""Intake routes: parse, call one use case, answer with a response model."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from services.common.http import current_correlation_id
from services.intake import service
from services.intake.schemas import ErrorBody, JourneyView, RegisteredWorker, WorkerRegistration

router = APIRouter(tags=["workers"])

CaseId = Annotated[str, Path(min_length=36, max_length=36, description="The case id")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON"},
    413: {"model": ErrorBody, "description": "Body too large"},
    422: {"model": ErrorBody, "description": "Invalid field"},
}
REGISTRATION_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {
        "model": ErrorBody,
        "description": "The person already has an open case; `details.case_id` names it",
    },
}


def _intake(request: Request) -> service.Intake:
    intake: service.Intake = request.app.state.intake
    return intake


IntakeDep = Annotated[service.Intake, Depends(_intake)]


def _registered(case: object) -> RegisteredWorker:
    return RegisteredWorker.model_validate(case, from_attributes=True)


@router.post("/workers", status_code=201, response_model=RegisteredWorker, responses=REGISTRATION_ERRORS)
async def register_worker(registration: WorkerRegistration, intake: IntakeDep) -> RegisteredWorker:
    """Register a laid-off worker: opens a case and starts their journey."""
    case = await service.register_worker(
        intake=intake, registration=registration, correlation_id=current_correlation_id()
    )
    return _registered(case)


@router.get("/workers/{case_id}", response_model=RegisteredWorker, responses={404: {"model": ErrorBody}})
async def get_worker(case_id: CaseId, intake: IntakeDep) -> RegisteredWorker:
    return _registered(await service.get_case(intake=intake, case_id=case_id))


@router.get("/workers/{case_id}/journey", response_model=JourneyView, responses={404: {"model": ErrorBody}})
async def get_journey(case_id: CaseId, intake: IntakeDep) -> JourneyView:
    """The worker's current journey stage, read from the running workflow."""
    status = await service.journey_of(intake=intake, case_id=case_id)
    return JourneyView(case_id=status.case_id, stage=status.stage, stage_since=status.stage_since)
