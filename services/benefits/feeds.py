"""The agency feeds: each application becomes one minimal message for its agency (and a reminder when its
decision is due soon), published on `feed.<agency>` through the outbox and queued as a signed webhook
delivery, in the same transaction as the change."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events import Event
from contracts.events.benefits import FEED_MODELS, FeedApplication
from contracts.events.intake import Agency
from contracts.ids import uuid7
from contracts.topics import feed_topic
from services.benefits.collaborators import BenefitsOffice
from services.benefits.models import BenefitApplication, FeedDelivery
from services.common.personal_data import PersonalDataProtector

FULL_NAME = "benefit_full_name"
RESIDENT_ID_MASKED = "benefit_resident_id_masked"
DELIVERY_BODY = "feed_delivery_body"


def feed_message(application: BenefitApplication, protector: PersonalDataProtector) -> FeedApplication:
    """The application as its agency receives it: only the fields of that agency's feed model."""
    model = FEED_MODELS[Agency(application.agency)]
    known: dict[str, Any] = {
        "application_id": application.application_id,
        "kind": application.kind,
        "due_on": application.due_on,
        "routed_at": application.submitted_at,
        "full_name": protector.decrypt(application.full_name_encrypted, purpose=FULL_NAME),
        "resident_id_masked": protector.decrypt(
            application.resident_id_masked_encrypted, purpose=RESIDENT_ID_MASKED
        ),
        "requested_amount_yuan": application.requested_amount_yuan,
        "term_months": application.term_months,
        "business_kind": application.business_kind,
    }
    return model.model_validate({field: known[field] for field in model.model_fields})


async def route_to_agency(
    session: AsyncSession, office: BenefitsOffice, application: BenefitApplication, *, correlation_id: str
) -> None:
    """Send the application's feed message to its agency."""
    message = feed_message(application, office.protector)
    await send_to_agency(session, office, application, message, correlation_id=correlation_id)


async def send_to_agency(
    session: AsyncSession,
    office: BenefitsOffice,
    application: BenefitApplication,
    message: Event,
    *,
    correlation_id: str,
) -> None:
    """Publish `message` on the application's agency topic and queue its webhook delivery."""
    envelope = message.envelope(correlation_id=correlation_id)
    await office.outbox.add_envelope(session, envelope, topic=feed_topic(application.agency))
    now = office.clock()
    session.add(
        FeedDelivery(
            delivery_id=str(uuid7()),
            agency=application.agency,
            case_id=application.case_id,
            application_id=application.application_id,
            event_id=envelope.id,
            event_type=envelope.type,
            body_encrypted=office.protector.encrypt(envelope.model_dump_json(), purpose=DELIVERY_BODY),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
