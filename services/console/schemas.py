"""What the console's forms and API accept."""

from pydantic import BaseModel, ConfigDict, Field

from services.console.domain import AreaKind, Indicator

CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginForm(Strict):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=500)


class TargetIn(Strict):
    """A yearly target for one street or community on one indicator."""

    year: int = Field(ge=2000, le=2100)
    area_kind: AreaKind
    area_code: str = Field(pattern=CODE)
    indicator: Indicator
    target: int = Field(ge=0, le=10_000_000)


class TargetOut(TargetIn):
    set_by: str


class CommunityStreetIn(Strict):
    community_code: str = Field(pattern=CODE)
    street_code: str = Field(pattern=CODE)


class ReassignmentForm(Strict):
    assistant_id: str = Field(min_length=36, max_length=36)


class FollowUpForm(Strict):
    """The outcome of a follow-up, as placement's completion endpoint takes it."""

    still_working: bool
    has_labour_contract: bool
    social_insurance: bool
    monthly_earnings_yuan: int | None = Field(default=None, ge=0, le=10_000_000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
