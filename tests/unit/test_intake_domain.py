from datetime import date

import pytest

from services.intake import domain


@pytest.mark.parametrize("mobile", ["13800138000", "19912345678", "15000000000"])
def test_mainland_mobile_numbers_are_accepted(mobile):
    assert domain.check_mobile(mobile) == mobile


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "+8613800138000", "abc"])
def test_other_numbers_are_refused(mobile):
    with pytest.raises(ValueError, match="mainland mobile"):
        domain.check_mobile(mobile)


def test_names_are_trimmed_and_normalised():
    assert domain.normalise_name("  李四 ") == "李四"


@pytest.mark.parametrize("name", ["   ", "张\x00三", "bad\nname"])
def test_blank_names_and_control_characters_are_refused(name):
    with pytest.raises(ValueError):
        domain.normalise_name(name)


def test_layoff_in_the_future_is_refused():
    with pytest.raises(ValueError, match="future"):
        domain.check_layoff_date(date(2027, 1, 1), today=date(2026, 11, 24))
    assert domain.check_layoff_date(date(2026, 11, 24), today=date(2026, 11, 24)) == date(2026, 11, 24)
