"""Benchmark: the identity service's token endpoint, JWKS and token verification, on SQLite and PostgreSQL.

Runs `reemploy serve identity` as its own process (as in production), then times, over real HTTP, each kind
of request one at a time (p50/p95) and BENCH_CONCURRENCY at a time (requests per second), next to
`/healthz` measured in the same run as the baseline. Also times `TokenVerifier.verify` with a warm JWKS cache.
Prints the figures and writes docs/performance/identity_tokens.json.
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from deploy.dev import components
from services.common.auth import TokenVerifier
from services.common.migrations import upgrade
from services.identity.settings import DEVELOPMENT_ADMIN_PASSWORD
from tests.http_checks import body
from tests.infrastructure import postgres_database

ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
REPEATS = int(os.environ.get("BENCH_REPEATS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "performance" / "identity_tokens.json"
MIGRATIONS = ROOT / "services" / "identity" / "migrations"

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


@asynccontextmanager
async def database(engine: str) -> AsyncIterator[str]:
    if engine == "postgres":
        async with postgres_database() as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite+aiosqlite:///{directory}/identity.db"


@asynccontextmanager
async def identity_process(url: str) -> AsyncIterator[str]:
    await upgrade(MIGRATIONS, url)
    port = components.free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "REEMPLOY_DATABASE_URL": url,
        "REEMPLOY_HTTP_PORT": str(port),
        "REEMPLOY_AUTH_ISSUER": base,
        "REEMPLOY_AUTH_JWKS_URL": f"{base}/.well-known/jwks.json",
        "REEMPLOY_LOG_LEVEL": "WARNING",
        "REEMPLOY_IDENTITY_CLIENT_RATE_PER_MINUTE": "1000000",
        "REEMPLOY_IDENTITY_CLIENT_BURST": "1000000",
        "REEMPLOY_IDENTITY_ADDRESS_RATE_PER_MINUTE": "1000000",
        "REEMPLOY_IDENTITY_ADDRESS_BURST": "1000000",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy", "serve", "identity"], env=env, stderr=subprocess.DEVNULL
    )
    try:
        await asyncio.to_thread(components.wait_for_port, "127.0.0.1", port, timeout=30, what="identity")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


async def one_at_a_time(http: httpx.AsyncClient, request: Request) -> dict[str, float]:
    latencies = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = await request(http)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    cuts = statistics.quantiles(latencies, n=20)
    return {"p50_ms": round(statistics.median(latencies), 2), "p95_ms": round(cuts[18], 2)}


async def at_once(http: httpx.AsyncClient, request: Request) -> float:
    per_worker = max(1, REPEATS // CONCURRENCY)

    async def worker() -> None:
        for _ in range(per_worker):
            assert (await request(http)).status_code == 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return round(per_worker * CONCURRENCY / (time.perf_counter() - started), 1)


async def bench(engine: str) -> dict[str, dict[str, float]]:
    async with (
        database(engine) as url,
        identity_process(url) as base,
        httpx.AsyncClient(base_url=base) as http,
    ):
        login = {"grant_type": "password", "username": "admin", "password": DEVELOPMENT_ADMIN_PASSWORD}
        admin_token = body(await http.post("/oauth2/token", data=login))["access_token"]
        registration = {"client_id": "bench", "name": "Bench", "kind": "service", "scopes": ["cases:read"]}
        answer = await http.post(
            "/admin/clients", json=registration, headers={"authorization": f"Bearer {admin_token}"}
        )
        secret = body(answer, 201)["client_secret"]
        requests: dict[str, Request] = {
            "baseline: GET /healthz": lambda h: h.get("/healthz"),
            "GET /.well-known/jwks.json": lambda h: h.get("/.well-known/jwks.json"),
            "client_credentials token": lambda h: h.post(
                "/oauth2/token", data={"grant_type": "client_credentials"}, auth=("bench", secret)
            ),
            "password token (argon2id)": lambda h: h.post("/oauth2/token", data=login),
        }
        results: dict[str, dict[str, float]] = {}
        for name, request in requests.items():
            results[name] = await one_at_a_time(http, request)
            results[name]["per_second_at_once"] = await at_once(http, request)
        verifier = TokenVerifier(base, "reemploy", f"{base}/.well-known/jwks.json")
        await verifier.verify(admin_token)
        started = time.perf_counter()
        for _ in range(REPEATS * 10):
            await verifier.verify(admin_token)
        per_verify = (time.perf_counter() - started) * 1000 / (REPEATS * 10)
        results["TokenVerifier.verify, warm cache"] = {"mean_ms": round(per_verify, 3)}
        return results


def main() -> None:
    results = {engine: asyncio.run(bench(engine)) for engine in ENGINES}
    for engine, figures in results.items():
        print(f"\n{engine} ({REPEATS} requests each, {CONCURRENCY} at once for the rate)")
        for name, values in figures.items():
            print(f"  {name:36} " + "  ".join(f"{key} {value}" for key, value in values.items()))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {"repeats": REPEATS, "concurrency": CONCURRENCY, "results": results}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
