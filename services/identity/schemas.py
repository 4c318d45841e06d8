"""Identity request and response models."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, computed_field, field_validator

from services.common.errors import ErrorItem
from services.common.scopes import SCOPES
from services.identity.domain import ROLE_SCOPES, ClientKind, Role
from services.identity.settings import SigningAlgorithm

CODE = r"^[A-Za-z0-9-]{2,32}$"
NAME = r"^[a-z0-9][a-z0-9._-]{2,63}$"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
PARTY_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


class TokenErrorBody(BaseModel):
    """RFC 6749 §5.2, plus the kit's `message` and `errors`."""

    error: str = Field(
        description="invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type, "
        "rate_limited"
    )
    error_description: str
    message: str
    errors: list[ErrorItem] = []


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int = Field(description="Seconds")
    scope: str = Field(description="Space-separated scopes the token carries")


def _known_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {' '.join(unknown)}")
    return scopes


class ClientRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    client_id: str = Field(pattern=NAME, examples=["tax-bureau"])
    name: str = Field(min_length=1, max_length=100, examples=["District tax bureau"])
    kind: ClientKind
    agency_code: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]{1,39}$", examples=["tax"])
    employer_id: str | None = Field(default=None, pattern=PARTY_ID)
    provider_id: str | None = Field(default=None, pattern=PARTY_ID)
    scopes: list[str] = Field(min_length=1, max_length=len(SCOPES), examples=[["benefits:decide"]])

    _scopes_known = field_validator("scopes")(_known_scopes)


class ClientOut(BaseModel):
    client_id: str
    name: str
    kind: ClientKind
    agency_code: str | None
    employer_id: str | None
    provider_id: str | None
    scopes: list[str]
    active: bool
    registered_at: datetime
    secret_issued_at: datetime


class ClientWithSecret(ClientOut):
    client_secret: str = Field(description="Shown this once; only a hash is stored")


class StaffRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(pattern=NAME, examples=["lijuan"])
    display_name: str = Field(min_length=1, max_length=100, examples=["李娟"])
    role: Role
    password: SecretStr = Field(
        max_length=128, description="At least 12 characters, not containing the username"
    )
    community_code: str | None = Field(default=None, pattern=CODE, examples=["ZS-01"])
    street_code: str | None = Field(default=None, pattern=CODE, examples=["ZS"])
    assistant_id: str | None = Field(
        default=None,
        pattern=UUID,
        examples=["019ac0b2-5f3e-7a41-9c2d-6b1e8f0a3d27"],
        description="A labour assistant's id in intake's caseworker network; their tokens carry it",
    )

    @field_validator("username", "assistant_id", mode="before")
    @classmethod
    def _lower_case(cls, value: Any) -> Any:
        return value.casefold() if isinstance(value, str) else value


class StaffAssistant(BaseModel):
    """Which labour assistant of intake's caseworker network an existing labour assistant's login is."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    assistant_id: str = Field(pattern=UUID, examples=["019ac0b2-5f3e-7a41-9c2d-6b1e8f0a3d27"])

    @field_validator("assistant_id", mode="before")
    @classmethod
    def _lower_case(cls, value: Any) -> Any:
        return value.casefold() if isinstance(value, str) else value


class StaffOut(BaseModel):
    staff_id: str
    username: str
    display_name: str
    role: Role
    community_code: str | None
    street_code: str | None
    assistant_id: str | None
    failed_attempts: int
    locked_until: datetime | None
    registered_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def scopes(self) -> list[str]:
        """What the role's tokens may carry."""
        return sorted(ROLE_SCOPES[self.role])


class NextKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    algorithm: SigningAlgorithm | None = Field(
        default=None, description="The configured algorithm when left out"
    )


class SigningKeyOut(BaseModel):
    kid: str
    algorithm: str
    status: str = Field(description="next, active or retired")
    published: bool = Field(description="Whether the JWKS lists it now")
    created_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None
    public_jwk: dict[str, Any]
