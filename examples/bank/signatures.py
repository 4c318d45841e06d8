"""Checking Reemploy's webhook signature: HMAC-SHA256 over "<timestamp>.<body>", fresh timestamps only."""

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


class RejectedDelivery(Exception):
    """The request is not a genuine, fresh delivery from Reemploy; the message says why."""


def verify(
    secret: str,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
    tolerance_seconds: int = TOLERANCE_SECONDS,
) -> None:
    """Raise `RejectedDelivery` unless `signature` signs `timestamp` and `body` and the timestamp is fresh."""
    if not timestamp or not signature:
        raise RejectedDelivery("missing X-Reemploy-Timestamp or X-Reemploy-Signature")
    try:
        sent_at = int(timestamp)
    except ValueError as error:
        raise RejectedDelivery("the timestamp is not a number of seconds") from error
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_seconds:
        raise RejectedDelivery("the timestamp is more than five minutes away: a replay, or a wrong clock")
    expected = (
        "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(expected, signature):
        raise RejectedDelivery("the signature does not match the body")
