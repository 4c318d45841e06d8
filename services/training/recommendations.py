"""Course recommendations for a worker, from their skills profile and the open vacancies' demand."""

from collections import defaultdict

from sqlalchemy import select

from services.common.errors import DomainError
from services.training.collaborators import Training
from services.training.domain import ClassStatus, VacancyStatus
from services.training.models import Course, DemandedVacancy, KnownCase, TrainingClass
from services.training.ranking import AreaDemand, CourseOffer, WorkerProfile, rank
from services.training.schemas import ReasonOut, RecommendationOut, RecommendationsOut


async def recommend_courses(*, training: Training, case_id: str, limit: int) -> RecommendationsOut:
    today = training.today()
    async with training.sessions() as session:
        case = await session.get(KnownCase, case_id)
        if case is None:
            raise DomainError(404, "case_not_found", f"Training has not heard of case {case_id} from intake")
        demand: dict[str, AreaDemand] = defaultdict(AreaDemand)
        for vacancy in await session.scalars(
            select(DemandedVacancy).where(DemandedVacancy.status == VacancyStatus.OPEN.value)
        ):
            demand[vacancy.occupation_area].add_vacancy(
                openings=vacancy.openings,
                skills=vacancy.required_skills,
                certificates=vacancy.required_certificates,
            )
        courses = list(await session.scalars(select(Course).where(Course.active.is_(True))))
        open_classes: dict[str, list[str]] = defaultdict(list)
        for course_id, class_id in (
            await session.execute(
                select(TrainingClass.course_id, TrainingClass.class_id)
                .where(
                    TrainingClass.status == ClassStatus.SCHEDULED.value,
                    TrainingClass.enrolment_opens_on <= today,
                    TrainingClass.enrolment_closes_on >= today,
                )
                .order_by(TrainingClass.starts_on, TrainingClass.class_id)
            )
        ).all():
            open_classes[course_id].append(class_id)
    worker = WorkerProfile.of(
        skills=case.skills, certificates=case.certificates, desired_occupations=case.desired_occupations
    )
    offers = [
        CourseOffer(
            course_id=course.course_id,
            title=course.title,
            occupation_area=course.occupation_area,
            certificate_name=course.certificate_name,
            skills_taught=tuple(course.skills_taught),
        )
        for course in courses
    ]
    ranked = rank(offers, worker, demand)[:limit]
    return RecommendationsOut(
        case_id=case_id,
        profile_version=case.profile_version,
        recommendations=[
            RecommendationOut(
                course_id=item.course.course_id,
                title=item.course.title,
                occupation_area=item.course.occupation_area,
                certificate_name=item.course.certificate_name,
                score=item.score,
                reasons=[ReasonOut(code=reason.code, text=reason.text) for reason in item.reasons],
                open_class_ids=open_classes.get(item.course.course_id, []),
            )
            for item in ranked
        ],
    )
