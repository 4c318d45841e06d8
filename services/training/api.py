"""Training routes: parse, check who calls, call one use case, answer with a response model.

Every route needs a token (`services.training.access`): supervisors keep providers and the catalogue
(`training:manage`), staff read with `training:read`, a labour assistant enrols and withdraws workers with
`cases:write` and reaches only the cases of their community. Provider-scoped routes carry the provider in
the path (`/providers/{provider_id}/classes/...`), need a provider client's token with `training:provide`
naming that provider (`access.acting_provider`), and their use cases only touch that provider's classes.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from contracts.occupations import OccupationArea as Area
from services.common import scopes
from services.common.auth import acting_assistant, require
from services.common.error_responses import refusals
from services.common.errors import DomainError
from services.common.http import current_correlation_id
from services.training import (
    access,
    attendance,
    catalogue,
    classes,
    enrolment,
    recommendations,
    results,
    statistics,
    withdrawals,
)
from services.training.collaborators import Training
from services.training.models import Certificate, Provider
from services.training.schemas import (
    AccreditationChange,
    AttendanceOut,
    AttendanceSheet,
    CancellationOut,
    CertificateOut,
    ClassCancellation,
    ClassIn,
    ClassOut,
    ClassQuery,
    ClassResults,
    ClassResultsOut,
    CourseIn,
    CourseOut,
    EnrolmentOut,
    EnrolmentRequest,
    ProviderIn,
    ProviderOut,
    RecommendationsOut,
    StatisticsOut,
    StatisticsQuery,
    Withdrawal,
    WithdrawalOut,
)

Identifier = Path(min_length=36, max_length=36)
ProviderId = Annotated[str, Identifier]
CourseId = Annotated[str, Identifier]
ClassId = Annotated[str, Identifier]
SessionId = Annotated[str, Identifier]
EnrolmentId = Annotated[str, Identifier]
CaseId = Annotated[str, Identifier]

OUT_OF_REACH = "`case_out_of_reach`: the worker's case is not in the caller's reach"
PROVIDER_NOT_FOUND = refusals({404: "`provider_not_found`"})
COURSE_NOT_FOUND = refusals({404: "`course_not_found`"})
CLASS_NOT_FOUND = refusals({404: "`class_not_found` (or not this provider's)"})
ENROLMENT_REACH = refusals({403: OUT_OF_REACH, 404: "`enrolment_not_found`"})
CASE_REACH = refusals({403: OUT_OF_REACH})
MANAGE = [Depends(require(scopes.TRAINING_MANAGE))]
READ = [Depends(require(scopes.TRAINING_READ))]


async def _training(request: Request) -> Training:
    training: Training = request.app.state.training
    return training


TrainingDep = Annotated[Training, Depends(_training)]


def _provider(row: Provider) -> ProviderOut:
    return ProviderOut.model_validate(row, from_attributes=True)


def _certificate(row: Certificate) -> CertificateOut:
    return CertificateOut.model_validate(row, from_attributes=True)


providers = APIRouter(tags=["providers"])


@providers.post("/providers", status_code=201, response_model=ProviderOut, dependencies=MANAGE)
async def register_provider(provider: ProviderIn, training: TrainingDep) -> ProviderOut:
    """Register a provider (vocational school, community school, workers' club); it starts pending."""
    return _provider(await catalogue.register_provider(training=training, provider=provider))


@providers.get("/providers", response_model=list[ProviderOut], dependencies=READ)
async def list_providers(training: TrainingDep) -> list[ProviderOut]:
    return [_provider(row) for row in await catalogue.list_providers(training=training)]


@providers.get(
    "/providers/{provider_id}", response_model=ProviderOut, responses=PROVIDER_NOT_FOUND, dependencies=READ
)
async def get_provider(provider_id: ProviderId, training: TrainingDep) -> ProviderOut:
    return _provider(await catalogue.get_provider(training=training, provider_id=provider_id))


@providers.post(
    "/providers/{provider_id}/accreditation",
    response_model=ProviderOut,
    responses=PROVIDER_NOT_FOUND
    | refusals(
        {
            409: "`accreditation_transition_refused`: not allowed from the provider's accreditation",
            422: "`validation_failed`: also when `valid_until` is in the past",
        }
    ),
    dependencies=MANAGE,
)
async def change_accreditation(
    provider_id: ProviderId, change: AccreditationChange, training: TrainingDep
) -> ProviderOut:
    """Accredit (until a date), suspend, reinstate or revoke a provider."""
    provider = await catalogue.change_accreditation(training=training, provider_id=provider_id, change=change)
    return _provider(provider)


courses = APIRouter(tags=["course catalogue"])


@courses.post(
    "/courses",
    status_code=201,
    response_model=CourseOut,
    responses=refusals({409: "`course_code_taken`"}),
    dependencies=MANAGE,
)
async def add_course(course: CourseIn, training: TrainingDep) -> CourseOut:
    """Add a catalogue course: occupation area, hours, certificate, cost per trainee, completion rule."""
    return await catalogue.add_course(training=training, course=course)


@courses.get("/courses", response_model=list[CourseOut], dependencies=READ)
async def list_courses(training: TrainingDep, occupation_area: Area | None = None) -> list[CourseOut]:
    area = None if occupation_area is None else occupation_area.value
    return await catalogue.list_courses(training=training, occupation_area=area)


@courses.get("/courses/{course_id}", response_model=CourseOut, responses=COURSE_NOT_FOUND, dependencies=READ)
async def get_course(course_id: CourseId, training: TrainingDep) -> CourseOut:
    return await catalogue.get_course(training=training, course_id=course_id)


@courses.post(
    "/courses/{course_id}/retirement",
    response_model=CourseOut,
    responses=COURSE_NOT_FOUND,
    dependencies=MANAGE,
)
async def retire_course(course_id: CourseId, training: TrainingDep) -> CourseOut:
    """Stop offering the course: no new classes or recommendations; classes already published run on."""
    return await catalogue.retire_course(training=training, course_id=course_id)


provider_classes = APIRouter(
    tags=["provider's classes"],
    dependencies=[Depends(access.acting_provider)],
    responses=refusals({403: "`provider_mismatch`: the token acts for another provider"}),
)
CLASS_TRANSITION = "`class_transition_refused`: not allowed in the class's status"


@provider_classes.post(
    "/providers/{provider_id}/classes",
    status_code=201,
    response_model=ClassOut,
    responses=refusals(
        {
            404: "`provider_not_found`, or `course_not_found`",
            409: "`provider_not_accredited`, or `course_inactive`: the course is no longer offered",
        }
    ),
)
async def publish_class(provider_id: ProviderId, request: ClassIn, training: TrainingDep) -> ClassOut:
    """The provider publishes a class of a catalogue course: sessions, venue, places, enrolment window."""
    return await classes.publish_class(
        training=training, provider_id=provider_id, request=request, correlation_id=current_correlation_id()
    )


@provider_classes.get(
    "/providers/{provider_id}/classes/{class_id}/enrolments",
    response_model=list[EnrolmentOut],
    responses=CLASS_NOT_FOUND,
)
async def provider_class_roster(
    provider_id: ProviderId, class_id: ClassId, training: TrainingDep
) -> list[EnrolmentOut]:
    """The provider's own class roster: the enrolments it marks attendance and results against."""
    return await enrolment.list_enrolments(training=training, class_id=class_id, provider_id=provider_id)


@provider_classes.post(
    "/providers/{provider_id}/classes/{class_id}/sessions/{session_id}/attendance",
    response_model=AttendanceOut,
    responses=refusals(
        {
            404: "`class_not_found`, or `session_not_found`",
            409: "`class_<status>` (cancelled or concluded), or `session_not_started`",
            422: "`validation_failed`: also when a worker is not enrolled in the class",
        }
    ),
)
async def record_attendance(
    provider_id: ProviderId,
    class_id: ClassId,
    session_id: SessionId,
    sheet: AttendanceSheet,
    training: TrainingDep,
) -> AttendanceOut:
    """Mark enrolled workers present or absent at a session; marking again corrects the mark."""
    return await attendance.record_attendance(
        training=training,
        provider_id=provider_id,
        class_id=class_id,
        session_id=session_id,
        sheet=sheet,
        correlation_id=current_correlation_id(),
    )


@provider_classes.post(
    "/providers/{provider_id}/classes/{class_id}/results",
    response_model=ClassResultsOut,
    responses=CLASS_NOT_FOUND
    | refusals(
        {
            409: f"{CLASS_TRANSITION}; or `class_not_finished`: its last session has not ended",
            422: "`validation_failed`: also when the results do not name every enrolled worker once",
        }
    ),
)
async def conclude_class(
    provider_id: ProviderId, class_id: ClassId, results_in: ClassResults, training: TrainingDep
) -> ClassResultsOut:
    """Record every enrolled worker's assessment: each completes (and gets a certificate) or fails."""
    return await results.conclude_class(
        training=training,
        provider_id=provider_id,
        class_id=class_id,
        results=results_in,
        correlation_id=current_correlation_id(),
    )


@provider_classes.post(
    "/providers/{provider_id}/classes/{class_id}/cancellation",
    response_model=CancellationOut,
    responses=CLASS_NOT_FOUND | refusals({409: CLASS_TRANSITION}),
)
async def cancel_class(
    provider_id: ProviderId, class_id: ClassId, cancellation: ClassCancellation, training: TrainingDep
) -> CancellationOut:
    """Cancel a class that has not concluded: everyone enrolled or waiting is withdrawn."""
    return await withdrawals.cancel_class(
        training=training,
        provider_id=provider_id,
        class_id=class_id,
        cancellation=cancellation,
        correlation_id=current_correlation_id(),
    )


class_views = APIRouter(tags=["classes and enrolment"])


@class_views.get("/classes", response_model=list[ClassOut], dependencies=READ)
async def list_classes(query: Annotated[ClassQuery, Query()], training: TrainingDep) -> list[ClassOut]:
    """Classes by provider, course, occupation area, status, or open for enrolment on a day."""
    return await classes.list_classes(training=training, query=query)


@class_views.get("/classes/{class_id}", response_model=ClassOut, responses=CLASS_NOT_FOUND, dependencies=READ)
async def get_class(class_id: ClassId, training: TrainingDep) -> ClassOut:
    return await classes.get_class(training=training, class_id=class_id)


@class_views.get(
    "/classes/{class_id}/enrolments", response_model=list[EnrolmentOut], responses=CLASS_NOT_FOUND
)
async def class_enrolments(
    class_id: ClassId, training: TrainingDep, caller: access.Reader
) -> list[EnrolmentOut]:
    """The class's enrolments; a labour assistant sees those of the workers of their community."""
    rows = await enrolment.list_enrolments(training=training, class_id=class_id)
    reached = await access.reachable_cases(training, caller, (row.case_id for row in rows))
    return [row for row in rows if row.case_id in reached]


@class_views.post(
    "/classes/{class_id}/enrolments",
    status_code=201,
    response_model=EnrolmentOut,
    responses=CLASS_NOT_FOUND
    | refusals(
        {
            403: f"{OUT_OF_REACH}; or `assistant_mismatch`: a labour assistant enrols as themselves",
            409: "`case_closed`, `consent_required` (to the labour bureau), `class_<status>`, "
            "`enrolment_window_closed`, or `already_enrolled`",
            422: "`case_unknown`: training has not heard of the case; or `validation_failed`: also when no "
            "labour assistant is named",
        }
    ),
)
async def enrol(
    class_id: ClassId, request: EnrolmentRequest, training: TrainingDep, caller: access.CaseWriter
) -> EnrolmentOut:
    """A labour assistant enrols a worker (open case, consent to the labour bureau in force): a place if
    there is one, otherwise the waitlist."""
    await access.require_case_reach(training, caller, request.case_id)
    assistant_id = acting_assistant(caller, request.assistant_id)
    if assistant_id is None:
        raise DomainError(
            422,
            "validation_failed",
            "Name the labour assistant enrolling the worker",
            [{"field": "assistant_id", "reason": "required when the token names no assistant"}],
        )
    return await enrolment.enrol(
        training=training,
        class_id=class_id,
        request=request.model_copy(update={"assistant_id": assistant_id}),
        correlation_id=current_correlation_id(),
    )


@class_views.get("/enrolments/{enrolment_id}", response_model=EnrolmentOut, responses=ENROLMENT_REACH)
async def get_enrolment(
    enrolment_id: EnrolmentId, training: TrainingDep, caller: access.Reader
) -> EnrolmentOut:
    await access.require_enrolment_reach(training, caller, enrolment_id)
    return await enrolment.get_enrolment(training=training, enrolment_id=enrolment_id)


@class_views.post(
    "/enrolments/{enrolment_id}/withdrawal",
    response_model=WithdrawalOut,
    responses=ENROLMENT_REACH
    | refusals({409: "`enrolment_transition_refused`, or `enrolment_changed`: it changed meanwhile"}),
)
async def withdraw(
    enrolment_id: EnrolmentId, withdrawal: Withdrawal, training: TrainingDep, caller: access.CaseWriter
) -> WithdrawalOut:
    """Withdraw with a reason; a freed place goes to the first worker on the waitlist at once."""
    await access.require_enrolment_reach(training, caller, enrolment_id)
    return await withdrawals.withdraw(
        training=training,
        enrolment_id=enrolment_id,
        withdrawal=withdrawal,
        correlation_id=current_correlation_id(),
    )


workers = APIRouter(tags=["workers"], responses=CASE_REACH)


@workers.get("/cases/{case_id}/enrolments", response_model=list[EnrolmentOut])
async def case_enrolments(
    case_id: CaseId, training: TrainingDep, caller: access.Reader
) -> list[EnrolmentOut]:
    await access.require_case_reach(training, caller, case_id)
    return await enrolment.list_enrolments(training=training, case_id=case_id)


@workers.get("/cases/{case_id}/certificates", response_model=list[CertificateOut])
async def case_certificates(
    case_id: CaseId, training: TrainingDep, caller: access.Reader
) -> list[CertificateOut]:
    await access.require_case_reach(training, caller, case_id)
    return [_certificate(row) for row in await results.certificates_of(training=training, case_id=case_id)]


@workers.get(
    "/cases/{case_id}/course-recommendations",
    response_model=RecommendationsOut,
    responses=refusals({404: "`case_not_found`: training has not heard of the case"}),
)
async def recommend(
    case_id: CaseId,
    training: TrainingDep,
    caller: access.Reader,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> RecommendationsOut:
    """Courses ranked by the gap between the worker's skills profile and open vacancies, with reasons."""
    await access.require_case_reach(training, caller, case_id)
    return await recommendations.recommend_courses(training=training, case_id=case_id, limit=limit)


reporting = APIRouter(tags=["certificates and statistics"], dependencies=READ)


@reporting.get(
    "/certificates/{certificate_number}",
    response_model=CertificateOut,
    responses=refusals({404: "`certificate_not_found`"}),
)
async def get_certificate(
    certificate_number: Annotated[str, Path(max_length=32)], training: TrainingDep
) -> CertificateOut:
    """Verify a certificate by its number."""
    return _certificate(
        await results.get_certificate(training=training, certificate_number=certificate_number)
    )


@reporting.get("/statistics", response_model=StatisticsOut)
async def training_statistics(
    query: Annotated[StatisticsQuery, Query()], training: TrainingDep
) -> StatisticsOut:
    """Classes held, person-times trained, completion rate and cost, by provider, course or month."""
    return await statistics.training_statistics(training=training, query=query)


ROUTERS = (providers, courses, provider_classes, class_views, workers, reporting)
