"""Policy data of the journey: intervals, timers and the stable-employment rule, per locality.

Every interval the journey waits for comes from here, never from a literal in a workflow. A journey takes a
snapshot of its locality's policy when it starts, so changing this data changes new journeys only (running
ones keep the rules they started with, which also keeps their replay deterministic).
"""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field


class FollowUpPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    intervals: tuple[timedelta, ...] = Field(
        default=(timedelta(days=30), timedelta(days=90), timedelta(days=180)),
        description="After the start of the work, when each follow-up is due",
    )
    remind_after: timedelta = Field(default=timedelta(days=7), description="Overdue: remind the assistant")
    escalate_after: timedelta = Field(default=timedelta(days=14), description="Overdue: tell the supervisor")


class StabilityRule(BaseModel):
    """When work counts as stable employment (the case closes with that outcome)."""

    model_config = ConfigDict(frozen=True)

    period: timedelta = Field(default=timedelta(days=182), description="Six months in work")
    requires_labour_contract: bool = True
    requires_social_insurance: bool = True
    self_employment_requires_licence: bool = True
    minimum_monthly_income_yuan: int = Field(
        default=2420, description="The local minimum wage; a business must earn at least this much"
    )


class ReviewPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_search_stalled_after: timedelta = Field(
        default=timedelta(days=30), description="No progress in job search for this long: review task"
    )
    zero_employment_recommendation_within: timedelta = Field(
        default=timedelta(days=30),
        description="A zero-employment family gets a job recommendation within this long of identification",
    )


class JourneyPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    locality: str = "default"
    follow_ups: FollowUpPolicy = FollowUpPolicy()
    stability: StabilityRule = StabilityRule()
    reviews: ReviewPolicy = ReviewPolicy()
    support_on_business_start: tuple[str, ...] = Field(
        default=("tax_relief", "business_registration"),
        description="Policy support the journey applies for when a worker starts a business (benefits kinds)",
    )
    history_events_before_continue_as_new: int = Field(
        default=2000, description="Continue-as-new once the history holds this many events"
    )


DEFAULT_POLICY = JourneyPolicy()

LOCAL_POLICIES: dict[str, JourneyPolicy] = {}
"""Overrides by street code or community code (the more specific wins), e.g. another minimum wage."""


def policy_for(community_code: str | None) -> JourneyPolicy:
    """A community's policy: its own, else its street's (the code before the first '-'), else the default."""
    if community_code:
        if community_code in LOCAL_POLICIES:
            return LOCAL_POLICIES[community_code]
        street = community_code.split("-", 1)[0]
        if street in LOCAL_POLICIES:
            return LOCAL_POLICIES[street]
    return DEFAULT_POLICY


class CongressVotePolicy(BaseModel):
    """Reminders to the worker congress before its vote deadline on a restructuring plan."""

    model_config = ConfigDict(frozen=True)

    remind_days_before: tuple[int, ...] = Field(
        default=(7, 1, 0), description="Days before the deadline a reminder goes out (0: on the day)"
    )


CONGRESS_VOTE_POLICY = CongressVotePolicy()
