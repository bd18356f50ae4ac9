"""What people type, read the Belgian way (`bot.parsing`)."""

from __future__ import annotations

from datetime import date, time

import pytest
from babel import Locale

from bot.parsing import (
    HoursInput,
    HoursInputError,
    Yearless,
    date_example,
    parse_clock,
    parse_day,
    parse_hours_worked,
    parse_iso_day,
    parse_minutes,
    parse_time_span,
    parse_weekdays,
)

MONDAY = date(2026, 11, 23)


def test_belgian_dates_times_and_weekdays() -> None:
    today = MONDAY
    assert parse_day("30/11/2026", today, Yearless.NEXT) == date(2026, 11, 30)
    assert parse_day("30-11-2026", today, Yearless.NEXT) == date(2026, 11, 30)
    assert parse_day("30.11", today, Yearless.NEXT) == date(2026, 11, 30)
    assert parse_day("3/1", today, Yearless.NEXT) == date(2027, 1, 3)
    assert parse_day("31/11/2026", today, Yearless.NEXT) is None
    assert parse_time_span("8u30 - 16u30") is not None
    assert parse_time_span("17:00-9:00") is None
    assert parse_weekdays("ma-vr") == frozenset(range(5))
    assert parse_weekdays("mon, wed") == frozenset({0, 2})
    assert parse_weekdays("ma-xx") is None


@pytest.mark.parametrize(
    ("typed", "yearless", "expected"),
    [
        ("2026-12-03", Yearless.NEAREST, date(2026, 12, 3)),
        ("3/12/26", Yearless.NEAREST, date(2026, 12, 3)),
        ("03.12.2026", Yearless.LAST, date(2026, 12, 3)),
        ("30.11.", Yearless.NEXT, date(2026, 11, 30)),
        (" 3 / 12 ", Yearless.NEXT, date(2026, 12, 3)),
        # Without a year: from the reference day on, up to it, or whichever is nearer.
        ("20/11", Yearless.NEXT, date(2027, 11, 20)),
        ("20/11", Yearless.LAST, date(2026, 11, 20)),
        ("25/11", Yearless.LAST, date(2025, 11, 25)),
        ("2/1", Yearless.NEAREST, date(2027, 1, 2)),
        ("20/11", Yearless.NEAREST, date(2026, 11, 20)),
        ("23/11", Yearless.NEXT, MONDAY),
        ("23/11", Yearless.LAST, MONDAY),
    ],
)
def test_a_typed_day(typed: str, yearless: Yearless, expected: date) -> None:
    assert parse_day(typed, MONDAY, yearless) == expected


@pytest.mark.parametrize("typed", ["", "morgen", "13/13", "31/11", "3/12/202", "2026-13-01"])
def test_not_a_day(typed: str) -> None:
    assert parse_day(typed, MONDAY, Yearless.NEAREST) is None


def test_a_day_from_a_button() -> None:
    assert parse_iso_day("2026-11-30") == date(2026, 11, 30)
    # Forged callback data: digits of another script are not an ISO day.
    assert parse_iso_day("१0७۸-𑶤၅-᪉2") is None
    assert parse_iso_day(None) is None


def test_the_example_of_a_date_is_short() -> None:
    assert date_example(date(2026, 12, 3)) == "3/12"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10:30", time(10, 30)),
        ("10u30", time(10, 30)),
        ("10.30", time(10, 30)),
        ("10h", time(10, 0)),
        ("10 uur", time(10, 0)),
        ("9", time(9, 0)),
        ("24:00", None),
        ("10:75", None),
        ("half tien", None),
    ],
)
def test_a_time_of_day(typed: str, expected: time | None) -> None:
    assert parse_clock(typed) == expected


def test_a_time_span() -> None:
    assert parse_time_span("9:00-11:30") == (time(9, 0), time(11, 30))
    assert parse_time_span("9u tot 11u30") == (time(9, 0), time(11, 30))
    assert parse_time_span("08:30-16:30") == (time(8, 30), time(16, 30))
    assert parse_time_span("11:00-11:00") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("45", 45), ("45 min", 45), ("20 dk", 20), ("1u30", 90), ("1:30", 90), ("2u", 120)],
)
def test_minutes_late(typed: str, expected: int) -> None:
    assert parse_minutes(typed) == expected


def test_hours_worked() -> None:
    dutch = Locale.parse("nl")
    assert parse_hours_worked("7,5", dutch) == 450
    assert parse_hours_worked("7u30", dutch) == 450
    assert parse_hours_worked("٧٫٥", Locale.parse("ar")) == 450
    with pytest.raises(HoursInputError) as refused:
        parse_hours_worked("7u75", dutch)
    assert refused.value.problem is HoursInput.BAD_MINUTES
    with pytest.raises(HoursInputError) as refused:
        parse_hours_worked("-3", dutch)
    assert refused.value.problem is HoursInput.NEGATIVE
