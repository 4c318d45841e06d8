"""The demo acts for the district's staff through a `service` client of its own in identity.

It registers the client with identity's administrator (a new secret each run: a secret is shown only
once and the demo keeps none) and sends its client-credentials token with every call that does not carry
a provider's or employer's token.
"""

from services.common.client_credentials import ClientCredentials
from services.identity.domain import CLIENT_SCOPES, ClientKind
from tools.demo.api import Api
from tools.demo.seeding import Admin, admin_token

DEMO_CLIENT = "demo-programme"


async def demo_service_client(api: Api, admin: Admin, client_id: str = DEMO_CLIENT) -> ClientCredentials:
    token = await admin_token(api, admin)
    body = {
        "client_id": client_id,
        "name": "make demo, acting for the district's staff",
        "kind": ClientKind.SERVICE.value,
        "scopes": sorted(CLIENT_SCOPES[ClientKind.SERVICE]),
    }
    client = await api.call("POST", "identity", "/admin/clients", json=body, token=token, expect=(201, 409))
    if "client_secret" not in client:
        client = await api.call("POST", "identity", f"/admin/clients/{client_id}/secret", token=token)
    token_url = f"{api.endpoints['identity']}/oauth2/token"
    return ClientCredentials(token_url, client_id, client["client_secret"])
