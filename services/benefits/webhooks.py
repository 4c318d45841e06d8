"""Delivering the feed to agencies' webhooks: rows claimed with a lease (so several dispatchers never send
one twice at once), signed, retried with exponential backoff, dead-lettered after the last attempt, and
replayed by an operator. Deliveries are rows, so a restart loses none."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.benefits import FeedDeliveryDeadLettered
from contracts.events.intake import Agency
from contracts.ids import uuid7
from services.benefits import audited, consents
from services.benefits.agency import WEBHOOK_SECRET
from services.benefits.audited import Resource
from services.benefits.collaborators import BenefitsOffice
from services.benefits.domain import retry_delay, webhook_signature
from services.benefits.feeds import DELIVERY_BODY
from services.benefits.models import AgencyWebhook, FeedDelivery
from services.benefits.schemas import DeliveryView
from services.common.audit import Access, AuditAction
from services.common.errors import DomainError

log = logging.getLogger(__name__)

NO_CONSENT = "the worker withdrew consent to share with this agency"


@dataclass(frozen=True)
class Attempt:
    """What one claimed delivery needs to be sent, or why it is not sent."""

    url: str | None
    secret: str | None
    body: bytes
    consented: bool


class FeedDispatcher:
    def __init__(self, office: BenefitsOffice, http: httpx.AsyncClient) -> None:
        self.office = office
        self.http = http

    async def deliver_due(self) -> int:
        """Send every delivery whose time has come (one batch); how many were attempted."""
        claimed = await self._claim()
        for delivery_id, version in claimed:
            await self._deliver(delivery_id, version)
        return len(claimed)

    async def run(self, idle_seconds: float = 1.0) -> None:
        while True:
            try:
                attempted = await self.deliver_due()
            except Exception:
                log.exception("delivering agency feeds failed; retrying")
                attempted = 0
            if attempted == 0:
                await asyncio.sleep(idle_seconds)

    async def _claim(self) -> list[tuple[str, int]]:
        policy, now = self.office.delivery, self.office.clock()
        claimed: list[tuple[str, int]] = []
        async with self.office.sessions.begin() as session:
            due = await session.execute(
                select(FeedDelivery.delivery_id, FeedDelivery.version)
                .where(FeedDelivery.status == "pending", FeedDelivery.next_attempt_at <= now)
                .order_by(FeedDelivery.next_attempt_at, FeedDelivery.delivery_id)
                .limit(policy.batch_size)
            )
            for delivery_id, version in due.all():
                if await _move(session, delivery_id, version, next_attempt_at=now + policy.lease):
                    claimed.append((delivery_id, version + 1))
        return claimed

    async def _deliver(self, delivery_id: str, version: int) -> None:
        attempt = await self._prepare(delivery_id)
        if not attempt.consented:
            async with self.office.sessions.begin() as session:
                await _move(session, delivery_id, version, status="cancelled", last_error=NO_CONSENT)
            return
        error = await self._post(delivery_id, attempt)
        await self._record(delivery_id, version, error)

    async def _prepare(self, delivery_id: str) -> Attempt:
        protector = self.office.protector
        async with self.office.sessions() as session:
            delivery = await session.get_one(FeedDelivery, delivery_id)
            consented = await consents.is_active(
                session, delivery.case_id, delivery.agency, self.office.clock().date()
            )
            webhook = await session.get(AgencyWebhook, delivery.agency)
            body = protector.decrypt(delivery.body_encrypted, purpose=DELIVERY_BODY).encode()
            if webhook is None:
                return Attempt(None, None, body, consented)
            secret = protector.decrypt(webhook.secret_encrypted, purpose=WEBHOOK_SECRET)
            return Attempt(webhook.url, secret, body, consented)

    async def _post(self, delivery_id: str, attempt: Attempt) -> str | None:
        """POST the signed body; None when the agency accepted it (2xx), else what went wrong."""
        if attempt.url is None or attempt.secret is None:
            return "the agency has registered no webhook"
        timestamp = str(int(self.office.clock().timestamp()))
        headers = {
            "content-type": "application/cloudevents+json",
            "x-reemploy-delivery": delivery_id,
            "x-reemploy-timestamp": timestamp,
            "x-reemploy-signature": webhook_signature(attempt.secret, timestamp, attempt.body),
        }
        try:
            response = await self.http.post(
                attempt.url,
                content=attempt.body,
                headers=headers,
                timeout=self.office.delivery.timeout_seconds,
            )
        except httpx.HTTPError as failure:
            return f"{type(failure).__name__}: {failure}"[:500]
        if response.is_success:
            return None
        return f"HTTP {response.status_code}: {response.text[:200]}"

    async def _record(self, delivery_id: str, version: int, error: str | None) -> None:
        office, policy, now = self.office, self.office.delivery, self.office.clock()
        async with office.sessions.begin() as session:
            delivery = await session.get_one(FeedDelivery, delivery_id)
            attempts = delivery.attempts + 1
            if error is None:
                await _move(
                    session, delivery_id, version, status="delivered", attempts=attempts, delivered_at=now
                )
                return
            if attempts < policy.max_attempts:
                delay = retry_delay(attempts, base=policy.base_delay, ceiling=policy.max_delay)
                await _move(
                    session,
                    delivery_id,
                    version,
                    attempts=attempts,
                    last_error=error,
                    next_attempt_at=now + delay,
                )
                return
            moved = await _move(
                session, delivery_id, version, status="dead_lettered", attempts=attempts, last_error=error
            )
            if moved:
                await office.outbox.add(
                    session,
                    FeedDeliveryDeadLettered(
                        case_id=delivery.case_id,
                        delivery_id=delivery_id,
                        application_id=delivery.application_id,
                        agency=Agency(delivery.agency),
                        attempts=attempts,
                        dead_lettered_at=now,
                    ),
                    correlation_id=str(uuid7()),
                )


async def _move(session: AsyncSession, delivery_id: str, version: int, **values: Any) -> bool:
    """Change a delivery only if nobody else did since `version` was read (both engines alike)."""
    result = await session.execute(
        update(FeedDelivery)
        .where(FeedDelivery.delivery_id == delivery_id, FeedDelivery.version == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def delivery_view(delivery: FeedDelivery) -> DeliveryView:
    return DeliveryView.model_validate(delivery, from_attributes=True)


async def list_deliveries(
    *, office: BenefitsOffice, status: str | None, agency: Agency | None
) -> list[DeliveryView]:
    query = select(FeedDelivery).order_by(FeedDelivery.created_at, FeedDelivery.delivery_id).limit(500)
    if status is not None:
        query = query.where(FeedDelivery.status == status)
    if agency is not None:
        query = query.where(FeedDelivery.agency == agency.value)
    async with office.sessions() as session:
        return [delivery_view(row) for row in await session.scalars(query)]


async def replay_delivery(*, office: BenefitsOffice, delivery_id: str, access: Access) -> DeliveryView:
    """Put a dead-lettered delivery back in line, with fresh attempts (409 unless it is dead-lettered);
    sending the worker's data to the agency again is recorded in the audit log."""
    now: datetime = office.clock()
    async with office.sessions.begin() as session:
        delivery = await session.get(FeedDelivery, delivery_id)
        if delivery is None:
            raise DomainError(404, "delivery_not_found", f"No feed delivery {delivery_id}")
        if delivery.status != "dead_lettered":
            raise DomainError(
                409,
                "delivery_not_dead_lettered",
                f"Only a dead-lettered delivery is replayed; this one is {delivery.status}",
                details={"status": delivery.status},
            )
        moved = await _move(
            session, delivery_id, delivery.version, status="pending", attempts=0, next_attempt_at=now
        )
        if not moved:
            raise DomainError(409, "delivery_changed_concurrently", "The delivery changed meanwhile; retry")
        await audited.record(
            session,
            office,
            access,
            AuditAction.UPDATE,
            Resource.AGENCY_FEED,
            [delivery.case_id],
            ("status", "attempts", "next_attempt_at"),
        )
        await session.refresh(delivery)
        return delivery_view(delivery)
