"""What benefits writes to the audit log: the worker's applications and agency feed messages a use case
reads or changes, and their fields. A record names the worker's case as its resource id, as intake's do."""

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.benefits import FEED_MODELS
from contracts.events.intake import Agency
from services.benefits.collaborators import BenefitsOffice
from services.benefits.schemas import AgencyApplicationView, ApplicationRequest, ApplicationView
from services.common.audit import Access, AuditAction


class Resource(StrEnum):
    APPLICATION = "benefit_application"
    """The application as staff see it (the worker's name and masked ID are stored, encrypted, not shown)."""
    AGENCY_FEED = "agency_feed"
    """The application as its agency sees it: the worker's name and masked ID, among its feed's fields."""


STAFF_FIELDS = tuple(name for name in ApplicationView.model_fields if name != "case_id")
DECISION_FIELDS = (
    "status",
    "decision_reason",
    "amount_yuan",
    "decided_term_months",
    "guarantee",
    "interest_subsidy_percent",
    "decided_at",
)
SUBMITTED_FIELDS = tuple(name for name in ApplicationRequest.model_fields if name != "case_id")
WITHDRAWN_FIELDS = ("status", "decision_reason", "withdrawn_at")


def feed_fields(agency: Agency | str) -> tuple[str, ...]:
    """What an agency reads of an application: its feed model's fields, the status and the decision."""
    shown = tuple(name for name in AgencyApplicationView.model_fields if name != "application")
    return tuple(FEED_MODELS[Agency(agency)].model_fields) + shown


async def record(
    session: AsyncSession,
    office: BenefitsOffice,
    access: Access,
    action: AuditAction,
    resource: Resource,
    case_ids: Sequence[str],
    fields: Sequence[str],
) -> None:
    """Append to the audit log inside `session`'s transaction: one record per case shown or changed."""
    await office.audit.record(
        session, access, action=action, resource_type=resource, resource_ids=case_ids, fields=fields
    )
