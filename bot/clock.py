"""Time for the whole bot comes from one `Clock`, so tests can control it.

Stored timestamps are UTC ISO 8601 strings with an explicit offset, so they are
never ambiguous across daylight-saving changes; local time is only for display
and for computing when something is due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """The real clock."""

    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        return datetime.now(UTC)


class FakeClock(Clock):
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def to_db(moment: datetime) -> str:
    """The stored form of a moment: UTC, ISO 8601, with offset."""
    if moment.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of a local wall-clock time on a day (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
