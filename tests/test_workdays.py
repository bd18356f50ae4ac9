"""The internship calendar and the evaluation due day (DOMAIN.md, "Evaluation and its due date")."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store.models import Schedule
from bot.workdays import (
    evaluation_due_day,
    is_public_holiday,
    next_workday,
    office_day_before,
    previous_workday,
    workdays_between,
    workdays_from,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def schedule(*days: int) -> Schedule:
    return Schedule(frozenset(days), time(8, 30), time(16, 30))


FULL_TIME = schedule(MON, TUE, WED, THU, FRI)


def due(start: date, plan: Schedule = FULL_TIME, workdays: int = 9) -> date:
    return evaluation_due_day(start, plan, workdays)


def last(start: date, plan: Schedule = FULL_TIME, workdays: int = 9) -> date:
    return workdays_from(start, plan, workdays)[-1]


# January 2027, after New Year: a stretch without public holidays.
@pytest.mark.parametrize(
    ("start", "last_day", "due_day"),
    [
        # Monday: the 9th day is the second Thursday, which is the due day.
        (date(2027, 1, 11), date(2027, 1, 21), date(2027, 1, 21)),
        (date(2027, 1, 12), date(2027, 1, 22), date(2027, 1, 21)),  # Tuesday
        (date(2027, 1, 13), date(2027, 1, 25), date(2027, 1, 21)),  # Wednesday
        (date(2027, 1, 14), date(2027, 1, 26), date(2027, 1, 21)),  # Thursday
        (date(2027, 1, 15), date(2027, 1, 27), date(2027, 1, 21)),  # Friday
        # A start on a day off: the internship begins on the next Monday.
        (date(2027, 1, 16), date(2027, 1, 28), date(2027, 1, 28)),  # Saturday
        (date(2027, 1, 17), date(2027, 1, 28), date(2027, 1, 28)),  # Sunday
    ],
)
def test_full_time_internship_starting_on_each_weekday(
    start: date, last_day: date, due_day: date
) -> None:
    assert last(start) == last_day
    assert due(start) == due_day
    assert due_day.weekday() == THU


@pytest.mark.parametrize(
    ("days", "last_day", "due_day"),
    [
        # Monday to Wednesday: three weeks; the due Thursday is not a day the client works.
        ((MON, TUE, WED), date(2027, 1, 27), date(2027, 1, 21)),
        # Monday to Thursday: 11-14, 18-21, 25 -> Monday 25; due the Thursday before.
        ((MON, TUE, WED, THU), date(2027, 1, 25), date(2027, 1, 21)),
        # Mondays and Thursdays: 11, 14, 18, 21, 25, 28, 1 Feb, 4 Feb, 8 Feb.
        ((MON, THU), date(2027, 2, 8), date(2027, 2, 4)),
        # Thursdays and Fridays: the 9th day is a Friday.
        ((THU, FRI), date(2027, 2, 11), date(2027, 2, 11)),
        # Only Thursdays: nine Thursdays, due on the last one.
        ((THU,), date(2027, 3, 11), date(2027, 3, 11)),
        # Weekend work counts too.
        ((FRI, SAT, SUN), date(2027, 1, 31), date(2027, 1, 28)),
    ],
)
def test_part_time_schedules(days: tuple[int, ...], last_day: date, due_day: date) -> None:
    start = date(2027, 1, 11)
    assert last(start, schedule(*days)) == last_day
    assert due(start, schedule(*days)) == due_day


def test_armistice_inside_the_internship_moves_the_last_day_and_the_due_day() -> None:
    assert is_public_holiday(date(2026, 11, 11))
    start = date(2026, 11, 6)  # a Friday
    # Without a holiday the 9th day would be Wednesday 18 November (due Thursday 12).
    assert workdays_between(date(2026, 11, 9), date(2026, 11, 13), FULL_TIME) == [
        date(2026, 11, 9),
        date(2026, 11, 10),
        date(2026, 11, 12),
        date(2026, 11, 13),
    ]
    assert last(start) == date(2026, 11, 19)
    assert due(start) == date(2026, 11, 19)


def test_christmas_and_new_year_inside_the_internship() -> None:
    # 21-24 Dec, (25 Dec), 28-31 Dec, (1 Jan), 4 Jan.
    start = date(2026, 12, 21)
    assert last(start) == date(2027, 1, 4)
    assert due(start) == date(2026, 12, 31)


def test_christmas_day_does_not_count_as_a_workday() -> None:
    start = date(2026, 12, 15)
    assert date(2026, 12, 25) not in workdays_from(start, FULL_TIME, 9)
    assert last(start) == date(2026, 12, 28)
    assert due(start) == date(2026, 12, 24)


def test_ascension_thursday_as_due_day_moves_to_the_workday_before() -> None:
    assert is_public_holiday(date(2027, 5, 6))
    # 26-30 Apr, 3-5 May, (6 May), 7 May: the last Thursday on or before is Ascension.
    start = date(2027, 4, 26)
    assert last(start) == date(2027, 5, 7)
    assert due(start) == date(2027, 5, 5)


def test_armistice_on_the_due_thursday_with_a_part_time_schedule() -> None:
    # Thursday 11 November 2027; the client works Mondays and Tuesdays only, so the
    # workday before it is Tuesday 9 November. All Saints (Monday 1 November) is skipped:
    # 18, 19, 25, 26 Oct, 2, 8, 9, 15, 16 Nov.
    assert is_public_holiday(date(2027, 11, 11))
    start = date(2027, 10, 18)
    plan = schedule(MON, TUE)
    assert last(start, plan) == date(2027, 11, 16)
    assert due(start, plan) == date(2027, 11, 9)


def test_christmas_on_a_due_thursday() -> None:
    # Thursday 25 December 2025: due Wednesday 24.
    start = date(2025, 12, 15)
    assert last(start) == date(2025, 12, 26)
    assert due(start) == date(2025, 12, 24)


@pytest.mark.parametrize(
    ("extension", "last_day", "due_day"),
    [
        (0, date(2026, 12, 10), date(2026, 12, 10)),
        # One or two days more: the last day moves, the due Thursday does not.
        (1, date(2026, 12, 11), date(2026, 12, 10)),
        (2, date(2026, 12, 14), date(2026, 12, 10)),
        # A week more: the next Thursday.
        (5, date(2026, 12, 17), date(2026, 12, 17)),
        # Over Christmas: 18, 21-24, (25), 28.
        (8, date(2026, 12, 22), date(2026, 12, 17)),
        (11, date(2026, 12, 28), date(2026, 12, 24)),
    ],
)
def test_extension_recomputes_the_due_day_from_the_new_last_day(
    extension: int, last_day: date, due_day: date
) -> None:
    start = date(2026, 11, 30)
    assert last(start, workdays=9 + extension) == last_day
    assert due(start, workdays=9 + extension) == due_day


def test_a_very_short_internship_without_a_thursday_is_due_on_its_last_day() -> None:
    # Friday and Monday: the Thursday before would be before the first day.
    assert due(date(2027, 1, 15), workdays=2) == date(2027, 1, 18)


def test_office_day_before_skips_weekends_and_holidays() -> None:
    assert office_day_before(date(2026, 12, 10)) == date(2026, 12, 9)
    assert office_day_before(date(2027, 1, 18)) == date(2027, 1, 15)  # Monday -> Friday
    assert office_day_before(date(2026, 11, 12)) == date(2026, 11, 10)  # over 11 November
    assert office_day_before(date(2027, 1, 4)) == date(2026, 12, 31)  # over New Year


def test_previous_and_next_workday_follow_the_schedule() -> None:
    plan = schedule(MON, THU)
    assert previous_workday(date(2027, 1, 14), plan) == date(2027, 1, 11)
    assert next_workday(date(2027, 1, 11), plan) == date(2027, 1, 14)
    # Easter Monday 2027 is a holiday: the next workday is Thursday 1 April.
    assert next_workday(date(2027, 3, 25), plan) == date(2027, 4, 1)


def test_a_schedule_without_days_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one weekday"):
        due(date(2027, 1, 11), Schedule(frozenset(), time(8, 30), time(16, 30)))


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    days=st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    workdays=st.integers(min_value=1, max_value=20),
)
def test_the_due_day_rule_holds_for_any_internship(
    start: date, days: set[int], workdays: int
) -> None:
    plan = schedule(*days)
    internship_days = workdays_from(start, plan, workdays)
    first, end = internship_days[0], internship_days[-1]
    result = evaluation_due_day(start, plan, workdays)
    assert first <= result <= end
    assert not is_public_holiday(result)
    # The last Thursday on or before the last day...
    thursdays = [first + timedelta(n) for n in range((end - first).days + 1)]
    thursdays = [d for d in thursdays if d.weekday() == THU]
    if not thursdays:
        assert result == end
    elif not is_public_holiday(thursdays[-1]):
        assert result == thursdays[-1]
    else:
        # ...or, when that is a holiday, the client's workday before it (if in the internship).
        before = previous_workday(thursdays[-1], plan)
        assert result == (before if before >= first else end)
