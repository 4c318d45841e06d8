"""Training's pure rules: transition tables, the completion rule, consent, certificate numbers, ranking."""

from datetime import UTC, date, datetime

import pytest

from contracts.events.training import FailureReason
from services.common.transitions import TransitionRefused, transition
from services.training.domain import (
    ACCREDITATION_TRANSITIONS,
    ENROLMENT_TRANSITIONS,
    Accreditation,
    AccreditationAction,
    CompletionRule,
    ConsentRecord,
    EnrolmentAction,
    EnrolmentStatus,
    attendance_rate,
    certificate_number,
    completion_outcome,
    consent_in_force,
    in_enrolment_window,
    may_publish,
)
from services.training.ranking import AreaDemand, CourseOffer, WorkerProfile, assess, rank

TODAY = date(2026, 12, 1)


def test_a_waitlisted_worker_is_promoted_and_finished_enrolments_stay_finished():
    assert (
        transition(ENROLMENT_TRANSITIONS, EnrolmentStatus.WAITLISTED, EnrolmentAction.PROMOTE) == "enrolled"
    )
    with pytest.raises(TransitionRefused, match="waitlisted cannot take 'complete'"):
        transition(ENROLMENT_TRANSITIONS, EnrolmentStatus.WAITLISTED, EnrolmentAction.COMPLETE)
    for finished in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.COMPLETED, EnrolmentStatus.FAILED):
        for action in EnrolmentAction:
            with pytest.raises(TransitionRefused):
                transition(ENROLMENT_TRANSITIONS, finished, action)


def test_revocation_is_final_and_publishing_needs_a_valid_accreditation():
    for action in AccreditationAction:
        with pytest.raises(TransitionRefused):
            transition(ACCREDITATION_TRANSITIONS, Accreditation.REVOKED, action)
    assert may_publish(Accreditation.ACCREDITED, TODAY, TODAY)
    assert not may_publish(Accreditation.ACCREDITED, date(2026, 11, 30), TODAY)
    assert not may_publish(Accreditation.SUSPENDED, date(2027, 1, 1), TODAY)
    assert not may_publish(Accreditation.PENDING, None, TODAY)


def test_the_enrolment_window_includes_both_ends():
    assert in_enrolment_window(TODAY, TODAY, TODAY)
    assert not in_enrolment_window(TODAY, date(2026, 12, 2), date(2026, 12, 9))


@pytest.mark.parametrize(
    ("attended", "passed", "outcome"),
    [
        (8, True, None),
        (7, True, FailureReason.ATTENDANCE_BELOW_MINIMUM),
        (7, False, FailureReason.ATTENDANCE_BELOW_MINIMUM),
        (10, False, FailureReason.ASSESSMENT_FAILED),
        (10, None, FailureReason.ASSESSMENT_FAILED),
    ],
)
def test_the_default_rule_is_80_percent_attendance_and_a_passed_assessment(attended, passed, outcome):
    rate = attendance_rate(attended, 10)
    assert completion_outcome(CompletionRule(), rate=rate, assessment_passed=passed) == outcome


def test_a_course_may_need_no_assessment_and_less_attendance():
    rule = CompletionRule(minimum_attendance=0.5, assessment_required=False)
    assert completion_outcome(rule, rate=attendance_rate(1, 2), assessment_passed=None) is None
    assert attendance_rate(2, 3) == 0.6667 and attendance_rate(0, 0) == 0.0


def test_consent_must_be_to_the_labour_bureau_unwithdrawn_and_unexpired():
    withdrawn = datetime(2026, 11, 1, tzinfo=UTC)
    assert consent_in_force([ConsentRecord("labour_bureau", TODAY, None)], TODAY)
    assert not consent_in_force([ConsentRecord("labour_bureau", date(2026, 11, 30), None)], TODAY)
    assert not consent_in_force([ConsentRecord("labour_bureau", date(2027, 1, 1), withdrawn)], TODAY)
    assert not consent_in_force([ConsentRecord("bank", date(2027, 1, 1), None)], TODAY)
    assert not consent_in_force([], TODAY)


def test_certificate_numbers_carry_the_year_and_a_zero_padded_serial():
    assert certificate_number(2026, 42) == "RT-2026-000042"


COOKING = CourseOffer("c1", "中式烹调", "cooking", "中式烹调师证书", ("knife work", "stir frying"))
CLEANING = CourseOffer("c2", "保洁", "cleaning", "保洁员证书", ("cleaning",))


def _demand() -> dict[str, AreaDemand]:
    demand = {"cooking": AreaDemand(), "cleaning": AreaDemand()}
    demand["cooking"].add_vacancy(
        openings=5, skills=["Knife Work", "knife work"], certificates=["中式烹调师证书"]
    )
    demand["cleaning"].add_vacancy(openings=8, skills=["cleaning"], certificates=[])
    return demand


def test_a_vacancy_counts_each_skill_once_however_it_is_spelt():
    assert _demand()["cooking"].skills == {"knife work": 5}


def test_missing_demanded_skills_and_certificates_raise_a_course_above_plain_demand():
    worker = WorkerProfile.of(skills=["cleaning:advanced"], certificates=[], desired_occupations=[])
    ranked = rank([CLEANING, COOKING], worker, _demand())
    assert [(item.course.course_id, item.score) for item in ranked] == [("c1", 15), ("c2", 8)]
    assert [reason.code for reason in ranked[0].reasons] == ["vacancy_demand", "skill_gap", "certificate_gap"]


def test_a_held_certificate_rules_a_course_out_and_a_wish_counts_without_demand():
    certified = WorkerProfile.of(skills=[], certificates=["中式烹调师证书"], desired_occupations=["cooking"])
    assert assess(COOKING, certified, _demand()["cooking"]).score == 0
    hopeful = WorkerProfile.of(skills=[], certificates=[], desired_occupations=["Cooking assistant"])
    recommendation = assess(COOKING, hopeful, AreaDemand())
    assert recommendation.score == 10
    assert [reason.code for reason in recommendation.reasons] == ["no_demand", "desired_occupation"]
    assert rank([COOKING], WorkerProfile.of(skills=[], certificates=[], desired_occupations=[]), {}) == []
