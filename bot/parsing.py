"""What people type, read the Belgian way: dates, times of day, spans, weekdays, durations.

Dates are day first (30/11/2026, 30-11-26, 30.11, 2026-11-30); times use a colon,
a dot, `u` or `h` (8:30, 8.30, 8u30, 8h); hours worked may carry a decimal comma
(7,5). Every parser returns None (or raises `HoursInputError`, which says why)
instead of guessing, so a flow can ask again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import Enum

from babel import Locale
from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal

# Dates


class Yearless(Enum):
    """Which year a date typed without one falls in, seen from a reference day."""

    # The reference day or the first such day after it (a start date, an appointment).
    NEXT = "next"
    # The reference day or the last such day before it (an accident that happened).
    LAST = "last"
    # Whichever lies nearest (a sick day can be a few days back or ahead).
    NEAREST = "nearest"


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4})?)?")


def parse_iso_day(text: str | None) -> date | None:
    """A day written as 2026-11-30 (as our buttons carry it), or None."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_day(text: str, reference: date, yearless: Yearless) -> date | None:
    """A typed day: 30/11/2026, 30-11-26, 30.11.26, 30/11, 30.11. or 2026-11-30.

    A two-digit year is in this century. Without a year, `yearless` picks the year
    from `reference`. An impossible day (31/11) is None, never another day.
    """
    text = text.strip()
    iso = parse_iso_day(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    if iso is not None:
        return iso
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match is None:
        return None
    day, month, year_text = int(match[1]), int(match[2]), match[3]
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _valid_day(year, month, day)
    candidates = [
        found
        for year in (reference.year - 1, reference.year, reference.year + 1)
        if (found := _valid_day(year, month, day)) is not None
    ]
    if yearless is Yearless.NEXT:
        return min((d for d in candidates if d >= reference), default=None)
    if yearless is Yearless.LAST:
        return max((d for d in candidates if d <= reference), default=None)
    return min(candidates, key=lambda d: abs((d - reference).days), default=None)


def date_example(day: date) -> str:
    """`day` the short way people type it ("3/12"), for the example in a question."""
    return f"{day.day}/{day.month}"


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Times of day


_CLOCK = r"(\d{1,2})(?:\s*[:.hu]\s*(\d{2})?)?"
_CLOCK_RE = re.compile(rf"{_CLOCK}\s*(?:uur|h)?")
_SPAN_RE = re.compile(rf"{_CLOCK}\s*(?:-|–|—|tot|to|à|a|until|bis)\s*{_CLOCK}\s*(?:uur|h)?")


def parse_clock(text: str) -> time | None:
    """A time of day such as 10:30, 10u30, 10.30, 10h, 10u, 10 uur or 10."""
    match = _CLOCK_RE.fullmatch(text.strip().lower())
    return _clock(match[1], match[2]) if match else None


def parse_time_span(text: str) -> tuple[time, time] | None:
    """A span such as 9:00-11:30, 8u30 - 16u30 or 9 tot 11; the start before the end."""
    match = _SPAN_RE.fullmatch(text.strip().lower())
    if match is None:
        return None
    start, end = _clock(match[1], match[2]), _clock(match[3], match[4])
    if start is None or end is None or not start < end:
        return None
    return start, end


def _clock(hours: str, minutes: str | None) -> time | None:
    h, m = int(hours), int(minutes or 0)
    return time(h, m) if 0 <= h <= 23 and 0 <= m <= 59 else None


# Weekdays

# Dutch and English abbreviations (Monday = 0); longer names are cut to these.
WEEKDAY_NAMES = {
    **{name: i for i, name in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))},
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}


