"""Placement's pure rules: transition tables, discriminatory requirements, and scores with their reasons."""

import random

import pytest

from services.common.transitions import TransitionRefused, transition
from services.placement.domain import (
    REFERRAL_TRANSITIONS,
    VACANCY_TRANSITIONS,
    ReferralAction,
    ReferralStatus,
    VacancyAction,
    VacancyStatus,
    discriminatory_requirements,
)
from services.placement.scoring import (
    Place,
    VacancyFacts,
    WorkerFacts,
    best,
    distance_km,
    parse_skill,
    points,
    score,
)

HOUSEKEEPING = VacancyFacts(
    vacancy_id="v1",
    occupation_area="housekeeping",
    employment_form="hourly",
    place=Place("ZS-01", "ZS"),
    required_skills=(("cleaning", 2),),
    required_certificates=("housekeeping",),
)


def worker(case_id: str = "w1", **overrides) -> WorkerFacts:
    facts = {
        "case_id": case_id,
        "place": Place("ZS-01", "ZS"),
        "skills": {"cleaning": 2},
        "certificates": (("housekeeping (junior)", "housekeeping"),),
        "desired_occupations": frozenset({"housekeeping"}),
        "desired_forms": frozenset({"hourly"}),
    }
    return WorkerFacts(**(facts | overrides))


def test_an_offer_becomes_a_hire_and_a_rejected_referral_cannot_be_offered():
    status = transition(REFERRAL_TRANSITIONS, ReferralStatus.REFERRED, ReferralAction.INVITE_TO_INTERVIEW)
    status = transition(REFERRAL_TRANSITIONS, status, ReferralAction.OFFER)
    assert transition(REFERRAL_TRANSITIONS, status, ReferralAction.HIRE) is ReferralStatus.HIRED
    with pytest.raises(TransitionRefused, match="rejected cannot take 'offer'"):
        transition(REFERRAL_TRANSITIONS, ReferralStatus.REJECTED, ReferralAction.OFFER)
    with pytest.raises(TransitionRefused):
        transition(REFERRAL_TRANSITIONS, ReferralStatus.REFERRED, ReferralAction.HIRE)


def test_a_filled_vacancy_cannot_be_closed_again():
    assert transition(VACANCY_TRANSITIONS, VacancyStatus.OPEN, VacancyAction.CLOSE) is VacancyStatus.CLOSED
    with pytest.raises(TransitionRefused):
        transition(VACANCY_TRANSITIONS, VacancyStatus.FILLED, VacancyAction.CLOSE)


@pytest.mark.parametrize(
    ("field", "text", "ground"),
    [
        ("title", "保洁员 限女", "sex"),
        ("description", "Female only, hardworking", "sex"),
        ("description", "年龄35岁以下", "age"),
        ("description", "aged 18-35", "age"),
        ("description", "applicants under 40 years", "age"),
        ("description", "本地户口优先", "household_registration"),
        ("description", "local residents only", "household_registration"),
        ("required_certificates", "未婚", "marital_status"),
        ("description", "no hepatitis B carriers", "health_status"),
        ("description", "汉族", "ethnicity"),
    ],
)
def test_discriminatory_words_are_refused_naming_the_field_and_rule(field, text, ground):
    [problem] = discriminatory_requirements(field_names=[], texts={field: [text]})
    assert problem["field"] == f"{field}.0"
    [problem] = discriminatory_requirements(field_names=[], texts={field: text})
    assert problem["field"] == field
    assert problem["reason"].startswith("no_discriminatory_filters:") and problem["reason"].endswith(ground)


@pytest.mark.parametrize(
    "text",
    [
        "Monthly wages paid on time",
        "照顾3岁儿童和老人",
        "孕婴护理 maternity and infant care",
        "健康证 required for food handling",
        "男装店导购 menswear shop assistant",
        "Over 20 kg loads with a trolley",
    ],
)
def test_ordinary_job_words_are_not_mistaken_for_filters(text):
    assert discriminatory_requirements(field_names=[], texts={"description": text}) == []


def test_filter_fields_are_refused_by_name_but_wage_fields_are_not():
    problems = discriminatory_requirements(
        field_names=["max_age", "gender", "hukou_city", "marital_status", "health_check", "wage_note"],
        texts={},
    )
    assert [p["field"] for p in problems] == [
        "max_age",
        "gender",
        "hukou_city",
        "marital_status",
        "health_check",
    ]


