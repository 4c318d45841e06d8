"""Rate limits per client on the APIs partner systems call (agencies' `/agencies/{agency}/…`).

A token bucket per verified token subject (`TokenBucketLimiter`, in this process's memory), so one
agency's system flooding the API slows only itself. Over its limit a client gets 429 `rate_limited` with
`Retry-After` and `details.retry_after_seconds`. The composition root puts a `ClientRateLimit` in
`app.state.client_rate_limit`; routes take `rate_limited(*scopes)` in place of `require(*scopes)`.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from services.common.auth import Principal, require
from services.common.error_responses import Answer, answers
from services.common.errors import DomainError
from services.common.rate_limit import TokenBucketLimiter, retry_after
from services.common.settings import ServiceSettings

RATE_LIMITED = Answer(
    "`rate_limited`: over the client's rate limit; `details.retry_after_seconds` says when to retry",
    {"Retry-After": "Seconds until the client may call again"},
)


class ClientRateLimit:
    """`burst` requests at once per client, refilled at `rate_per_minute`."""

    def __init__(self, limiter: TokenBucketLimiter) -> None:
        self.limiter = limiter

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "ClientRateLimit":
        return cls(
            TokenBucketLimiter(rate_per_minute=settings.agency_rate_per_minute, burst=settings.agency_burst)
        )

    def take(self, caller: Principal) -> None:
        """Count one request of `caller`'s client; 429 `rate_limited` when its bucket is empty."""
        wait = self.limiter.take(caller.subject)
        if wait > 0:
            seconds = retry_after(wait)
            raise DomainError(
                429,
                "rate_limited",
                f"Too many requests from client {caller.subject}; retry in {seconds} s",
                details={"retry_after_seconds": seconds},
                headers={"Retry-After": seconds},
            )


def take(request: Request, caller: Principal) -> None:
    """Count one request of `caller` against the app's client rate limit."""
    limit: ClientRateLimit = request.app.state.client_rate_limit
    limit.take(caller)


def rate_limited(*scopes: str) -> Callable[..., Awaitable[Principal]]:
    """`require(*scopes)`, then one request taken from the caller's bucket (401/403 before, 429 over)."""
    token = require(*scopes)

    @answers({429: RATE_LIMITED})
    async def limited(request: Request, caller: Annotated[Principal, Depends(token)]) -> Principal:
        take(request, caller)
        return caller

    return limited
