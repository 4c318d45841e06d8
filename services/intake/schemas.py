"""Request and response models of the intake API."""

from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.events.intake import LayoffReason
from contracts.journey import JourneyStage
from services.intake import domain


class WorkerRegistration(BaseModel):
    """A laid-off worker to register."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=50, examples=["张伟"])
    mobile: str = Field(examples=["13800138000"], description="Mainland mobile number")
    community_code: str = Field(pattern=r"^[A-Za-z0-9-]{2,32}$", examples=["ZS-01"])
    layoff_date: date
    layoff_reason: LayoffReason

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return domain.normalise_name(value)

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        return domain.check_mobile(value)

    @field_validator("layoff_date")
    @classmethod
    def _layoff_date(cls, value: date) -> date:
        return domain.check_layoff_date(value, datetime.now(UTC).date())


class RegisteredWorker(BaseModel):
    case_id: str
    community_code: str
    layoff_date: date
    layoff_reason: LayoffReason
    status: str
    registered_at: datetime


class JourneyView(BaseModel):
    case_id: str
    stage: JourneyStage
    stage_since: datetime


class ErrorItem(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    """Every 4xx answer has this shape."""

    error: str = Field(description="A stable, machine-readable code")
    message: str
    errors: list[ErrorItem] = []
