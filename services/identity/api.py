"""Identity routes: the token endpoint, the published keys and metadata, and the admin endpoints."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from services.common.auth import Principal, require
from services.common.error_responses import refusals
from services.common.scopes import IDENTITY_ADMIN, SCOPES
from services.identity import admin, rotation, tokens
from services.identity.collaborators import Identity
from services.identity.domain import KeyStatus, is_published
from services.identity.models import Client, SigningKey, StaffUser
from services.identity.schemas import (
    ClientOut,
    ClientRegistration,
    ClientWithSecret,
    NextKeyRequest,
    SigningKeyOut,
    StaffAssistant,
    StaffOut,
    StaffRegistration,
    TokenErrorBody,
    TokenResponse,
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _identity(request: Request) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


IdentityDep = Annotated[Identity, Depends(_identity)]

oauth_router = APIRouter(tags=["oauth2"])

TOKEN_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {
                            "type": "string",
                            "enum": [tokens.CLIENT_CREDENTIALS, tokens.PASSWORD],
                        },
                        "scope": {
                            "type": "string",
                            "description": "Space-separated; all allowed when left out",
                        },
                        "client_id": {"type": "string", "description": "Or HTTP Basic"},
                        "client_secret": {"type": "string", "description": "Or HTTP Basic"},
                        "username": {"type": "string", "description": "password grant"},
                        "password": {"type": "string", "description": "password grant"},
                    },
                }
            }
        },
    }
}


@oauth_router.post(
    "/oauth2/token",
    response_model=TokenResponse,
    openapi_extra=TOKEN_FORM,
    responses={
        400: {"model": TokenErrorBody, "description": "RFC 6749 error"},
        401: {"model": TokenErrorBody, "description": "invalid_client"},
        429: {"model": TokenErrorBody, "description": "Rate limited; see Retry-After"},
        **refusals({503: "`no_signing_key`: no signing key is active"}),
    },
)
async def token(request: Request, identity: IdentityDep) -> JSONResponse:
    """An access token: `grant_type=client_credentials` for agencies, employers, providers and services
    (HTTP Basic or form credentials), `grant_type=password` for staff."""
    try:
        token_request = tokens.parse_token_request(
            content_type=request.headers.get("content-type"),
            body=await request.body(),
            authorization=request.headers.get("authorization"),
            remote_address=request.client.host if request.client else "unknown",
        )
        issued = await tokens.issue_token(identity, token_request)
    except tokens.TokenError as refused:
        body = TokenErrorBody(
            error=refused.error, error_description=refused.description, message=refused.description
        )
        return JSONResponse(body.model_dump(), status_code=refused.status, headers=refused.headers | NO_STORE)
    answer = TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope)
    return JSONResponse(answer.model_dump(), headers=NO_STORE)


@oauth_router.get("/.well-known/jwks.json")
async def jwks(identity: IdentityDep) -> JSONResponse:
    """The keys that verify this issuer's tokens: the active one, the next one, recently retired ones."""
    document = await rotation.published_jwks(identity)
    max_age = identity.keys.jwks_max_age_seconds
    return JSONResponse(document, headers={"Cache-Control": f"public, max-age={max_age}"})


def server_metadata(request: Request) -> dict[str, Any]:
    """RFC 8414 authorization-server metadata, also served at the OpenID discovery path."""
    verifier = request.app.state.token_verifier
    return {
        "issuer": verifier.issuer,
        "token_endpoint": f"{verifier.issuer.rstrip('/')}/oauth2/token",
        "jwks_uri": verifier.jwks_url,
        "grant_types_supported": [tokens.CLIENT_CREDENTIALS, tokens.PASSWORD],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": sorted(SCOPES),
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["EdDSA", "ES256", "RS256"],
        "token_endpoint_auth_signing_alg_values_supported": ["EdDSA", "ES256", "RS256"],
    }


@oauth_router.get("/.well-known/openid-configuration")
async def openid_configuration(request: Request) -> dict[str, Any]:
    return server_metadata(request)


@oauth_router.get("/.well-known/oauth-authorization-server")
async def oauth_metadata(request: Request) -> dict[str, Any]:
    return server_metadata(request)


admin_router = APIRouter(prefix="/admin", tags=["administration"])
Admin = Annotated[Principal, Depends(require(IDENTITY_ADMIN))]
ClientId = Annotated[str, Path(max_length=64)]
CHANGED = "`concurrent_change`: changed meanwhile; retry"
CLIENT_NOT_FOUND = refusals({404: "`client_not_found`", 409: CHANGED})
STAFF_NOT_FOUND = refusals({404: "`staff_not_found`", 409: CHANGED})


def _client(client: Client, secret: str | None = None) -> ClientOut:
    out = ClientOut.model_validate(client, from_attributes=True)
    return out if secret is None else ClientWithSecret(**out.model_dump(), client_secret=secret)


def _staff(staff: StaffUser) -> StaffOut:
    return StaffOut.model_validate(staff, from_attributes=True)


