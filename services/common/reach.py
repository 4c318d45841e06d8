"""`Principal.reaches_case` as a SQL condition, so a service's lists filter by reach before they page."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, false
from sqlalchemy.orm import QueryableAttribute

from services.common.auth import LABOUR_ASSISTANT, SUPERVISOR, Principal

CommunitiesOfStreet = Callable[[str], Select[Any]]
"""A street's community codes, as a subquery in the service's own tables."""


def case_reach(
    caller: Principal,
    community_code: QueryableAttribute[Any],
    communities_of_street: CommunitiesOfStreet | None,
) -> ColumnElement[bool] | None:
    """The condition on a case's `community_code` column for the cases `caller` reaches; None when they
    reach the whole district. A service that knows no streets passes no `communities_of_street`: a
    supervisor limited to a street then reaches nothing there, as `reaches_case` without a street says."""
    if caller.role == LABOUR_ASSISTANT:
        return false() if caller.community_code is None else community_code == caller.community_code
    if caller.role == SUPERVISOR and caller.street_code is not None:
        if communities_of_street is None:
            return false()
        return community_code.in_(communities_of_street(caller.street_code))
    return None
