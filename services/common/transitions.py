"""Status changes by transition table: every aggregate's status moves only through its own table."""

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from services.common.errors import DomainError

Status = TypeVar("Status", bound=StrEnum)
Action = TypeVar("Action", bound=StrEnum)


class TransitionRefused(ValueError):
    """The aggregate's transition table has no such move from its current status."""


def transition(table: Mapping[tuple[Status, Action], Status], current: Status, action: Action) -> Status:
    """The status after `action`, by the aggregate's transition table; refused moves name both."""
    try:
        return table[(current, action)]
    except KeyError:
        raise TransitionRefused(f"one that is {current.value} cannot take '{action.value}'") from None


def move(
    table: Mapping[tuple[Status, Action], Status], current: Status, action: Action, *, what: str
) -> Status:
    """The next status by the aggregate's transition table, or 409 `<what>_transition_refused`."""
    try:
        return transition(table, current, action)
    except TransitionRefused as refused:
        raise DomainError(409, f"{what}_transition_refused", f"The {what}: {refused}") from refused
