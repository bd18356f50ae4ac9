"""Workdays, Belgian public holidays and the internship calendar, in one place.

An internship lasts its number of workdays (9 by default, plus extensions) on the
client's schedule days, skipping Belgian public holidays (the `holidays` package).
The evaluation is due on the last Thursday on or before the last day; when that
Thursday is a public holiday, on the client's workday before it (DOMAIN.md,
"Evaluation and its due date"). An extension moves the last day, and the due day
is computed from it again.

Two notions of "workday": the client's (their schedule days, not a holiday), which
counts the internship; and the office's (Monday to Friday, not a holiday), which is
when a workplace hears from the bot ahead of something (`office_day_before`).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import lru_cache

import holidays

from bot.store.models import Internship, Schedule

THURSDAY = 3
# The evaluation is due on this weekday (DOMAIN.md).
EVALUATION_WEEKDAY = THURSDAY
# The workplace's week, for messages sent "the workday before" something.
OFFICE_WEEK = Schedule(frozenset(range(5)), time(9, 0), time(17, 0))
# A day longer than this has the usual break (BREAK_MINUTES) unless another is given.
LONG_DAY_MINUTES = 6 * 60
# The longest break a workday can have.
MAX_BREAK_MINUTES = 180
# An internship never spans more than this many calendar days; guards the loops
# against a schedule with no workdays at all.
MAX_SPAN_DAYS = 3 * 365


@lru_cache(maxsize=64)
def _belgian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("BE", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in _belgian_holidays(day.year)


def is_workday(day: date, schedule: Schedule) -> bool:
    return day.weekday() in schedule.days and not is_public_holiday(day)


def workdays_from(start: date, schedule: Schedule, count: int) -> list[date]:
    """The first `count` workdays on or after `start`."""
    if not schedule.days:
        raise ValueError("a schedule needs at least one weekday")
    days: list[date] = []
    day = start
    while len(days) < count:
        if is_workday(day, schedule):
            days.append(day)
        day += timedelta(days=1)
        if (day - start).days > MAX_SPAN_DAYS:
            raise ValueError("the schedule has no workdays")
    return days


def usual_break(start: time, end: time, break_minutes: int) -> int:
    """The break of a workday when none is given: `break_minutes` on a day over six
    hours, none on a shorter one."""
    span = Schedule(frozenset(), start, end).span_minutes
    return break_minutes if span > LONG_DAY_MINUTES else 0


def longest_break(schedule: Schedule) -> int:
    """The longest unpaid break a workday of `schedule` may have: at most three hours,
    and an hour of work at least is left."""
    return max(min(MAX_BREAK_MINUTES, schedule.span_minutes - 60), 0)


def internship_days(internship: Internship) -> list[date]:
    return workdays_from(internship.start_date, internship.schedule, internship.total_workdays)


def last_day(internship: Internship) -> date:
    return internship_days(internship)[-1]


def previous_workday(day: date, schedule: Schedule) -> date:
    """The last workday of `schedule` before `day`."""
    candidate = day - timedelta(days=1)
    for _ in range(MAX_SPAN_DAYS):
        if is_workday(candidate, schedule):
            return candidate
        candidate -= timedelta(days=1)
    raise ValueError("the schedule has no workdays")


def office_day_before(day: date) -> date:
    """The last weekday (Monday to Friday, not a public holiday) before `day`."""
    return previous_workday(day, OFFICE_WEEK)


def evaluation_due_day(start: date, schedule: Schedule, total_workdays: int) -> date:
    """The due day of the evaluation of an internship.

    The last Thursday on or before the last day; when that Thursday is a public
    holiday, the client's workday before it. It is never before the first day: a
    very short internship (no Thursday in it) is due on its last day.
    """
    days = workdays_from(start, schedule, total_workdays)
    first, end = days[0], days[-1]
    thursday = end - timedelta(days=(end.weekday() - EVALUATION_WEEKDAY) % 7)
    due = previous_workday(thursday, schedule) if is_public_holiday(thursday) else thursday
    return due if due >= first else end


def due_day(internship: Internship) -> date:
    return evaluation_due_day(internship.start_date, internship.schedule, internship.total_workdays)


def next_workday(day: date, schedule: Schedule) -> date:
    """The client's first workday after `day`."""
    return workdays_from(day + timedelta(days=1), schedule, 1)[0]


def workdays_between(first: date, last: date, schedule: Schedule) -> list[date]:
    """The workdays from `first` to `last`, both included."""
    days = []
    day = first
    while day <= last:
        if is_workday(day, schedule):
            days.append(day)
        day += timedelta(days=1)
    return days