def parse_weekdays(text: str) -> frozenset[int] | None:
    """Weekdays such as "ma,di,wo,do,vr", "ma-vr", "mon-fri" or "0,1,2" (Monday = 0)."""
    days: set[int] = set()
    for part in re.split(r"[,\s/]+", text.strip().lower()):
        if not part:
            continue
        bounds = part.split("-")
        if len(bounds) == 2:
            first, last = _weekday(bounds[0]), _weekday(bounds[1])
            if first is None or last is None or last < first:
                return None
            days.update(range(first, last + 1))
        elif len(bounds) == 1 and (day := _weekday(part)) is not None:
            days.add(day)
        else:
            return None
    return frozenset(days) if days else None


def _weekday(text: str) -> int | None:
    if text.isdigit():
        return int(text) if int(text) < 7 else None
    return WEEKDAY_NAMES.get(text[:2] if text[:2] in WEEKDAY_NAMES else text[:3])


# Durations


_LATE_MINUTES = re.compile(r"(\d{1,3})\s*(?:m|min|mins|minuten|minutes|minuut|dk|хв)?\.?")
_LATE_HOURS = re.compile(r"(\d{1,2})\s*[:.hu]\s*(\d{2})?")


def parse_minutes(text: str) -> int | None:
    """A short delay in minutes: 45, 45 min, 45 dk; or hours and minutes: 1u30, 1:30, 2u.

    A bare number counts minutes here (nobody is 45 hours late), unlike
    `parse_hours_worked`, where it counts hours.
    """
    text = text.strip().lower()
    match = _LATE_MINUTES.fullmatch(text)
    if match:
        return int(match[1])
    match = _LATE_HOURS.fullmatch(text)
    if match is None:
        return None
    return int(match[1]) * 60 + int(match[2] or 0)


class HoursInput(Enum):
    """Why a typed number of hours was refused."""

    UNREADABLE = "unreadable"
    NEGATIVE = "negative"
    BAD_MINUTES = "bad_minutes"


class HoursInputError(ValueError):
    def __init__(self, problem: HoursInput) -> None:
        super().__init__(problem.value)
        self.problem = problem


_HOURS_AND_MINUTES = re.compile(r"^(\d{1,3})\s*(?:[uh:]|uur)\s*(\d{1,2})?\s*(?:min)?$")
_DECIMAL_HOURS = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?\s*(?:u|h|uur)?$")


def parse_hours_worked(text: str, locale: Locale) -> int:
    """Minutes from hours typed as 7,5 / 7.5 / 7u30 / 7:30 / 7h30 / 7 (any script's digits).

    Raises `HoursInputError` saying what is wrong, so the person can be told.
    """
    cleaned = "".join(_ascii_digit(c) for c in text.strip().lower()).replace("٫", ".")
    negative = cleaned.startswith(("-", "−"))
    cleaned = cleaned.lstrip("-−").strip()
    match = _HOURS_AND_MINUTES.fullmatch(cleaned)
    if match:
        minutes = int(match.group(2) or 0)
        if minutes >= 60:
            raise HoursInputError(HoursInput.BAD_MINUTES)
        total = int(match.group(1)) * 60 + minutes
    elif _DECIMAL_HOURS.fullmatch(cleaned):
        total = round(_decimal(cleaned.rstrip("uhr ").strip(), locale) * 60)
    else:
        raise HoursInputError(HoursInput.UNREADABLE)
    if negative and total > 0:
        raise HoursInputError(HoursInput.NEGATIVE)
    return total


def _ascii_digit(char: str) -> str:
    """Arabic-Indic and other digits as 0-9, so every keyboard's numbers are read."""
    if char.isdigit():
        return str(unicodedata.digit(char, 0))
    return char


def _decimal(text: str, locale: Locale) -> Decimal:
    """The person's locale first; one separator with 1-2 digits after it is always decimal.

    Nobody reports thousands of hours, so "7.5" from a Dutch keyboard means 7,5,
    where Babel's strict parse would suggest 75.
    """
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        pass
    try:
        return parse_decimal(
            re.sub(r"[.,]", get_decimal_symbol(locale), text), locale=locale, strict=True
        )
    except (NumberFormatError, InvalidOperation) as exc:
        raise HoursInputError(HoursInput.UNREADABLE) from exc
