"""Internship hours: every confirmed version, the caseworker's lock, and the absence days."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.clock import from_db, to_db
from bot.db import Database


@dataclass(frozen=True)
class HoursSubmission:
    id: int
    internship_id: int
    version: int
    submitted_by: int | None
    submitted_at: datetime | None
    total_minutes: int
    # Minutes per day when entered per day; None when entered as one total.
    per_day: dict[date, int] | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> HoursSubmission:
        per_day = None
        if row["per_day"]:
            per_day = {date.fromisoformat(k): int(v) for k, v in json.loads(row["per_day"]).items()}
        return cls(
            id=row["id"],
            internship_id=row["internship_id"],
            version=row["version"],
            submitted_by=row["submitted_by"],
            submitted_at=from_db(row["submitted_at"]) if row["submitted_at"] else None,
            total_minutes=row["total_minutes"],
            per_day=per_day,
        )


@dataclass(frozen=True)
class HoursLock:
    internship_id: int
    locked_by: int | None
    locked_at: datetime | None


class Absence(StrEnum):
    """Why the trainee was (partly) away on a day, as reported through the bot."""

    SICK = "sick"
    APPOINTMENT = "appointment"
    NO_SHOW = "no_show"


async def add_version(
    db: Database,
    internship_id: int,
    submitted_by: int,
    now: datetime,
    total_minutes: int,
    per_day: dict[date, int] | None,
) -> HoursSubmission:
    """Store a confirmed submission as the next version (call inside a transaction)."""
    version = await db.fetchval(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM hours_submissions WHERE internship_id = ?",
        (internship_id,),
    )
    days = None
    if per_day is not None:
        days = json.dumps({d.isoformat(): m for d, m in sorted(per_day.items())})
    row_id = await db.execute(
        "INSERT INTO hours_submissions (internship_id, version, submitted_by, submitted_at, "
        "total_minutes, per_day) VALUES (?, ?, ?, ?, ?, ?)",
        (internship_id, version, submitted_by, to_db(now), total_minutes, days),
    )
    row = await db.fetchone("SELECT * FROM hours_submissions WHERE id = ?", (row_id,))
    assert row is not None
    return HoursSubmission.from_row(row)


async def latest(db: Database, internship_id: int) -> HoursSubmission | None:
    row = await db.fetchone(
        "SELECT * FROM hours_submissions WHERE internship_id = ? ORDER BY version DESC LIMIT 1",
        (internship_id,),
    )
    return HoursSubmission.from_row(row) if row else None


async def history(db: Database, internship_id: int) -> list[HoursSubmission]:
    """Every version, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM hours_submissions WHERE internship_id = ? ORDER BY version",
        (internship_id,),
    )
    return [HoursSubmission.from_row(r) for r in rows]


async def lock_of(db: Database, internship_id: int) -> HoursLock | None:
    row = await db.fetchone("SELECT * FROM hours_locks WHERE internship_id = ?", (internship_id,))
    if row is None:
        return None
    return HoursLock(
        internship_id=row["internship_id"],
        locked_by=row["locked_by"],
        locked_at=from_db(row["locked_at"]) if row["locked_at"] else None,
    )


async def absences_by_day(db: Database, internship_id: int, last_day: date) -> dict[date, Absence]:
    """The reported absences of an internship's trainee, per day, up to `last_day`.

    Sick from the first day to the day before recovery, else to the expected last
    day, else (still open) to `last_day`. A no-show counts over an appointment,
    sickness over both, as the day's most telling reason.
    """
    found: dict[date, Absence] = {}
    rows = await db.fetchall(
        "SELECT day, kind FROM absences WHERE internship_id = ? "
        "AND ((kind = 'appointment' AND status = 'approved') OR kind = 'no_show') "
        "ORDER BY kind DESC",
        (internship_id,),
    )
    for row in rows:
        # 'no_show' sorts before 'appointment' (DESC), so it is kept on a shared day.
        found.setdefault(date.fromisoformat(row["day"]), Absence(row["kind"]))
    sick = await db.fetchall(
        "SELECT first_day, expected_last_day, recovered_on, status FROM sick_reports "
        "WHERE internship_id = ?",
        (internship_id,),
    )
    for row in sick:
        first = date.fromisoformat(row["first_day"])
        if row["recovered_on"]:
            last = date.fromisoformat(row["recovered_on"]) - timedelta(days=1)
        elif row["expected_last_day"]:
            last = date.fromisoformat(row["expected_last_day"])
        elif row["status"] == "open":
            last = last_day
        else:
            last = first
        day = first
        while day <= min(last, last_day):
            found[day] = Absence.SICK
            day += timedelta(days=1)
    return found
