"""The demo district: drawn deterministically, valid for intake, with the mix of people and fates promised."""

from collections import Counter
from datetime import date

from services.intake.domain import is_aged_4050
from services.intake.resident_id import Sex, parse
from tools.demo.district import AREAS, Fate, draw
from tools.demo.follow_ups import outcome

TODAY = date(2026, 11, 26)


def district(workers: int = 1000, seed: int = 2026):
    return draw(seed=seed, workers=workers, assistants=50, providers=5, employers=40, today=TODAY)


def test_the_same_seed_draws_the_same_district_and_another_seed_another() -> None:
    assert district(200) == district(200)
    assert district(200).workers != district(200, seed=7).workers


def test_resident_ids_are_valid_carry_the_worker_s_birth_and_sex_and_are_fresh_on_every_run() -> None:
    workers = district().workers
    for run in (1, 2):
        for worker in workers:
            carried = parse(worker.resident_id(run), today=TODAY)
            assert (carried.birth_date, carried.sex.value) == (worker.birth_date, worker.sex)
    first = {worker.resident_id(1) for worker in workers}
    second = {worker.resident_id(2) for worker in workers}
    assert len(first) == len(second) == len(workers)
    assert not first & second


def test_workers_are_of_working_age_laid_off_in_the_past_in_communities_with_an_assistant() -> None:
    drawn = district()
    served = {assistant.community for assistant in drawn.assistants}
    for worker in drawn.workers:
        assert worker.layoff_date < TODAY
        assert (worker.layoff_date - worker.birth_date).days >= 16 * 365
        assert worker.community in served
        assert worker.occupation_area in AREAS


def test_the_district_has_varied_profiles_and_every_fate() -> None:
    workers = district().workers
    fates = Counter(worker.fate for worker in workers)
    assert set(fates) == set(Fate)
    assert fates[Fate.TRAINED_AND_HIRED] > fates[Fate.EXITED]
    aged_4050 = [w for w in workers if is_aged_4050(Sex(w.sex), w.birth_date, w.layoff_date)]
    zero_employment = [w for w in workers if w.household[1] == 0 and w.household[0] > 0]
    assert 100 < len(aged_4050) < 900
    assert 50 < len(zero_employment) < 500
    assert 10 < sum(w.disability for w in workers) < 150
    assert 10 < sum(w.complains for w in workers) < 100
    assert {w.layoff_reason for w in workers} == {"restructuring", "bankruptcy", "contract_ended", "other"}


def test_the_network_covers_every_street_and_employers_offer_public_welfare_posts_and_flexible_work() -> None:
    drawn = district()
    assert {community.street_code for community in drawn.communities} == {code for code, _ in drawn.streets}
    assert len({community.code for community in drawn.communities}) == len(drawn.communities)
    forms = Counter(vacancy.employment_form for e in drawn.employers for vacancy in e.vacancies)
    assert forms["public_welfare_post"] >= 1 and forms["full_time"] > forms["hourly"] >= 1
    assert {vacancy.occupation_area for e in drawn.employers for vacancy in e.vacancies} == set(AREAS)
    assert len({a.username for a in drawn.assistants}) == 50


def test_follow_ups_say_what_the_fate_says() -> None:
    assert outcome(Fate.HIRED, 1)["has_labour_contract"] is True
    assert outcome(Fate.QUIT, 1)["still_working"] is True
    assert outcome(Fate.QUIT, 2)["still_working"] is False
    assert outcome(Fate.FLEXIBLE, 3)["social_insurance"] is False
    assert outcome(None, 1)["still_working"] is True
