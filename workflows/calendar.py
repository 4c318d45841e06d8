"""Working days and the complaint's own clock, scaled by the workflow's time-scale factor.

Pure and deterministic: safe to use inside workflows.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from contracts.complaint_workflow import WorkingCalendarSpec

SATURDAY = 5
ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    """Weekends and public holidays are off; make-up working days (调休) are on, even on a weekend."""

    def __init__(self, spec: WorkingCalendarSpec) -> None:
        self.holidays = frozenset(spec.public_holidays)
        self.makeup_days = frozenset(spec.makeup_working_days)
        self.zone = timezone(timedelta(hours=spec.utc_offset_hours))

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time(), self.zone)

    def working_days_after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself when count is 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count:
            day += ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def deadline(self, start: datetime, working_days: int) -> datetime:
        """The end (local midnight) of the `working_days`-th working day after the day of `start`."""
        last_day = self.working_days_after(self.local_date(start), working_days)
        return self.start_of(last_day + ONE_DAY)

    def extend(self, deadline: datetime, working_days: int) -> datetime:
        """A deadline moved later by `working_days` working days (still ending at local midnight)."""
        last_day = self.local_date(deadline) - ONE_DAY
        return self.start_of(self.working_days_after(last_day, working_days) + ONE_DAY)

    def reminder_at(self, deadline: datetime, lead_working_days: int) -> datetime:
        """The start of the working day `lead_working_days` working days before the deadline ends
        (1: the morning of the deadline's last working day)."""
        day = self.local_date(deadline) - ONE_DAY
        while not self.is_working_day(day):
            day -= ONE_DAY
        for _ in range(lead_working_days - 1):
            day -= ONE_DAY
            while not self.is_working_day(day):
                day -= ONE_DAY
        return self.start_of(day)


def scaled(interval: timedelta, time_scale: float) -> timedelta:
    """How long `interval` of complaint time lasts in real time; 86400 makes one day pass in one second."""
    return interval / time_scale


@dataclass(frozen=True)
class ScaledClock:
    """The complaint's clock: starts at `origin` when real (workflow) time is `real_origin`, runs
    `time_scale` times faster."""

    origin: datetime
    real_origin: datetime
    time_scale: float

    def now(self, real_now: datetime) -> datetime:
        return self.origin + (real_now - self.real_origin) * self.time_scale

    def real_delay_until(self, moment: datetime, real_now: datetime) -> timedelta:
        """Real time to wait until the complaint's clock shows `moment` (zero when it already has)."""
        return max(scaled(moment - self.now(real_now), self.time_scale), timedelta())
