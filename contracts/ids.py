"""Time-ordered identifiers (UUID version 7, RFC 9562) for events and cases."""

import os
import time
import uuid


def uuid7(*, unix_ms: int | None = None, entropy: bytes | None = None) -> uuid.UUID:
    """A UUIDv7: 48-bit Unix milliseconds, then random bits, so ids sort by creation time.

    A workflow passes its own clock and deterministic randomness, so a replay makes the same id.
    """
    if unix_ms is None:
        unix_ms = time.time_ns() // 1_000_000
    if entropy is None:
        entropy = os.urandom(10)
    value = (unix_ms & 0xFFFF_FFFF_FFFF) << 80
    value |= int.from_bytes(entropy[:10], "big") & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return uuid.UUID(int=value)
