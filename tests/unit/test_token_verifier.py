"""TokenVerifier and `require`: what is accepted, what is refused, and how the JWKS is fetched."""

import asyncio
import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fastapi import Depends, FastAPI
from jwt.algorithms import get_default_algorithms

from services.common.auth import InvalidToken, KeysUnavailable, Principal, TokenVerifier, require
from services.common.errors import install_error_handlers
from services.common.settings import ServiceSettings
from services.common.verified_tokens import VerifiedToken, VerifiedTokens
from tests.http_checks import body

ISSUER = "https://issuer.test"
AUDIENCE = "reemploy"


class Issuer:
    """Keys and a JWKS of a test issuer, counting how often the JWKS is fetched."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.fetches = 0
        self.down = False
        self.add_key("k1")

    def add_key(self, kid: str, private_key: Any = None, algorithm: str = "EdDSA") -> Any:
        key = private_key or ed25519.Ed25519PrivateKey.generate()
        self.keys[kid] = (key, algorithm)
        return key

    async def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        if self.down:
            raise OSError("connection refused")
        return {
            "keys": [
                {
                    **get_default_algorithms()[alg].to_jwk(key.public_key(), as_dict=True),
                    "kid": kid,
                    "alg": alg,
                }
                for kid, (key, alg) in self.keys.items()
            ]
        }

    def token(self, kid: str = "k1", headers: dict[str, Any] | None = None, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": "staff-1",
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "jti": "t-1",
            "scope": "cases:read cases:write",
            "role": "labour_assistant",
            "community_code": "ZS-01",
            "street_code": "ZS",
        } | overrides
        claims = {name: value for name, value in claims.items() if value is not None}
        key, algorithm = self.keys[kid]
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid} | (headers or {}))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(issuer: Issuer, clock: Clock) -> TokenVerifier:
    return TokenVerifier(
        ISSUER,
        AUDIENCE,
        f"{ISSUER}/jwks",
        fetch_jwks=issuer.fetch,
        leeway_seconds=30,
        cache_seconds=300,
        refetch_floor_seconds=10,
        clock=clock,
    )


async def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(InvalidToken) as error:
        await verifier.verify(token)
    return str(error.value)


async def test_a_valid_token_gives_the_principal(issuer, verifier):
    principal = await verifier.verify(issuer.token())
    assert principal.subject == "staff-1"
    assert principal.scopes == {"cases:read", "cases:write"}
    assert (principal.role, principal.community_code, principal.street_code) == (
        "labour_assistant",
        "ZS-01",
        "ZS",
    )
    assert principal.agency is None
    assert principal.has_scopes("cases:read") and not principal.has_scopes("identity:admin")


async def test_an_expired_token_is_refused_beyond_the_leeway_only(issuer, verifier):
    now = int(time.time())
    assert "expired" in await refused(verifier, issuer.token(exp=now - 60, iat=now - 700, nbf=now - 700))
    assert (await verifier.verify(issuer.token(exp=now - 10))).subject == "staff-1"


async def test_a_token_not_valid_yet_is_refused(issuer, verifier):
    later = int(time.time()) + 300
    assert "not valid yet" in await refused(verifier, issuer.token(nbf=later))


async def test_a_forged_signature_is_refused(issuer, verifier):
    forger = Issuer()
    forger.keys["k1"] = (ed25519.Ed25519PrivateKey.generate(), "EdDSA")
    assert "signature" in await refused(verifier, forger.token())
    header, _payload, signature = issuer.token().split(".")
    other_payload = forger.token(scope="identity:admin").split(".")[1]
    assert "signature" in await refused(verifier, f"{header}.{other_payload}.{signature}")


async def test_wrong_audience_and_wrong_issuer_are_refused(issuer, verifier):
    assert "audience" in await refused(verifier, issuer.token(aud="another-system"))
    assert "issuer" in await refused(verifier, issuer.token(iss="https://elsewhere.test"))


async def test_required_claims_must_be_there(issuer, verifier):
    for claim in ("exp", "sub", "jti", "aud"):
        assert "not valid" in await refused(verifier, issuer.token(**{claim: None}))


async def test_alg_none_and_hs256_with_the_public_key_as_secret_are_refused(issuer, verifier):
    unsigned = jwt.encode({"sub": "x"}, None, algorithm="none", headers={"kid": "k1"})
    assert "'none' is not accepted" in await refused(verifier, unsigned)
    public_pem = (
        issuer.keys["k1"][0]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","kid":"k1","typ":"JWT"}').decode()
    payload = issuer.token().split(".")[1]
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    confused = f"{header}.{payload}.{jwt.utils.base64url_encode(signature).decode()}"
    assert "'HS256' is not accepted" in await refused(verifier, confused)


async def test_an_algorithm_that_does_not_match_the_key_is_refused(issuer, verifier):
    issuer.add_key("ec", ec.generate_private_key(ec.SECP256R1()), "ES256")
    token = issuer.token(kid="ec")
    header = jwt.utils.base64url_encode(b'{"alg":"EdDSA","kid":"ec"}').decode()
    assert "does not match" in await refused(verifier, header + token[token.index(".") :])
    assert (await verifier.verify(token)).subject == "staff-1"


async def test_an_unknown_kid_refetches_but_not_more_often_than_the_floor(issuer, verifier, clock):
    await verifier.verify(issuer.token())
    assert issuer.fetches == 1
    clock.now += 10
    issuer.add_key("k2")
    assert (await verifier.verify(issuer.token(kid="k2"))).subject == "staff-1"
    assert issuer.fetches == 2
    for made_up in ("x1", "x2", "x3"):
        issuer.add_key(made_up)
        token = issuer.token(kid=made_up)
        del issuer.keys[made_up]
        assert "does not publish" in await refused(verifier, token)
    assert issuer.fetches == 2, "within the floor, made-up key ids cause no fetch"
    clock.now += 10
    issuer.add_key("k3")
    assert (await verifier.verify(issuer.token(kid="k3"))).subject == "staff-1"
    assert issuer.fetches == 3


async def test_tokens_verified_while_the_first_fetch_is_in_flight_wait_for_its_keys(issuer, clock):
    released = asyncio.Event()

    async def slow_fetch() -> dict[str, Any]:
        await released.wait()
        return await issuer.fetch()

    verifier = TokenVerifier(ISSUER, AUDIENCE, f"{ISSUER}/jwks", fetch_jwks=slow_fetch, clock=clock)
    verifying = [asyncio.create_task(verifier.verify(issuer.token())) for _ in range(5)]
    await asyncio.sleep(0)
    released.set()
    assert [principal.subject for principal in await asyncio.gather(*verifying)] == ["staff-1"] * 5
    assert issuer.fetches == 1


async def test_known_keys_are_cached_then_refreshed(issuer, verifier, clock):
    for _ in range(5):
        await verifier.verify(issuer.token())
    assert issuer.fetches == 1
    clock.now += 301
    await verifier.verify(issuer.token())
    assert issuer.fetches == 2


async def test_a_key_the_issuer_withdraws_stops_verifying_once_the_cache_expires(issuer, verifier, clock):
    issuer.add_key("k2")
    token = issuer.token(kid="k2")
    await verifier.verify(token)
    del issuer.keys["k2"]
    clock.now += 301
    assert "does not publish" in await refused(verifier, token)


async def test_a_token_verified_once_is_remembered_without_checking_its_signature_again(
    issuer, verifier, monkeypatch
):
    token = issuer.token()
    first = await verifier.verify(token)
    decoded: list[str] = []

    def refuse_and_count(presented: str, *_args: Any, **_options: Any) -> None:
        decoded.append(presented)
        raise jwt.InvalidSignatureError("checked again")

    monkeypatch.setattr(jwt, "decode", refuse_and_count)
    assert await verifier.verify(token) is first
    assert decoded == []
    assert "signature" in await refused(verifier, issuer.token(jti="t-2"))
    assert len(decoded) == 1, "a token not seen before is checked in full"


async def test_a_remembered_token_is_refused_once_it_expires(issuer):
    verifier = TokenVerifier(ISSUER, AUDIENCE, f"{ISSUER}/jwks", fetch_jwks=issuer.fetch, leeway_seconds=0)
    expires = int(time.time()) + 1
    token = issuer.token(exp=expires)
    assert (await verifier.verify(token)).subject == "staff-1"
    await asyncio.sleep(max(0.0, expires - time.time()) + 0.05)
    assert "expired" in await refused(verifier, token)


def test_remembered_tokens_are_bounded_and_forgotten_at_their_end():
    wall = Clock()
    remembered = VerifiedTokens(capacity=2, wall_clock=wall)
    principal = Principal(subject="s", scopes=frozenset(), token_id="t", expires_at=datetime.now(UTC))
    for token in ("a", "b"):
        remembered.put(token, VerifiedToken(principal=principal, kid="k1", accepted_until=wall.now + 60))
    assert remembered.get("a") is not None, "reading a makes b the least recently used"
    remembered.put("c", VerifiedToken(principal=principal, kid="k1", accepted_until=wall.now + 60))
    assert (remembered.get("b"), len(remembered)) == (None, 2)
    wall.now += 60
    assert remembered.get("a") is None and remembered.get("c") is None
    assert len(remembered) == 0


async def test_an_unreachable_issuer(issuer, verifier, clock):
    issuer.down = True
    with pytest.raises(KeysUnavailable):
        await verifier.verify(issuer.token())
    issuer.down = False
    clock.now += 10
    await verifier.verify(issuer.token())
    issuer.down = True
    clock.now += 301
    assert (await verifier.verify(issuer.token())).subject == "staff-1", "a stale cached key still verifies"


async def test_scopes_as_a_scp_list_and_client_claims(issuer, verifier):
    token = issuer.token(scope=None, scp=["benefits:decide"], role=None, client_kind="agency", agency="tax")
    principal = await verifier.verify(token)
    assert principal.scopes == {"benefits:decide"}
    assert (principal.client_kind, principal.agency, principal.role) == ("agency", "tax", None)


async def test_garbage_is_refused(verifier):
    assert "well-formed" in await refused(verifier, "not.a.token")


async def test_require_answers_401_and_403_with_challenges(issuer, verifier):
    app = FastAPI()
    install_error_handlers(app)
    app.state.token_verifier = verifier

    @app.get("/cases")
    async def cases(principal: Principal = Depends(require("cases:read"))) -> dict[str, str]:  # noqa: B008
        return {"subject": principal.subject}

    @app.get("/targets")
    async def targets(principal: Principal = Depends(require("targets:manage"))) -> dict[str, str]:  # noqa: B008
        return {"subject": principal.subject}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        missing = await client.get("/cases")
        assert missing.status_code == 401
        assert missing.json()["error"] == "missing_token"
        assert missing.headers["www-authenticate"] == 'Bearer realm="reemploy"'

        expired = issuer.token(exp=int(time.time()) - 120)
        invalid = await client.get("/cases", headers={"authorization": f"Bearer {expired}"})
        assert invalid.status_code == 401
        assert invalid.json()["error"] == "invalid_token"
        assert 'error="invalid_token"' in invalid.headers["www-authenticate"]

        good = {"authorization": f"Bearer {issuer.token()}"}
        assert body(await client.get("/cases", headers=good)) == {"subject": "staff-1"}
        forbidden = await client.get("/targets", headers=good)
        assert forbidden.status_code == 403
        assert forbidden.json()["error"] == "insufficient_scope"
        assert forbidden.json()["details"] == {"required_scope": "targets:manage"}
        assert 'error="insufficient_scope", scope="targets:manage"' in forbidden.headers["www-authenticate"]


def test_a_service_builds_its_verifier_from_settings():
    settings = ServiceSettings(
        auth_issuer="https://sso.example.org/realms/reemploy",
        auth_audience="reemploy-api",
        auth_jwks_url="https://sso.example.org/realms/reemploy/protocol/openid-connect/certs",
    )
    verifier = TokenVerifier.from_settings(settings)
    assert (verifier.issuer, verifier.audience, verifier.jwks_url) == (
        settings.auth_issuer,
        settings.auth_audience,
        settings.auth_jwks_url,
    )
