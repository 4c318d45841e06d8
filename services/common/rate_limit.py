"""Token-bucket rate limits per key (a client id, a remote address), kept in this process's memory.

Each process counts on its own: with N processes behind a load balancer, a key gets up to N times the
rate. Buckets are kept for the most recently seen keys only (`max_keys`), so memory stays bounded.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucketLimiter:
    """`burst` requests at once, refilled at `rate_per_minute`."""

    def __init__(
        self,
        *,
        rate_per_minute: float,
        burst: int,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least one")
        self._rate = rate_per_minute / 60.0
        self._burst = float(burst)
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Take one request from `key`'s bucket: 0 when allowed, else the seconds until one is allowed."""
        now = self._clock()
        tokens, updated = self._buckets.pop(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - updated) * self._rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self._rate
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return wait


def retry_after(wait_seconds: float) -> str:
    """The `Retry-After` header value: whole seconds, rounded up, at least one."""
    return str(max(1, math.ceil(wait_seconds)))
