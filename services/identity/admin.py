"""Registering clients and staff; the bootstrap admin made on first start."""

import logging
from collections.abc import Mapping

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from contracts.ids import uuid7
from services.common.errors import DomainError
from services.identity.collaborators import Identity
from services.identity.credentials import client_secret_hash, new_client_secret
from services.identity.domain import (
    CLIENT_SCOPES,
    ClientKind,
    Role,
    assistant_problems,
    client_registration_problems,
    staff_problems,
)
from services.identity.models import Client, StaffUser
from services.identity.schemas import ClientRegistration, StaffRegistration

log = logging.getLogger(__name__)


async def register_client(identity: Identity, registration: ClientRegistration) -> tuple[Client, str]:
    """A new client and its secret, which is shown this once and stored only as a hash."""
    parties = {
        "agency_code": registration.agency_code,
        "employer_id": registration.employer_id,
        "provider_id": registration.provider_id,
    }
    problems = client_registration_problems(registration.kind, parties, frozenset(registration.scopes))
    if problems:
        raise DomainError(422, "validation_failed", "The client registration is not valid", problems)
    secret = new_client_secret()
    now = identity.clock()
    client = Client(
        client_id=registration.client_id,
        name=registration.name,
        kind=registration.kind.value,
        **parties,
        scopes=sorted(set(registration.scopes)),
        secret_hash=client_secret_hash(secret),
        active=True,
        registered_at=now,
        secret_issued_at=now,
        version=1,
    )
    try:
        async with identity.sessions.begin() as session:
            if await session.get(Client, registration.client_id) is not None:
                raise _client_exists(registration.client_id)
            session.add(client)
    except IntegrityError:
        raise _client_exists(registration.client_id) from None
    log.info("client registered", extra={"client_id": client.client_id, "kind": client.kind})
    return client, secret


def _client_exists(client_id: str) -> DomainError:
    return DomainError(409, "client_exists", f"A client {client_id} is already registered")


async def list_clients(identity: Identity) -> list[Client]:
    async with identity.sessions() as session:
        return list(await session.scalars(select(Client).order_by(Client.client_id)))


async def get_client(identity: Identity, client_id: str) -> Client:
    async with identity.sessions() as session:
        client = await session.get(Client, client_id)
    if client is None:
        raise DomainError(404, "client_not_found", f"No client {client_id}")
    return client


async def issue_client_secret(identity: Identity, client_id: str) -> tuple[Client, str]:
    """A new secret for the client; the old one stops working at once."""
    secret = new_client_secret()
    try:
        async with identity.sessions.begin() as session:
            client = await session.get(Client, client_id)
            if client is None:
                raise DomainError(404, "client_not_found", f"No client {client_id}")
            client.secret_hash = client_secret_hash(secret)
            client.secret_issued_at = identity.clock()
    except StaleDataError:
        raise DomainError(409, "concurrent_change", "The client changed meanwhile; try again") from None
    log.info("client secret issued", extra={"client_id": client_id})
    return client, secret


async def deactivate_client(identity: Identity, client_id: str) -> Client:
    """The client gets no more tokens; tokens it holds run out within their lifetime."""
    try:
        async with identity.sessions.begin() as session:
            client = await session.get(Client, client_id)
            if client is None:
                raise DomainError(404, "client_not_found", f"No client {client_id}")
            client.active = False
    except StaleDataError:
        raise DomainError(409, "concurrent_change", "The client changed meanwhile; try again") from None
    log.info("client deactivated", extra={"client_id": client_id})
    return client


async def register_staff(identity: Identity, registration: StaffRegistration) -> StaffUser:
    password = registration.password.get_secret_value()
    problems = staff_problems(
        registration.username,
        password,
        registration.role,
        registration.community_code,
        registration.street_code,
        registration.assistant_id,
    )
    if problems:
        raise DomainError(422, "validation_failed", "The staff registration is not valid", problems)
    staff = StaffUser(
        staff_id=str(uuid7()),
        username=registration.username,
        display_name=registration.display_name,
        role=registration.role.value,
        community_code=registration.community_code,
        street_code=registration.street_code,
        assistant_id=registration.assistant_id,
        password_hash=await identity.passwords.hash(password),
        failed_attempts=0,
        registered_at=identity.clock(),
        version=1,
    )
    try:
        async with identity.sessions.begin() as session:
            taken = await session.scalar(
                select(StaffUser.staff_id).where(StaffUser.username == staff.username)
            )
            if taken is not None:
                raise _username_taken(staff.username)
            session.add(staff)
    except IntegrityError:
        raise _username_taken(staff.username) from None
    log.info("staff registered", extra={"staff_id": staff.staff_id, "role": staff.role})
    return staff


