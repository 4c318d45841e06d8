"""Words the services share about work: occupation areas and employment forms.

Training courses, vacancies, skills and the demand view all speak of occupation areas with these codes, so a
course can be matched to the vacancies it prepares for.
"""

from enum import StrEnum


class OccupationArea(StrEnum):
    COMPUTER = "computer"
    APPLIANCE_REPAIR = "appliance_repair"
    COOKING = "cooking"
    HAIRDRESSING_BEAUTY = "hairdressing_beauty"
    HOUSEKEEPING = "housekeeping"
    ELDERLY_CARE = "elderly_care"
    CLEANING = "cleaning"
    SECURITY = "security"
    RETAIL = "retail"
    LOGISTICS = "logistics"
    CONSTRUCTION = "construction"
    MANUFACTURING = "manufacturing"
    GARMENT_AND_WEAVING = "garment_and_weaving"
    OTHER = "other"


class EmploymentForm(StrEnum):
    """Flexible forms count as real outcomes, next to a full-time labour contract."""

    FULL_TIME = "full_time"
    HOURLY = "hourly"
    SEASONAL = "seasonal"
    PART_TIME = "part_time"
    DISPATCH = "dispatch"
    SELF_EMPLOYMENT = "self_employment"
    PUBLIC_WELFARE_POST = "public_welfare_post"
