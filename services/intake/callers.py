"""Who may call intake: the scope each kind of work needs, as route dependencies.

A dependency gives the verified `Caller` (principal and audited access) or only the `Principal` where
nothing personal is recorded; the object-level rule (`Principal.reaches_case`) is applied by the use case
once it knows the case's community (`services.intake.guards`).
"""

from typing import Annotated

from fastapi import Depends

from services.common import scopes
from services.common.audit_api import Caller, current_access
from services.common.auth import Principal, require
from services.common.errors import DomainError

CaseReader = Annotated[Caller, Depends(current_access(scopes.CASES_READ))]
CaseWriter = Annotated[Caller, Depends(current_access(scopes.CASES_WRITE))]
NetworkManager = Annotated[Caller, Depends(current_access(scopes.NETWORK_MANAGE))]
PlanApprover = Annotated[Caller, Depends(current_access(scopes.PLANS_APPROVE))]
CaseReaderPrincipal = Annotated[Principal, Depends(require(scopes.CASES_READ))]
CaseWriterPrincipal = Annotated[Principal, Depends(require(scopes.CASES_WRITE))]
"""The client kind of the platform's own processes (the Temporal worker): identity's `ClientKind.SERVICE`."""


async def _platform_service(caller: CaseWriter) -> Caller:
    """The caller, when it is one of the platform's own processes; 403 `service_client_only` otherwise."""
    if not caller.principal.is_service_client:
        raise DomainError(
            403,
            "service_client_only",
            "Only the platform's own services (the journey workflow) may call this",
        )
    return caller


PlatformService = Annotated[Caller, Depends(_platform_service)]
RestructuringManager = Annotated[Caller, Depends(current_access(scopes.RESTRUCTURING_MANAGE))]