def _username_taken(username: str) -> DomainError:
    return DomainError(409, "username_taken", f"The username {username} is taken")


async def list_staff(identity: Identity) -> list[StaffUser]:
    async with identity.sessions() as session:
        return list(await session.scalars(select(StaffUser).order_by(StaffUser.username)))


async def unlock_staff(identity: Identity, username: str) -> StaffUser:
    """Lift a lockout before it runs out, and clear the failure count."""
    try:
        async with identity.sessions.begin() as session:
            staff = await session.scalar(select(StaffUser).where(StaffUser.username == username.casefold()))
            if staff is None:
                raise DomainError(404, "staff_not_found", f"No staff member {username}")
            staff.failed_attempts = 0
            staff.locked_until = None
    except StaleDataError:
        raise DomainError(409, "concurrent_change", "The account changed meanwhile; try again") from None
    log.info("staff unlocked", extra={"staff_id": staff.staff_id})
    return staff


async def set_staff_assistant(identity: Identity, username: str, assistant_id: str) -> StaffUser:
    """Name the labour assistant an existing login is; tokens issued from now on carry it."""
    try:
        async with identity.sessions.begin() as session:
            staff = await session.scalar(select(StaffUser).where(StaffUser.username == username.casefold()))
            if staff is None:
                raise DomainError(404, "staff_not_found", f"No staff member {username}")
            problems = assistant_problems(Role(staff.role))
            if problems:
                raise DomainError(422, "validation_failed", "This login cannot name an assistant", problems)
            staff.assistant_id = assistant_id
    except StaleDataError:
        raise DomainError(409, "concurrent_change", "The account changed meanwhile; try again") from None
    log.info("staff assistant set", extra={"staff_id": staff.staff_id})
    return staff


async def ensure_bootstrap_admin(identity: Identity, username: str, password: str) -> None:
    """On first start (no admin yet), make the admin named in settings; processes starting together
    make one between them."""
    async with identity.sessions() as session:
        existing = await session.scalar(select(StaffUser.staff_id).where(StaffUser.role == Role.ADMIN.value))
    if existing is not None:
        return
    registration = StaffRegistration(
        username=username,
        display_name="Bootstrap administrator",
        role=Role.ADMIN,
        password=SecretStr(password),
    )
    try:
        await register_staff(identity, registration)
    except DomainError as refused:
        if refused.code != "username_taken":
            reasons = "; ".join(f"{problem['field']}: {problem['reason']}" for problem in refused.errors)
            raise RuntimeError(f"The bootstrap admin from settings is refused: {reasons}") from refused
        log.info("the bootstrap admin's username is taken; no admin made")


async def ensure_service_clients(identity: Identity, clients: Mapping[str, SecretStr]) -> None:
    """The platform's own processes (the Temporal worker, say) as `service` clients with the secrets
    their deployment gives them: registered on first start; their secret updated when it changed, and their
    scopes whenever a release adds one."""
    scopes = sorted(CLIENT_SCOPES[ClientKind.SERVICE])
    for client_id, secret in clients.items():
        secret_hash = client_secret_hash(secret.get_secret_value())
        now = identity.clock()
        try:
            async with identity.sessions.begin() as session:
                client = await session.get(Client, client_id)
                if client is None:
                    session.add(
                        Client(
                            client_id=client_id,
                            name=f"Reemploy {client_id}",
                            kind=ClientKind.SERVICE.value,
                            scopes=scopes,
                            secret_hash=secret_hash,
                            active=True,
                            registered_at=now,
                            secret_issued_at=now,
                            version=1,
                        )
                    )
                elif client.kind != ClientKind.SERVICE.value:
                    raise RuntimeError(
                        f"The service client {client_id} from settings is taken by a {client.kind}"
                    )
                else:
                    if client.secret_hash != secret_hash or not client.active:
                        client.secret_hash = secret_hash
                        client.secret_issued_at = now
                        client.active = True
                    if client.scopes != scopes:
                        client.scopes = scopes
        except (IntegrityError, StaleDataError):
            log.info(
                "another process registered the service client meanwhile", extra={"client_id": client_id}
            )
