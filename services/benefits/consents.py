"""The local view of workers' consents, from intake's events; a withdrawal stops that agency's feed."""

from datetime import date

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import ConsentGranted, ConsentWithdrawn
from services.benefits.models import Consent, FeedDelivery

CANCELLED_BY_WITHDRAWAL = "the worker withdrew consent to share with this agency"


async def apply_granted(session: AsyncSession, event: ConsentGranted) -> None:
    if await session.get(Consent, event.consent_id) is not None:
        return
    session.add(
        Consent(
            consent_id=event.consent_id,
            case_id=event.case_id,
            agency=event.agency.value,
            purpose=event.purpose,
            expires_on=event.expires_on,
            granted_at=event.granted_at,
        )
    )


async def apply_withdrawn(session: AsyncSession, event: ConsentWithdrawn) -> None:
    """Mark the consent withdrawn; unless another consent to the agency remains, cancel what waits to go."""
    consent = await session.get(Consent, event.consent_id)
    if consent is None:
        session.add(
            Consent(
                consent_id=event.consent_id,
                case_id=event.case_id,
                agency=event.agency.value,
                purpose="",
                expires_on=event.withdrawn_at.date(),
                granted_at=event.withdrawn_at,
                withdrawn_at=event.withdrawn_at,
            )
        )
    elif consent.withdrawn_at is None:
        consent.withdrawn_at = event.withdrawn_at
    await session.flush()
    if await is_active(session, event.case_id, event.agency.value, event.withdrawn_at.date()):
        return
    await session.execute(
        update(FeedDelivery)
        .where(
            FeedDelivery.case_id == event.case_id,
            FeedDelivery.agency == event.agency.value,
            FeedDelivery.status == "pending",
        )
        .values(status="cancelled", last_error=CANCELLED_BY_WITHDRAWAL, version=FeedDelivery.version + 1)
    )


async def is_active(session: AsyncSession, case_id: str, agency: str, today: date) -> bool:
    """Whether the worker has a consent to share with `agency` that is neither withdrawn nor expired."""
    found = await session.scalar(
        select(
            exists().where(
                Consent.case_id == case_id,
                Consent.agency == agency,
                Consent.withdrawn_at.is_(None),
                Consent.expires_on >= today,
            )
        )
    )
    return bool(found)
