"""The bank's small service: Reemploy's webhook in, the loan officer's decisions out.

Run: `BANK_WEBHOOK_SECRET=… BANK_CLIENT_ID=… BANK_CLIENT_SECRET=… uvicorn --factory
examples.bank.app:from_environment --port 9500`
(settings in `BankSettings`; see the README).
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request, Response
from pydantic import BaseModel, Field

from examples.bank.reemploy import Reemploy, ReemployConnection, ReemployError
from examples.bank.signatures import RejectedDelivery, verify
from examples.bank.store import ApplicationStore

LOAN_APPLICATION = "benefits.bank_application.v1"
RETRACTION = "benefits.application_retracted.v1"


@dataclass(frozen=True)
class BankSettings:
    webhook_secret: str
    connection: ReemployConnection
    database_path: str = "bank.db"

    @classmethod
    def from_environment(cls) -> "BankSettings":
        return cls(
            webhook_secret=os.environ["BANK_WEBHOOK_SECRET"],
            connection=ReemployConnection(
                token_url=os.environ.get("REEMPLOY_TOKEN_URL", "http://127.0.0.1:8005/oauth2/token"),
                benefits_url=os.environ.get("REEMPLOY_BENEFITS_URL", "http://127.0.0.1:8006"),
                client_id=os.environ["BANK_CLIENT_ID"],
                client_secret=os.environ["BANK_CLIENT_SECRET"],
            ),
            database_path=os.environ.get("BANK_DATABASE", "bank.db"),
        )


class Approval(BaseModel):
    amount_yuan: int = Field(gt=0)
    term_months: int = Field(gt=0)
    guarantee: str
    interest_subsidy_percent: int = Field(ge=0, le=100)


class Rejection(BaseModel):
    reason: str = Field(min_length=1)


def create_app(settings: BankSettings) -> FastAPI:
    store = ApplicationStore(settings.database_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=10) as http:
            app.state.reemploy = Reemploy(settings.connection, http)
            yield

    app = FastAPI(title="Example bank: guaranteed micro-loans", lifespan=lifespan)

    @app.post("/reemploy/webhook", status_code=204)
    async def receive(request: Request) -> Response:
        body = await request.body()
        try:
            verify(
                settings.webhook_secret,
                timestamp=request.headers.get("x-reemploy-timestamp"),
                signature=request.headers.get("x-reemploy-signature"),
                body=body,
            )
        except RejectedDelivery as rejected:
            raise HTTPException(401, str(rejected)) from rejected
        event = json.loads(body)
        if event.get("type") == LOAN_APPLICATION:
            store.receive(request.headers.get("x-reemploy-delivery") or event["id"], event["data"])
        elif event.get("type") == RETRACTION:
            store.set_status(event["data"]["application_id"], "retracted")
        return Response(status_code=204)

    @app.get("/applications")
    async def applications() -> list[dict[str, Any]]:
        return [asdict(application) for application in store.all()]

    async def decide(request: Request, application_id: str, decision: dict[str, Any]) -> dict[str, Any]:
        if store.get(application_id) is None:
            raise HTTPException(404, f"no application {application_id}")
        reemploy: Reemploy = request.app.state.reemploy
        try:
            answer = await reemploy.decide(application_id, decision)
        except ReemployError as refused:
            raise HTTPException(
                502, {"reemploy_status": refused.status, "reemploy": refused.body}
            ) from refused
        store.set_status(application_id, str(answer["status"]))
        return answer

    @app.post("/applications/{application_id}/approve")
    async def approve(request: Request, application_id: str, approval: Approval) -> dict[str, Any]:
        decision: dict[str, Any] = {"decision": "approved", **approval.model_dump()}
        return await decide(request, application_id, decision)

    @app.post("/applications/{application_id}/reject")
    async def reject(request: Request, application_id: str, rejection: Rejection) -> dict[str, Any]:
        return await decide(request, application_id, {"decision": "rejected", "reason": rejection.reason})

    return app


def from_environment() -> FastAPI:
    """The app configured from `BANK_*` and `REEMPLOY_*` environment variables (for `uvicorn --factory`)."""
    return create_app(BankSettings.from_environment())
