"""Workdays, Belgian public holidays and the internship calendar, in one place.

An internship lasts its number of workdays (9 by default, plus extensions) on the
client's schedule days, skipping Belgian public holidays. The evaluation is due
on the last Thursday on or before the last day; when that Thursday is a public
holiday, on the workday before it (DOMAIN.md, "Evaluation and its due date").
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from bot.store.models import Internship, Schedule

THURSDAY = 3
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


def internship_days(internship: Internship) -> list[date]:
    return workdays_from(internship.start_date, internship.schedule, internship.total_workdays)


def last_day(internship: Internship) -> date:
    return internship_days(internship)[-1]


def previous_workday(day: date, schedule: Schedule) -> date:
    """The client's last workday before `day`."""
    candidate = day - timedelta(days=1)
    for _ in range(MAX_SPAN_DAYS):
        if is_workday(candidate, schedule):
            return candidate
        candidate -= timedelta(days=1)
    raise ValueError("the schedule has no workdays")


def evaluation_due_day(start: date, schedule: Schedule, total_workdays: int) -> date:
    """The due day of the evaluation (see the module docstring for the rule)."""
    end = workdays_from(start, schedule, total_workdays)[-1]
    thursday = end - timedelta(days=(end.weekday() - THURSDAY) % 7)
    if is_public_holiday(thursday):
        return previous_workday(thursday, schedule)
    return thursday


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
