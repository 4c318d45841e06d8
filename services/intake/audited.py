"""What intake writes to the audit log: the worker's records a use case reads or changes, and their fields."""

from enum import StrEnum

from services.intake.schemas import (
    ConsentRequest,
    ConsentView,
    ProfileVersion,
    RegisteredWorker,
    WorkerRegistration,
)


class Resource(StrEnum):
    """The worker's records; every audit record names the case they belong to as its resource id."""

    WORKER_CASE = "worker_case"
    SKILLS_PROFILE = "skills_profile"
    CONSENT = "consent"


CASE_SHOWN = tuple(name for name in RegisteredWorker.model_fields if name != "case_id")
REGISTERED = tuple(WorkerRegistration.model_fields)
STATUS_CHANGED = ("status", "assistant_id")
PROFILE_SHOWN = tuple(name for name in ProfileVersion.model_fields if name != "case_id")
PROFILE_RECORDED = ("profile",)
CONSENT_SHOWN = tuple(name for name in ConsentView.model_fields if name != "case_id")
CONSENT_GRANTED = tuple(ConsentRequest.model_fields)
CONSENT_WITHDRAWN = ("withdrawn_at",)
