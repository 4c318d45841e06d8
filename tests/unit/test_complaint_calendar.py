"""Working days with weekends, public holidays and make-up working days; the complaint's scaled clock."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from contracts.complaint_workflow import WorkingCalendarSpec
from workflows.calendar import ScaledClock, WorkingCalendar, scaled

CST = timezone(timedelta(hours=8))
FRIDAY = date(2026, 12, 4)
HOLIDAY_MONDAY = date(2026, 12, 7)
CALENDAR = WorkingCalendar(WorkingCalendarSpec(public_holidays=(HOLIDAY_MONDAY,)))


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert CALENDAR.is_working_day(FRIDAY)
    assert not CALENDAR.is_working_day(date(2026, 12, 5))
    assert not CALENDAR.is_working_day(date(2026, 12, 6))
    assert not CALENDAR.is_working_day(HOLIDAY_MONDAY)
    assert CALENDAR.is_working_day(date(2026, 12, 8))


def test_a_makeup_working_day_counts_even_on_a_weekend() -> None:
    calendar = WorkingCalendar(WorkingCalendarSpec(makeup_working_days=(date(2026, 12, 5),)))
    assert calendar.working_days_after(FRIDAY, 1) == date(2026, 12, 5)


def test_two_working_days_from_a_friday_before_a_holiday_end_on_wednesday_night() -> None:
    filed = datetime(2026, 12, 4, 16, 30, tzinfo=CST)
    assert CALENDAR.deadline(filed, 2) == datetime(2026, 12, 10, 0, 0, tzinfo=CST)
    without_holiday = WorkingCalendar(WorkingCalendarSpec())
    assert without_holiday.deadline(filed, 2) == datetime(2026, 12, 9, 0, 0, tzinfo=CST)


def test_the_local_date_decides_not_the_utc_date() -> None:
    late_friday_utc = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # Saturday 01:00 in the station's zone
    assert CALENDAR.local_date(late_friday_utc) == date(2026, 12, 5)
    assert CALENDAR.deadline(late_friday_utc, 1) == datetime(2026, 12, 9, 0, 0, tzinfo=CST)


def test_reminder_on_the_morning_of_the_last_working_day() -> None:
    due = datetime(2026, 12, 10, 0, 0, tzinfo=CST)
    assert CALENDAR.reminder_at(due, 1) == datetime(2026, 12, 9, 0, 0, tzinfo=CST)
    assert CALENDAR.reminder_at(due, 2) == datetime(2026, 12, 8, 0, 0, tzinfo=CST)
    assert CALENDAR.reminder_at(due, 3) == datetime(2026, 12, 4, 0, 0, tzinfo=CST)


def test_extending_a_deadline_counts_working_days_past_its_last_day() -> None:
    due = datetime(2026, 12, 5, 0, 0, tzinfo=CST)  # the end of Friday
    assert CALENDAR.extend(due, 1) == datetime(2026, 12, 9, 0, 0, tzinfo=CST)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.working_days_after(FRIDAY, -1)


def test_the_scaled_clock_runs_faster_and_waits_shorter() -> None:
    opened = datetime(2026, 12, 4, 10, 0, tzinfo=CST)
    real_start = datetime(2030, 1, 1, tzinfo=UTC)
    clock = ScaledClock(origin=opened, real_origin=real_start, time_scale=86400)

    assert clock.now(real_start + timedelta(seconds=2)) == opened + timedelta(days=2)
    wait = clock.real_delay_until(opened + timedelta(days=3), real_start + timedelta(seconds=1))
    assert wait == timedelta(seconds=2)
    assert clock.real_delay_until(opened, real_start + timedelta(seconds=1)) == timedelta()
    assert scaled(timedelta(days=1), 86400) == timedelta(seconds=1)
