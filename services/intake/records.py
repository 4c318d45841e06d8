"""The worker's records kept beside the case: the versioned skills profile and consents per agency."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contracts.events.intake import ConsentGranted, ConsentWithdrawn, SkillsProfileUpdated
from contracts.ids import uuid7
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.intake import audited
from services.intake.collaborators import Intake
from services.intake.guards import require_case
from services.intake.models import Consent, SkillsProfileVersion
from services.intake.schemas import ConsentRequest, ConsentView, ProfileUpdate, ProfileVersion, SkillsProfile


async def record_skills_profile(
    *, intake: Intake, case_id: str, update: ProfileUpdate, caller: Caller
) -> ProfileVersion:
    """Keep the profile as a new version; refuse a change made from a version that is no longer the newest."""
    try:
        async with intake.sessions.begin() as session:
            await require_case(session, case_id, caller.principal)
            newest = await session.scalar(
                select(func.max(SkillsProfileVersion.version)).where(SkillsProfileVersion.case_id == case_id)
            )
            newest = newest or 0
            if update.expected_version is not None and update.expected_version != newest:
                raise _stale(newest)
            row = SkillsProfileVersion(
                case_id=case_id,
                version=newest + 1,
                profile=update.profile.model_dump(mode="json"),
                recorded_at=datetime.now(UTC),
            )
            session.add(row)
            profile = update.profile
            await intake.outbox.add(
                session,
                SkillsProfileUpdated(
                    case_id=case_id,
                    version=row.version,
                    education=profile.education.value,
                    skills=[f"{skill.name}:{skill.level.value}" for skill in profile.skills],
                    certificates=[certificate.name for certificate in profile.certificates],
                    desired_occupations=profile.desired_occupations,
                    desired_employment_forms=[form.value for form in profile.desired_employment_forms],
                    available_from=profile.availability.available_from if profile.availability else None,
                ),
                correlation_id=caller.access.correlation_id,
            )
            await audited.record(
                session, intake, caller.access, AuditAction.CREATE, audited.Resource.SKILLS_PROFILE, [case_id]
            )
    except IntegrityError as error:
        raise _stale(None) from error
    return _version_view(row)


def _stale(newest: int | None) -> DomainError:
    details = {} if newest is None else {"newest_version": str(newest)}
    return DomainError(
        409, "profile_changed", "The profile changed meanwhile; reload and retry", details=details
    )


async def profile_versions(*, intake: Intake, case_id: str, caller: Caller) -> list[ProfileVersion]:
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        rows = await session.scalars(
            select(SkillsProfileVersion)
            .where(SkillsProfileVersion.case_id == case_id)
            .order_by(SkillsProfileVersion.version)
        )
        versions = [_version_view(row) for row in rows]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.SKILLS_PROFILE, [case_id]
        )
        return versions


async def current_profile(*, intake: Intake, case_id: str, caller: Caller) -> ProfileVersion:
    versions = await profile_versions(intake=intake, case_id=case_id, caller=caller)
    if not versions:
        raise DomainError(404, "profile_not_recorded", f"No skills profile recorded for case {case_id}")
    return versions[-1]


def _version_view(row: SkillsProfileVersion) -> ProfileVersion:
    return ProfileVersion(
        case_id=row.case_id,
        version=row.version,
        profile=SkillsProfile.model_validate(row.profile),
        recorded_at=row.recorded_at,
    )


async def grant_consent(
    *, intake: Intake, case_id: str, request: ConsentRequest, caller: Caller
) -> ConsentView:
    row = Consent(
        consent_id=str(uuid7()),
        case_id=case_id,
        agency=request.agency.value,
        purpose=request.purpose,
        granted_at=datetime.now(UTC),
        expires_on=request.expires_on,
    )
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        session.add(row)
        await intake.outbox.add(
            session,
            ConsentGranted(
                case_id=case_id,
                consent_id=row.consent_id,
                agency=request.agency,
                purpose=row.purpose,
                expires_on=row.expires_on,
                granted_at=row.granted_at,
            ),
            correlation_id=caller.access.correlation_id,
        )
        await audited.record(
            session, intake, caller.access, AuditAction.CREATE, audited.Resource.CONSENT, [case_id]
        )
    return _consent_view(row)


async def withdraw_consent(*, intake: Intake, case_id: str, consent_id: str, caller: Caller) -> ConsentView:
    """Withdraw now; withdrawing twice changes nothing and answers the first withdrawal."""
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        row = await session.get(Consent, consent_id)
        if row is None or row.case_id != case_id:
            raise DomainError(404, "consent_not_found", f"No consent {consent_id} on case {case_id}")
        if row.withdrawn_at is None:
            row.withdrawn_at = datetime.now(UTC)
            await intake.outbox.add(
                session,
                ConsentWithdrawn(
                    case_id=case_id,
                    consent_id=consent_id,
                    agency=row.agency,
                    withdrawn_at=row.withdrawn_at,
                ),
                correlation_id=caller.access.correlation_id,
            )
            await audited.record(
                session, intake, caller.access, AuditAction.UPDATE, audited.Resource.CONSENT, [case_id]
            )
    return _consent_view(row)


async def consents_of(*, intake: Intake, case_id: str, caller: Caller) -> list[ConsentView]:
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        rows = await session.scalars(
            select(Consent).where(Consent.case_id == case_id).order_by(Consent.granted_at)
        )
        consents = [_consent_view(row) for row in rows]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.CONSENT, [case_id]
        )
        return consents


def _consent_view(row: Consent, today: date | None = None) -> ConsentView:
    today = today or datetime.now(UTC).date()
    return ConsentView(
        consent_id=row.consent_id,
        case_id=row.case_id,
        agency=row.agency,
        purpose=row.purpose,
        granted_at=row.granted_at,
        expires_on=row.expires_on,
        withdrawn_at=row.withdrawn_at,
        in_force=row.withdrawn_at is None and row.expires_on >= today,
    )
