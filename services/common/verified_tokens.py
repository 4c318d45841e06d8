"""Tokens already verified, so a caller's next requests skip parsing and the signature check.

A bearer token is immutable: once its signature and claims verified, the only things that can change its
verdict are the clock (it expires) and the issuer's key set (its key stops being published). An entry keeps
the principal, the key id and the moment the token stops being accepted; the verifier still asks for the
key on every hit, so a rotated-away key refuses a cached token as it would a fresh one.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.common.auth import Principal


@dataclass(frozen=True)
class VerifiedToken:
    principal: "Principal"
    kid: str
    accepted_until: float
    """Wall-clock seconds: the token's `exp` plus the verifier's leeway."""


class VerifiedTokens:
    """A bounded least-recently-used map from token to its verification, on the wall clock."""

    def __init__(self, *, capacity: int, wall_clock: Callable[[], float]) -> None:
        self._capacity = capacity
        self._wall_clock = wall_clock
        self._entries: OrderedDict[str, VerifiedToken] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> VerifiedToken | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        if self._wall_clock() >= entry.accepted_until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return entry

    def put(self, token: str, entry: VerifiedToken) -> None:
        if self._capacity <= 0:
            return
        self._entries[token] = entry
        self._entries.move_to_end(token)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