def test_every_factor_explains_its_points():
    match = score(worker(hardship_flags=frozenset({"aged_4050"})), HOUSEKEEPING)
    assert match.score == sum(f.points for f in match.factors) == 25 + 15 + 20 + 20 + 15 + 10
    reasons = {f.factor: f.reason for f in match.factors}
    assert reasons == {
        "occupation": "wants work in housekeeping",
        "employment_form": "wants hourly work",
        "skills": "has 1 of 1 required skills: cleaning",
        "certificates": "holds 1 of 1 required certificates: housekeeping",
        "distance": "same community",
        "priority": 'priority: aged "4050"',
    }


def test_missing_requirements_are_named_with_levels():
    facts = worker(skills={"cleaning": 1}, certificates=(), desired_forms=frozenset({"full_time"}))
    reasons = {f.factor: (f.points, f.reason) for f in score(facts, HOUSEKEEPING).factors}
    assert reasons["skills"] == (
        0,
        "has 0 of 1 required skills; missing cleaning (needs intermediate, has basic)",
    )
    assert reasons["certificates"] == (0, "holds 0 of 1 required certificates; missing housekeeping")
    assert reasons["employment_form"] == (0, "prefers full_time")
    assert reasons["occupation"] == (25, "wants work in housekeeping")


def test_hardship_priority_is_capped_and_ranks_ties_first():
    plain, flagged = (
        worker("w1"),
        worker("w2", hardship_flags=frozenset({"aged_4050", "zero_employment_family"})),
    )
    ranked = best([(plain, HOUSEKEEPING), (flagged, HOUSEKEEPING)], 2, by_vacancy=False)
    assert [m.worker.case_id for m in ranked] == ["w2", "w1"]
    assert ranked[0].factors[-1].points == 15
    assert ranked[0].factors[-1].reason == 'priority: aged "4050", zero-employment family'


def test_distance_uses_kilometres_when_both_communities_have_coordinates():
    near = Place("A", "S1", 31.2304, 121.4737)
    far = Place("B", "S2", 31.2304, 121.5737)
    assert distance_km(near, far) == pytest.approx(9.5, abs=0.1)
    vacancy = VacancyFacts("v", "housekeeping", "hourly", far)
    [distance] = [f for f in score(worker(place=near), vacancy).factors if f.factor == "distance"]
    assert (distance.points, distance.reason) == (5, "9.5 km away")
    other_street = score(
        worker(place=Place("C", "S3")), VacancyFacts("v", "cooking", "hourly", Place("D", "S4"))
    )
    assert other_street.factors[4].reason == "another street" and other_street.factors[4].points == 0


def test_skills_parse_their_level():
    assert parse_skill("Cooking: Advanced") == ("cooking", 3)
    assert parse_skill("sewing") == ("sewing", 1)


def test_the_ranking_score_always_equals_the_explained_score():
    rng = random.Random(5)
    areas, forms, skills = (
        ["housekeeping", "cooking", "cleaning"],
        ["hourly", "seasonal", "full_time"],
        ["a", "b", "c"],
    )
    places = [Place("C1", "S1"), Place("C2", "S1"), Place("C3", "S2", 31.2, 121.4), Place(None)]
    for index in range(500):
        facts = worker(
            f"w{index}",
            place=rng.choice(places),
            hardship_flags=frozenset(
                rng.sample(["aged_4050", "disability", "zero_employment_family"], rng.randint(0, 3))
            ),
            skills={name: rng.randint(1, 4) for name in rng.sample(skills, rng.randint(0, 3))},
            certificates=tuple((f"{area} cert", area) for area in rng.sample(areas, rng.randint(0, 2))),
            desired_occupations=frozenset(rng.sample(areas, rng.randint(0, 2))),
            desired_forms=frozenset(rng.sample(forms, rng.randint(0, 2))),
        )
        vacancy = VacancyFacts(
            vacancy_id="v",
            occupation_area=rng.choice(areas),
            employment_form=rng.choice(forms),
            place=rng.choice(places),
            required_skills=tuple(
                (name, rng.randint(1, 4)) for name in rng.sample(skills, rng.randint(0, 2))
            ),
            required_certificates=tuple(f"{area} cert" for area in rng.sample(areas, rng.randint(0, 2))),
        )
        explained = score(facts, vacancy)
        assert points(facts, vacancy) == explained.score == sum(f.points for f in explained.factors)
