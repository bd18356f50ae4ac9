"""What a caseworker needs about their internships: reports, hours, evaluations, settings.

Reads the tables of the other flows (sick reports, absences, hours, evaluations)
with queries of its own; writes only the hours locks, the notification settings
and the digest queue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.clock import from_db, to_db
from bot.db import Database
from bot.store.models import Internship

DEFAULT_DIGEST_TIME = time(16, 0)


@dataclass(frozen=True)
class SickReport:
    id: int
    internship_id: int
    first_day: date
    expected_last_day: date | None
    status: str
    recovered_on: date | None
    late: bool


@dataclass(frozen=True)
class Absence:
    id: int
    internship_id: int
    kind: str
    day: date
    status: str


@dataclass(frozen=True)
class HoursSubmission:
    internship_id: int
    version: int
    submitted_at: datetime
    total_minutes: int
    per_day: dict[str, int]


@dataclass(frozen=True)
class HoursLock:
    internship_id: int
    locked_by: int | None
    locked_at: datetime


@dataclass(frozen=True)
class Evaluation:
    internship_id: int
    status: str
    outcome: str | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class Closing:
    """The caseworker's own facts about an internship (migration 0007)."""

    contract_signed_on: date | None
    second_chance: bool
    previous_internship_id: int | None


@dataclass(frozen=True)
class DigestItem:
    id: int
    internship_id: int | None
    kind: str
    text: str
    created_at: datetime


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _marks(ids: list[int]) -> str:
    return ",".join("?" for _ in ids)


# Reports and their state


async def open_sick_internships(db: Database, internship_ids: list[int]) -> set[int]:
    """Which of these internships have an open sick report."""
    if not internship_ids:
        return set()
    rows = await db.fetchall(
        f"SELECT DISTINCT internship_id FROM sick_reports WHERE status = 'open' "
        f"AND internship_id IN ({_marks(internship_ids)})",
        internship_ids,
    )
    return {r["internship_id"] for r in rows}


async def sick_reports(db: Database, internship_id: int) -> list[SickReport]:
    rows = await db.fetchall(
        "SELECT * FROM sick_reports WHERE internship_id = ? ORDER BY first_day, id",
        (internship_id,),
    )
    return [
        SickReport(
            id=r["id"],
            internship_id=r["internship_id"],
            first_day=date.fromisoformat(r["first_day"]),
            expected_last_day=_day(r["expected_last_day"]),
            status=r["status"],
            recovered_on=_day(r["recovered_on"]),
            late=bool(r["late"]),
        )
        for r in rows
    ]


async def absences(db: Database, internship_id: int) -> list[Absence]:
    rows = await db.fetchall(
        "SELECT id, internship_id, kind, day, status FROM absences WHERE internship_id = ? "
        "ORDER BY day, id",
        (internship_id,),
    )
    return [
        Absence(r["id"], r["internship_id"], r["kind"], date.fromisoformat(r["day"]), r["status"])
        for r in rows
    ]


async def evaluations(db: Database, internship_ids: list[int]) -> dict[int, Evaluation]:
    if not internship_ids:
        return {}
    rows = await db.fetchall(
        f"SELECT internship_id, status, outcome, submitted_at FROM evaluations "
        f"WHERE internship_id IN ({_marks(internship_ids)})",
        internship_ids,
    )
    return {
        r["internship_id"]: Evaluation(
            internship_id=r["internship_id"],
            status=r["status"],
            outcome=r["outcome"],
            submitted_at=from_db(r["submitted_at"]) if r["submitted_at"] else None,
        )
        for r in rows
    }


async def closing(db: Database, internship_id: int) -> Closing:
    row = await db.fetchone(
        "SELECT contract_signed_on, second_chance, previous_internship_id FROM internships "
        "WHERE id = ?",
        (internship_id,),
    )
    if row is None:
        return Closing(None, False, None)
    return Closing(
        contract_signed_on=_day(row["contract_signed_on"]),
        second_chance=bool(row["second_chance"]),
        previous_internship_id=row["previous_internship_id"],
    )


# Hours


