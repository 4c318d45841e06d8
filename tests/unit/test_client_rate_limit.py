"""The per-client rate limit of the agency APIs: a bucket per token subject, 429 `rate_limited` with
`Retry-After` over the limit, refilled with time."""

from datetime import UTC, datetime

import pytest

from services.common.auth import Principal
from services.common.client_rate_limit import ClientRateLimit
from services.common.errors import DomainError
from services.common.rate_limit import TokenBucketLimiter
from services.common.settings import ServiceSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def client(subject: str) -> Principal:
    return Principal(
        subject=subject,
        scopes=frozenset(),
        token_id="t",
        expires_at=datetime.now(UTC),
        client_kind="agency",
        agency="bank",
    )


def test_the_call_past_the_burst_waits_and_other_clients_do_not() -> None:
    clock = Clock()
    limit = ClientRateLimit(TokenBucketLimiter(rate_per_minute=6, burst=2, clock=clock))
    bank = client("bank-system")
    limit.take(bank)
    limit.take(bank)
    with pytest.raises(DomainError) as refused:
        limit.take(bank)
    assert (refused.value.status, refused.value.code) == (429, "rate_limited")
    assert refused.value.headers == {"Retry-After": "10"}
    assert refused.value.details == {"retry_after_seconds": "10"}
    limit.take(client("tax-system"))
    clock.now += 10
    limit.take(bank)


def test_settings_give_the_limit() -> None:
    settings = ServiceSettings(agency_rate_per_minute=60, agency_burst=1)
    limit = ClientRateLimit.from_settings(settings)
    limit.take(client("bank-system"))
    with pytest.raises(DomainError):
        limit.take(client("bank-system"))
    with pytest.raises(ValueError):
        ServiceSettings(agency_burst=0)
