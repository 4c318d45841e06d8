"""Request and response bodies of the benefits API."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from contracts.events.benefits import ApplicationKind
from contracts.events.intake import Agency
from services.benefits.domain import MASKED_RESIDENT_ID


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplicationRequest(Body):
    """An application, created by an assistant or by the journey. `application_key` makes it idempotent."""

    application_key: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")
    case_id: str = Field(min_length=1, max_length=36)
    kind: ApplicationKind
    assistant_id: str | None = Field(default=None, max_length=36)
    full_name: str = Field(min_length=1, max_length=50, examples=["张伟"])
    resident_id_masked: str = Field(examples=["1101**********1234"])
    requested_amount_yuan: int | None = Field(default=None, description="A micro_loan's amount asked for")
    term_months: int | None = Field(default=None, description="A micro_loan's term")
    business_kind: str | None = Field(default=None, max_length=100, examples=["breakfast stall"])

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = value.strip()
        if not name or any(not character.isprintable() for character in name):
            raise ValueError("must be a printable name")
        return name

    @field_validator("resident_id_masked")
    @classmethod
    def _masked(cls, value: str) -> str:
        if not MASKED_RESIDENT_ID.match(value):
            raise ValueError("must be a masked resident ID: 4 digits, 10 '*', 3 digits and a digit or X")
        return value


class Withdrawal(Body):
    reason: str = Field(min_length=1, max_length=500)


class Decision(Body):
    """The agency's decision; an approved loan states amount, term, guarantee and interest subsidy."""

    decision: Literal["approved", "rejected"]
    reason: str | None = Field(default=None, max_length=1000)
    amount_yuan: int | None = None
    term_months: int | None = None
    guarantee: str | None = Field(default=None, max_length=200, examples=["guarantee fund"])
    interest_subsidy_percent: int | None = Field(default=None, ge=0, le=100)


class ApplicationView(BaseModel):
    """An application as staff see it (the worker's name and ID stay in the agency's feed)."""

    application_id: str
    application_key: str
    case_id: str
    kind: ApplicationKind
    agency: Agency
    status: str
    assistant_id: str | None
    requested_amount_yuan: int | None
    term_months: int | None
    business_kind: str | None
    due_on: date
    submitted_at: datetime
    reminded_at: datetime | None
    overdue_at: datetime | None
    decision_reason: str | None
    amount_yuan: int | None
    decided_term_months: int | None
    guarantee: str | None
    interest_subsidy_percent: int | None
    decided_at: datetime | None
    withdrawn_at: datetime | None


class AgencyApplicationView(BaseModel):
    """An application as its agency sees it: the agency's feed fields, the status and the decision."""

    application: dict[str, Any] = Field(description="Exactly the fields of the agency's feed message")
    status: str
    decided_at: datetime | None
    amount_yuan: int | None


class WebhookRegistration(Body):
    url: AnyHttpUrl
    secret: str = Field(min_length=32, max_length=200, description="Shared HMAC secret, 32+ characters")


class WebhookView(BaseModel):
    agency: Agency
    url: str
    registered_at: datetime


class DeliveryView(BaseModel):
    delivery_id: str
    agency: Agency
    application_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