def _key(identity: Identity, key: SigningKey) -> SigningKeyOut:
    return SigningKeyOut(
        kid=key.kid,
        algorithm=key.algorithm,
        status=key.status,
        published=is_published(
            KeyStatus(key.status), key.retired_at, identity.clock(), identity.keys.keep_retired
        ),
        created_at=key.created_at,
        activated_at=key.activated_at,
        retired_at=key.retired_at,
        public_jwk=key.public_jwk,
    )


@admin_router.post(
    "/clients",
    status_code=201,
    response_model=ClientWithSecret,
    responses=refusals(
        {
            409: "`client_exists`: the client_id is taken",
            422: "`validation_failed`: also when the kind, its party or its scopes do not fit",
        }
    ),
)
async def register_client(registration: ClientRegistration, identity: IdentityDep, _: Admin) -> ClientOut:
    """Register an agency, employer, provider or service client; the secret is in this answer only."""
    client, secret = await admin.register_client(identity, registration)
    return _client(client, secret)


@admin_router.get("/clients", response_model=list[ClientOut])
async def list_clients(identity: IdentityDep, _: Admin) -> list[ClientOut]:
    return [_client(client) for client in await admin.list_clients(identity)]


@admin_router.get(
    "/clients/{client_id}", response_model=ClientOut, responses=refusals({404: "`client_not_found`"})
)
async def get_client(client_id: ClientId, identity: IdentityDep, _: Admin) -> ClientOut:
    return _client(await admin.get_client(identity, client_id))


@admin_router.post("/clients/{client_id}/secret", response_model=ClientWithSecret, responses=CLIENT_NOT_FOUND)
async def issue_client_secret(client_id: ClientId, identity: IdentityDep, _: Admin) -> ClientOut:
    """A new secret; the old one stops working at once."""
    client, secret = await admin.issue_client_secret(identity, client_id)
    return _client(client, secret)


@admin_router.post("/clients/{client_id}/deactivation", response_model=ClientOut, responses=CLIENT_NOT_FOUND)
async def deactivate_client(client_id: ClientId, identity: IdentityDep, _: Admin) -> ClientOut:
    """No more tokens for this client."""
    return _client(await admin.deactivate_client(identity, client_id))


@admin_router.post(
    "/staff",
    status_code=201,
    response_model=StaffOut,
    responses=refusals(
        {
            409: "`username_taken`",
            422: "`validation_failed`: also a weak password, or fields that do not fit the role",
        }
    ),
)
async def register_staff(registration: StaffRegistration, identity: IdentityDep, _: Admin) -> StaffOut:
    """Register a staff member with a role (a labour assistant with the community and street served)."""
    return _staff(await admin.register_staff(identity, registration))


@admin_router.get("/staff", response_model=list[StaffOut])
async def list_staff(identity: IdentityDep, _: Admin) -> list[StaffOut]:
    return [_staff(staff) for staff in await admin.list_staff(identity)]


@admin_router.post("/staff/{username}/unlock", response_model=StaffOut, responses=STAFF_NOT_FOUND)
async def unlock_staff(
    username: Annotated[str, Path(max_length=64)], identity: IdentityDep, _: Admin
) -> StaffOut:
    """Lift a lockout before it runs out."""
    return _staff(await admin.unlock_staff(identity, username))


@admin_router.put(
    "/staff/{username}/assistant",
    response_model=StaffOut,
    responses=STAFF_NOT_FOUND
    | refusals({422: "`validation_failed`: also when the login is not a labour assistant's"}),
)
async def set_staff_assistant(
    username: Annotated[str, Path(max_length=64)], body: StaffAssistant, identity: IdentityDep, _: Admin
) -> StaffOut:
    """Say which labour assistant of intake's caseworker network a labour assistant's login is; their
    tokens carry it as the `assistant_id` claim from their next login on."""
    return _staff(await admin.set_staff_assistant(identity, username, body.assistant_id))


@admin_router.get("/signing-keys", response_model=list[SigningKeyOut])
async def list_signing_keys(identity: IdentityDep, _: Admin) -> list[SigningKeyOut]:
    return [_key(identity, key) for key in await rotation.all_keys(identity)]


@admin_router.post(
    "/signing-keys",
    status_code=201,
    response_model=SigningKeyOut,
    responses=refusals({409: "`next_key_exists`: a next key is published already"}),
)
async def prepare_next_key(request: NextKeyRequest, identity: IdentityDep, _: Admin) -> SigningKeyOut:
    """Rotation, step 1: publish a next key in the JWKS (it does not sign yet)."""
    return _key(identity, await rotation.prepare_next_key(identity, request.algorithm))


@admin_router.post(
    "/signing-keys/{kid}/activation",
    response_model=SigningKeyOut,
    responses=refusals(
        {
            404: "`key_not_found`",
            409: "`key_transition_refused` (not the next key), `key_not_published_long_enough`, or "
            "`concurrent_rotation`",
        }
    ),
)
async def activate_key(
    kid: Annotated[str, Path(max_length=64)], identity: IdentityDep, _: Admin
) -> SigningKeyOut:
    """Rotation, step 2: the next key signs from now on; the active one retires and stays published
    until the tokens it signed have expired."""
    return _key(identity, await rotation.activate_next_key(identity, kid))
