"""The console's pure rules: pages per role, masking, stage ordering, overdue, progress, the catalogue."""

import re
from datetime import date
from pathlib import Path

import pytest

from contracts.events.journey import ReviewKind
from contracts.journey import JourneyStage
from services.console.domain import (
    PAGES_OF_ROLE,
    Indicator,
    Page,
    Role,
    home_page,
    is_newer_stage,
    is_overdue,
    mask_case_id,
    mask_event_data,
    may_open,
    may_see_case,
    progress,
    role_of,
)
from services.console.i18n import LANGUAGES, MESSAGES, event_key, language_of, translator

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "console" / "templates"
CASE_ID = "01a216b5-0000-7000-8000-00000000abcd"


def test_each_role_has_its_pages_and_home() -> None:
    assert home_page(Role.LABOUR_ASSISTANT) is Page.CASELOAD
    assert home_page(Role.SUPERVISOR) is Page.SUPERVISOR
    assert home_page(Role.LEADING_GROUP) is Page.TARGETS
    assert home_page(Role.ADMIN) is None
    assert not may_open(Role.LEADING_GROUP, Page.CASE)
    assert role_of("nobody") is None and role_of(None) is None


def test_an_assistant_opens_only_the_cases_they_carry() -> None:
    assert may_see_case(Role.LABOUR_ASSISTANT, "a", "a")
    assert not may_see_case(Role.LABOUR_ASSISTANT, "a", "b")
    assert not may_see_case(Role.LABOUR_ASSISTANT, "a", None)
    assert may_see_case(Role.SUPERVISOR, "s", "b")
    assert not may_see_case(Role.LEADING_GROUP, "l", "b")


def test_money_is_masked_for_roles_that_do_not_need_it() -> None:
    data = {"case_id": CASE_ID, "monthly_wage_yuan": 3200, "employment_form": "hourly"}
    assert mask_event_data(Role.SUPERVISOR, data) == data
    assert mask_event_data(Role.RIGHTS_OFFICER, data) == data | {"monthly_wage_yuan": "***"}
    assert mask_case_id(Role.LEADING_GROUP, CASE_ID) == "…0000abcd"
    assert mask_case_id(Role.SUPERVISOR, CASE_ID) == CASE_ID


def test_only_a_newer_stage_moves_the_case() -> None:
    assert is_newer_stage(0, 1)
    assert not is_newer_stage(3, 2) and not is_newer_stage(3, 3)


@pytest.mark.parametrize(
    ("status", "due_on", "noticed", "overdue"),
    [
        ("open", date(2026, 11, 25), False, True),
        ("open", date(2026, 11, 26), False, False),
        ("open", date(2026, 11, 30), True, True),
        ("completed", date(2026, 11, 1), True, False),
    ],
)
def test_overdue(status: str, due_on: date, noticed: bool, overdue: bool) -> None:
    assert is_overdue(status=status, due_on=due_on, today=date(2026, 11, 26), noticed=noticed) is overdue


def test_progress() -> None:
    assert progress(1, 4) == 0.25 and progress(9, 4) == 1.0 and progress(0, 0) == 1.0


def test_language_choice_and_fallback() -> None:
    assert language_of(None, None) == "zh"
    assert language_of("en", "zh") == "en"
    assert language_of("fr", "en") == "en"
    t = translator("en")
    assert t("nav.targets") == "Target assessment" and t("no.such.key") == "no.such.key"
    assert event_key("placement.hired.v1") == "event.placement.hired"


def test_every_label_the_pages_use_is_in_both_languages() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(["']([a-z_0-9.]+)["']\)""", template.read_text()))
    keys = set(MESSAGES)
    for stage in JourneyStage:
        used.add(f"stage.{stage.value}")
    for indicator in Indicator:
        used.add(f"indicator.{indicator.value}")
    for kind in ReviewKind:
        used.add(f"review.{kind.value}")
    for flag in ("aged_4050", "zero_employment_family", "disability", "long_term_unemployed"):
        used.add(f"hardship.{flag}")
    used |= {"status.open", "status.closed"}
    for page in (page for pages in PAGES_OF_ROLE.values() for page in pages if page is not Page.CASE):
        used.add(f"nav.{page.value}")
    assert used - keys == set()
    assert all(len(labels) == len(LANGUAGES) and all(labels) for labels in MESSAGES.values())
