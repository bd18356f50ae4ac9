"""Plain records read from the database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.clock import from_db


class Role(StrEnum):
    CLIENT = "client"
    EMPLOYER = "employer"
    CASEWORKER = "caseworker"
    ADMIN = "admin"


class InternshipStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    EVALUATED = "evaluated"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_STATUSES = (InternshipStatus.PLANNED, InternshipStatus.ACTIVE, InternshipStatus.EVALUATED)


class WorkplaceKind(StrEnum):
    NONPROFIT = "nonprofit"
    PRIVATE = "private"


@dataclass(frozen=True)
class Person:
    id: int
    role: Role
    name: str
    language: str | None
    telegram_user_id: int | None
    workplace_id: int | None
    blocked_at: datetime | None
    # E.164 ('+32470123456'); shown with `bot.phones.shown`.
    phone: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Person:
        return cls(
            id=row["id"],
            role=Role(row["role"]),
            name=row["name"],
            language=row["language"],
            telegram_user_id=row["telegram_user_id"],
            workplace_id=row["workplace_id"],
            blocked_at=from_db(row["blocked_at"]) if row["blocked_at"] else None,
            phone=row["phone"],
        )

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.CASEWORKER, Role.ADMIN)


@dataclass(frozen=True)
class Workplace:
    id: int
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    kind: WorkplaceKind

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Workplace:
        return cls(
            id=row["id"],
            name=row["name"],
            address=row["address"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            kind=WorkplaceKind(row["kind"]),
        )


@dataclass(frozen=True)
class Schedule:
    """The client's weekly schedule: the weekdays worked (Monday = 0), the hours, and the
    unpaid break of each day (the premium is paid on the hours worked, without it)."""

    days: frozenset[int]
    start: time
    end: time
    break_minutes: int = 0

    @classmethod
    def parse(cls, days: str, start: str, end: str, break_minutes: int = 0) -> Schedule:
        return cls(
            days=frozenset(int(d) for d in days.split(",") if d.strip()),
            start=time.fromisoformat(start),
            end=time.fromisoformat(end),
            break_minutes=break_minutes,
        )

    def days_text(self) -> str:
        return ",".join(str(d) for d in sorted(self.days))

    @property
    def span_minutes(self) -> int:
        """From the start to the end of a workday, the break included."""
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        return max(minutes, 0)

    @property
    def worked_minutes(self) -> int:
        """The hours worked on a workday: the span without the break."""
        return max(self.span_minutes - self.break_minutes, 0)


@dataclass(frozen=True)
class Internship:
    id: int
    client_id: int
    workplace_id: int
    employer_contact_id: int | None
    caseworker_id: int
    start_date: date
    schedule: Schedule
    length_workdays: int
    extension_workdays: int
    meeting_point: str
    first_day_contact: str
    what_to_bring: str
    dutch_lessons: str
    status: InternshipStatus
    outcome: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Internship:
        return cls(
            id=row["id"],
            client_id=row["client_id"],
            workplace_id=row["workplace_id"],
            employer_contact_id=row["employer_contact_id"],
            caseworker_id=row["caseworker_id"],
            start_date=date.fromisoformat(row["start_date"]),
            schedule=Schedule.parse(
                row["schedule_days"], row["day_start"], row["day_end"], row["break_minutes"]
            ),
            length_workdays=row["length_workdays"],
            extension_workdays=row["extension_workdays"],
            meeting_point=row["meeting_point"],
            first_day_contact=row["first_day_contact"],
            what_to_bring=row["what_to_bring"],
            dutch_lessons=row["dutch_lessons"],
            status=InternshipStatus(row["status"]),
            outcome=row["outcome"],
        )

    @property
    def total_workdays(self) -> int:
        return self.length_workdays + self.extension_workdays

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
