"""The identity service's settings: token lifetimes, lockout and rate-limit policy, the bootstrap admin."""

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from services.common.settings import ServiceSettings

DEVELOPMENT_ADMIN_PASSWORD = "development-only-bootstrap-password"

SigningAlgorithm = Literal["EdDSA", "ES256", "RS256"]


class IdentitySettings(ServiceSettings):
    identity_signing_algorithm: SigningAlgorithm = "EdDSA"
    identity_staff_token_minutes: float = Field(default=60, gt=0, le=24 * 60)
    identity_client_token_minutes: float = Field(default=15, gt=0, le=24 * 60)
    identity_token_leeway_seconds: float = Field(
        default=60,
        ge=0,
        description="Added to how long a retired key stays published (verifiers' clock skew)",
    )
    identity_key_publication_seconds: float = Field(
        default=600, ge=0, description="How long a next key is published before it may sign"
    )
    identity_jwks_max_age_seconds: int = Field(
        default=300, ge=0, description="Cache-Control max-age of the JWKS"
    )
    identity_lockout_threshold: int = Field(default=5, ge=1, description="Failed logins in a row that lock")
    identity_lockout_minutes: float = Field(default=15, gt=0)
    identity_client_rate_per_minute: float = Field(default=60, gt=0)
    identity_client_burst: int = Field(default=20, ge=1)
    identity_address_rate_per_minute: float = Field(default=300, gt=0)
    identity_address_burst: int = Field(default=60, ge=1)
    identity_password_time_cost: int = Field(default=3, ge=1, le=20, description="argon2id iterations")
    identity_password_memory_kib: int = Field(default=65_536, ge=8_192, description="argon2id memory")
    identity_bootstrap_admin_username: str = Field(default="admin", min_length=3, max_length=64)
    identity_bootstrap_admin_password: str = DEVELOPMENT_ADMIN_PASSWORD
    identity_service_clients: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="The platform's own clients as JSON {client_id: secret}, e.g. the Temporal worker's",
    )

    @model_validator(mode="after")
    def _refuse_default_admin_password_in_production(self) -> "IdentitySettings":
        if (
            self.environment == "production"
            and self.identity_bootstrap_admin_password == DEVELOPMENT_ADMIN_PASSWORD
        ):
            raise ValueError(
                "REEMPLOY_IDENTITY_BOOTSTRAP_ADMIN_PASSWORD must be set to a real password in production"
            )
        if self.identity_key_publication_seconds < self.identity_jwks_max_age_seconds:
            raise ValueError(
                "REEMPLOY_IDENTITY_KEY_PUBLICATION_SECONDS must be at least the JWKS max-age, so every "
                "verifier holds the next key before it signs"
            )
        return self