async def latest_hours(db: Database, internship_ids: list[int]) -> dict[int, HoursSubmission]:
    """The latest version of the hours of each internship that has any."""
    if not internship_ids:
        return {}
    rows = await db.fetchall(
        f"SELECT h.* FROM hours_submissions h WHERE h.internship_id IN ({_marks(internship_ids)}) "
        "AND h.version = (SELECT MAX(version) FROM hours_submissions "
        "WHERE internship_id = h.internship_id)",
        internship_ids,
    )
    result = {}
    for r in rows:
        per_day = json.loads(r["per_day"]) if r["per_day"] else {}
        result[r["internship_id"]] = HoursSubmission(
            internship_id=r["internship_id"],
            version=r["version"],
            submitted_at=from_db(r["submitted_at"]),
            total_minutes=int(r["total_minutes"]),
            per_day=per_day if isinstance(per_day, dict) else {},
        )
    return result


async def hours_locks(db: Database, internship_ids: list[int]) -> dict[int, HoursLock]:
    if not internship_ids:
        return {}
    rows = await db.fetchall(
        f"SELECT * FROM hours_locks WHERE internship_id IN ({_marks(internship_ids)})",
        internship_ids,
    )
    return {
        r["internship_id"]: HoursLock(r["internship_id"], r["locked_by"], from_db(r["locked_at"]))
        for r in rows
    }


async def lock_hours(
    db: Database, internship_id: int, locked_by: int | None, now: datetime
) -> bool:
    """Lock the hours after checking them; False when they were locked already."""
    changed = await db.execute_rowcount(
        "INSERT INTO hours_locks (internship_id, locked_by, locked_at) VALUES (?, ?, ?) "
        "ON CONFLICT (internship_id) DO NOTHING",
        (internship_id, locked_by, to_db(now)),
    )
    return changed > 0


# Notification settings and the digest


async def digest_time(db: Database, person_id: int) -> time:
    value = await db.fetchval(
        "SELECT digest_time FROM caseworker_settings WHERE person_id = ?", (person_id,)
    )
    return time.fromisoformat(value) if value else DEFAULT_DIGEST_TIME


async def set_digest_time(db: Database, person_id: int, at: time) -> None:
    await db.execute(
        "INSERT INTO caseworker_settings (person_id, digest_time) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET digest_time = excluded.digest_time",
        (person_id, at.strftime("%H:%M")),
    )


async def preferences(db: Database, person_id: int) -> dict[str, str]:
    """The kinds a caseworker set explicitly, each 'now' or 'digest'."""
    rows = await db.fetchall(
        "SELECT kind, mode FROM notification_preferences WHERE person_id = ?", (person_id,)
    )
    return {r["kind"]: r["mode"] for r in rows}


async def set_preference(db: Database, person_id: int, kind: str, mode: str) -> None:
    await db.execute(
        "INSERT INTO notification_preferences (person_id, kind, mode) VALUES (?, ?, ?) "
        "ON CONFLICT (person_id, kind) DO UPDATE SET mode = excluded.mode",
        (person_id, kind, mode),
    )


async def add_digest_item(
    db: Database, person_id: int, internship_id: int | None, kind: str, text: str, now: datetime
) -> None:
    await db.execute(
        "INSERT INTO digest_items (person_id, internship_id, kind, text, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (person_id, internship_id, kind, text, to_db(now)),
    )


async def pending_digest(db: Database, person_id: int) -> list[DigestItem]:
    rows = await db.fetchall(
        "SELECT * FROM digest_items WHERE person_id = ? AND sent_at IS NULL ORDER BY id",
        (person_id,),
    )
    return [
        DigestItem(r["id"], r["internship_id"], r["kind"], r["text"], from_db(r["created_at"]))
        for r in rows
    ]


async def mark_digest_sent(db: Database, item_ids: list[int], now: datetime) -> None:
    if not item_ids:
        return
    await db.execute(
        f"UPDATE digest_items SET sent_at = ? WHERE id IN ({_marks(item_ids)})",
        (to_db(now), *item_ids),
    )


# Export


async def internships_starting_until(db: Database, until: date) -> list[Internship]:
    """The internships (any status but cancelled) that start on or before `until`."""
    rows = await db.fetchall(
        "SELECT * FROM internships WHERE start_date <= ? AND status != 'cancelled' "
        "ORDER BY start_date, id",
        (until.isoformat(),),
    )
    return [Internship.from_row(r) for r in rows]
