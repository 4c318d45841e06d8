"""Resident identity numbers (GB 11643-1999): 18 characters, birth date and sex inside, an ISO 7064 check.

Numbers are taken as people type them and ledgers keep them: full-width characters (U+FF10…U+FF19, U+FF38) are
read as their ASCII forms, and a first-generation 15-digit number (area, YYMMDD with century 19, sequence) is
converted to its 18-digit form, so one person has one number whichever form an entry used.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"^[1-9][0-9]{5}[0-9]{8}[0-9]{3}[0-9X]$")
FIRST_GENERATION_SHAPE = re.compile(r"^[1-9][0-9]{14}$")
FIRST_GENERATION_CENTURY = "19"
"""15-digit numbers were issued from 1984 to 2004 to people born in the 1900s: their YYMMDD is 19YYMMDD."""
FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)} | {"\uff38": "X", "\uff58": "X", "\u3000": " "}
)


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: Sex

    def masked(self) -> str:
        return mask(self.number)


class InvalidResidentId(ValueError):
    """The number breaks a rule; the message names the rule."""


def check_character(first_seventeen: str) -> str:
    """The 18th character: the weighted sum of the first 17 digits, modulo 11, mapped to 1 0 X 9 … 2."""
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalise(value: str) -> str:
    """The number in its one stored form: ASCII, upper-case X, 18 characters when it was a valid 15."""
    number = value.translate(FULL_WIDTH).strip().upper()
    if FIRST_GENERATION_SHAPE.match(number):
        first_seventeen = number[:6] + FIRST_GENERATION_CENTURY + number[6:]
        return first_seventeen + check_character(first_seventeen)
    return number


def parse(value: str, *, today: date) -> ResidentId:
    """Validate a resident ID number (`normalise`d first) and read the birth date and sex it carries."""
    number = normalise(value)
    if len(number) == 15:
        raise InvalidResidentId("a first-generation number must be 15 digits, not starting with 0")
    if len(number) != 18:
        raise InvalidResidentId("must be 18 characters (or a first-generation number of 15 digits)")
    if not SHAPE.match(number):
        raise InvalidResidentId("must be 17 digits then a digit or X, not starting with 0")
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise InvalidResidentId("characters 7 to 14 must be a real birth date (YYYYMMDD)") from error
    if birth_date > today:
        raise InvalidResidentId("the birth date it carries is in the future")
    if birth_date.year < 1900:
        raise InvalidResidentId("the birth date it carries is before 1900")
    if check_character(number[:17]) != number[17]:
        raise InvalidResidentId("the check character (GB 11643, ISO 7064 MOD 11-2) does not match")
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth_date, sex=sex)


def mask(number: str) -> str:
    """Keep the first four and last four characters: enough to recognise, not enough to use."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
