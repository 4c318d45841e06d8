"""Who may act on a provider's classes: a provider client whose token names that provider."""

from typing import Annotated

from fastapi import Depends, Path

from services.common import scopes
from services.common.auth import Principal, require
from services.common.errors import DomainError

ProvidingClient = Annotated[Principal, Depends(require(scopes.TRAINING_PROVIDE))]


def require_own_provider(caller: Principal, provider_id: str) -> None:
    """A provider client acts only for the provider its token names (403 `provider_mismatch` otherwise)."""
    if caller.provider_id != provider_id:
        raise DomainError(
            403,
            "provider_mismatch",
            f"The token acts for {caller.provider_id or 'no provider'}, not {provider_id}",
            details={"provider_id": provider_id},
        )


async def acting_provider(
    provider_id: Annotated[str, Path(min_length=36, max_length=36)], caller: ProvidingClient
) -> Principal:
    """The route dependency of `/providers/{provider_id}/classes…`: 401 without a token, 403
    `insufficient_scope` without `training:provide`, 403 `provider_mismatch` for another provider's token."""
    require_own_provider(caller, provider_id)
    return caller
