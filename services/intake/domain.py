"""Pure intake rules: no I/O."""

import re
import unicodedata
from datetime import date

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_name(name: str) -> str:
    """Trim and NFC-normalise a person's name; refuse control characters and empty names."""
    cleaned = unicodedata.normalize("NFC", name.strip())
    if not cleaned:
        raise ValueError("must not be blank")
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise ValueError("must not contain control characters")
    return cleaned


def check_mobile(mobile: str) -> str:
    if not MAINLAND_MOBILE.match(mobile):
        raise ValueError("must be a mainland mobile number: 11 digits starting with 13 to 19")
    return mobile


def check_layoff_date(layoff_date: date, today: date) -> date:
    if layoff_date > today:
        raise ValueError("must not be in the future")
    return layoff_date
