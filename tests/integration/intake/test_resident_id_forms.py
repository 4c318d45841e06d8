"""Resident IDs as people type them: full-width characters and first-generation 15-digit numbers."""

from datetime import date

from tests.factories import registration, resident_id_number


def full_width(number: str) -> str:
    return "".join(chr(ord(character) + 0xFEE0) for character in number)


def first_generation(number: str) -> str:
    """The 15-digit number a person born in the 1900s held before their 18-character one."""
    return number[:6] + number[8:17]


async def test_a_full_width_number_registers_the_person_under_their_one_number(supervisor_api):
    number = resident_id_number()
    created = await supervisor_api.post("/workers", json=registration(resident_id=full_width(number)))
    assert created.status_code == 201, created.text
    case = await supervisor_api.get(f"/workers/{created.json()['case_id']}")
    assert case.status_code == 200, case.text
    assert case.json()["resident_id"] == number

    again = await supervisor_api.post("/workers", json=registration(resident_id=number))
    assert again.status_code == 409, again.text
    assert again.json()["error"] == "case_already_open"
    assert again.json()["details"]["case_id"] == created.json()["case_id"]


async def test_a_fifteen_digit_number_is_the_same_person_as_its_eighteen_character_form(supervisor_api):
    number = resident_id_number(birth=date(1970, 3, 8))
    created = await supervisor_api.post("/workers", json=registration(resident_id=first_generation(number)))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["birth_date"] == "1970-03-08"
    case = await supervisor_api.get(f"/workers/{body['case_id']}")
    assert case.status_code == 200, case.text
    assert case.json()["resident_id"] == number

    for form in (number, full_width(first_generation(number))):
        again = await supervisor_api.post("/workers", json=registration(resident_id=form))
        assert again.status_code == 409, again.text
        assert again.json()["details"]["case_id"] == body["case_id"]


async def test_a_broken_fifteen_digit_number_is_a_clear_422(supervisor_api):
    refused = await supervisor_api.post("/workers", json=registration(resident_id="110105701308X01"))
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "validation_failed"
    assert "15 digits" in refused.text
