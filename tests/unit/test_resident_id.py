"""Resident ID numbers (GB 11643): examples and properties."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.resident_id import InvalidResidentId, Sex, check_character, mask, parse

TODAY = date(2026, 11, 24)


def build(area: str, birth: date, sequence: int) -> str:
    first = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first + check_character(first)


areas = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


def test_a_published_example_is_valid():
    parsed = parse("11010519491231002X", today=TODAY)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex is Sex.FEMALE


@given(areas, births, sequences)
def test_every_well_formed_number_parses_back_to_its_birth_date_and_sex(area, birth, sequence):
    parsed = parse(build(area, birth, sequence), today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)


@given(
    areas, births, sequences, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9)
)
def test_changing_any_one_digit_breaks_the_check(area, birth, sequence, position, shift):
    number = build(area, birth, sequence)
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(InvalidResidentId):
        parse(changed, today=TODAY)


@given(areas, births, sequences)
def test_a_lowercase_x_is_accepted_as_x(area, birth, sequence):
    number = build(area, birth, sequence)
    assert parse(number.lower(), today=TODAY).number == number


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("1101051949123100", "18 characters"),
        ("01010519491231002X", "not starting with 0"),
        ("11010519491331002X", "real birth date"),
        ("11010519490230002X", "real birth date"),
        (build("110105", date(2026, 11, 24), 1)[:6] + "20991231001" + "0", "check character|future"),
        ("110105194912310021", "check character"),
    ],
)
def test_broken_numbers_name_the_rule(number, rule):
    with pytest.raises(InvalidResidentId, match=rule):
        parse(number, today=TODAY)


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(InvalidResidentId, match="future"):
        parse(build("110105", date(2027, 1, 1), 1), today=TODAY)


def test_masking_keeps_only_the_ends():
    assert mask("11010519491231002X") == "1101**********002X"


def full_width(number: str) -> str:
    return "".join(chr(ord(character) + 0xFEE0) for character in number)


@given(areas, births, sequences)
def test_full_width_characters_are_read_as_their_ascii_forms(area, birth, sequence):
    number = build(area, birth, sequence)
    assert parse(full_width(number), today=TODAY) == parse(number, today=TODAY)
    assert parse(f"\u3000{full_width(number).lower()}\u3000", today=TODAY).number == number


def test_a_full_width_x_is_the_check_character_x():
    assert parse(full_width("11010519491231002x"), today=TODAY).number == "11010519491231002X"


@given(areas, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_a_first_generation_number_is_its_eighteen_character_form(area, birth, sequence):
    fifteen = f"{area}{birth:%y%m%d}{sequence:03d}"
    parsed = parse(fifteen, today=TODAY)
    assert parsed.number == build(area, birth, sequence)
    assert parsed.birth_date == birth
    assert parsed.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)
    assert parse(full_width(fifteen), today=TODAY) == parsed


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("110105491331002", "real birth date"),
        ("010105491231002", "15 digits, not starting with 0"),
        ("11010549123100X", "15 digits, not starting with 0"),
        ("1101054912310", "18 characters"),
    ],
)
def test_a_broken_first_generation_number_is_refused(number, rule):
    with pytest.raises(InvalidResidentId, match=rule):
        parse(number, today=TODAY)
