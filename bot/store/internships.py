"""Internships (stages): who, where, when, and their state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.clock import to_db
from bot.db import Database
from bot.store.models import Internship, InternshipStatus, Schedule

DEFAULT_SCHEDULE = Schedule(frozenset({0, 1, 2, 3, 4}), time(8, 30), time(16, 30))
OPEN = "('planned', 'active', 'evaluated')"


@dataclass(frozen=True)
class NewInternship:
    client_id: int
    workplace_id: int
    caseworker_id: int
    start_date: date
    employer_contact_id: int | None = None
    schedule: Schedule = field(default_factory=lambda: DEFAULT_SCHEDULE)
    length_workdays: int = 9
    meeting_point: str = ""
    first_day_contact: str = ""
    what_to_bring: str = ""
    dutch_lessons: str = ""


async def create(db: Database, new: NewInternship, now: datetime) -> Internship:
    internship_id = await db.execute(
        "INSERT INTO internships (client_id, workplace_id, employer_contact_id, caseworker_id, "
        "start_date, schedule_days, day_start, day_end, break_minutes, length_workdays, "
        "meeting_point, first_day_contact, what_to_bring, dutch_lessons, status, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
        (
            new.client_id,
            new.workplace_id,
            new.employer_contact_id,
            new.caseworker_id,
            new.start_date.isoformat(),
            new.schedule.days_text(),
            new.schedule.start.strftime("%H:%M"),
            new.schedule.end.strftime("%H:%M"),
            new.schedule.break_minutes,
            new.length_workdays,
            new.meeting_point,
            new.first_day_contact,
            new.what_to_bring,
            new.dutch_lessons,
            to_db(now),
            to_db(now),
        ),
    )
    internship = await get(db, internship_id)
    assert internship is not None
    return internship


async def get(db: Database, internship_id: int) -> Internship | None:
    row = await db.fetchone("SELECT * FROM internships WHERE id = ?", (internship_id,))
    return Internship.from_row(row) if row else None


async def current_for_client(db: Database, client_id: int) -> Internship | None:
    """The client's open internship (the most recent when, exceptionally, there are several)."""
    row = await db.fetchone(
        f"SELECT * FROM internships WHERE client_id = ? AND status IN {OPEN} "
        "ORDER BY start_date DESC, id DESC LIMIT 1",
        (client_id,),
    )
    return Internship.from_row(row) if row else None


async def open_for_workplace(db: Database, workplace_id: int) -> list[Internship]:
    rows = await db.fetchall(
        f"SELECT * FROM internships WHERE workplace_id = ? AND status IN {OPEN} "
        "ORDER BY start_date, id",
        (workplace_id,),
    )
    return [Internship.from_row(r) for r in rows]


async def open_for_caseworker(db: Database, caseworker_id: int) -> list[Internship]:
    rows = await db.fetchall(
        f"SELECT * FROM internships WHERE caseworker_id = ? AND status IN {OPEN} "
        "ORDER BY start_date, id",
        (caseworker_id,),
    )
    return [Internship.from_row(r) for r in rows]


async def all_open(db: Database) -> list[Internship]:
    rows = await db.fetchall(f"SELECT * FROM internships WHERE status IN {OPEN} ORDER BY id")
    return [Internship.from_row(r) for r in rows]


async def set_status(
    db: Database,
    internship_id: int,
    status: InternshipStatus,
    now: datetime,
    outcome: str | None = None,
) -> None:
    await db.execute(
        "UPDATE internships SET status = ?, outcome = COALESCE(?, outcome), updated_at = ? "
        "WHERE id = ?",
        (status.value, outcome, to_db(now), internship_id),
    )


async def extend(
    db: Database, internship_id: int, workdays: int, now: datetime, expected: int
) -> bool:
    """Add `workdays` to the internship (the last day and evaluation due day move).

    Only when its extension is still `expected` (what the caseworker saw): False otherwise,
    so a repeated request never extends twice.
    """
    changed = await db.execute_rowcount(
        "UPDATE internships SET extension_workdays = extension_workdays + ?, updated_at = ? "
        "WHERE id = ? AND extension_workdays = ?",
        (workdays, to_db(now), internship_id, expected),
    )
    return changed > 0


async def move_start(db: Database, internship_id: int, start: date, now: datetime) -> None:
    await db.execute(
        "UPDATE internships SET start_date = ?, updated_at = ? WHERE id = ?",
        (start.isoformat(), to_db(now), internship_id),
    )


async def reassign(db: Database, internship_id: int, caseworker_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE internships SET caseworker_id = ?, updated_at = ? WHERE id = ?",
        (caseworker_id, to_db(now), internship_id),
    )


async def cancel(db: Database, internship_id: int, now: datetime) -> None:
    await set_status(db, internship_id, InternshipStatus.CANCELLED, now)


async def close(
    db: Database,
    internship_id: int,
    outcome: str,
    contract_signed_on: date | None,
    now: datetime,
    second_chance: bool = False,
) -> None:
    """Close with the outcome (and the contract-signing date after a favourable one)."""
    await db.execute(
        "UPDATE internships SET status = 'closed', outcome = ?, contract_signed_on = ?, "
        "second_chance = ?, updated_at = ? WHERE id = ?",
        (
            outcome,
            contract_signed_on.isoformat() if contract_signed_on else None,
            int(second_chance),
            to_db(now),
            internship_id,
        ),
    )


async def set_previous(db: Database, internship_id: int, previous_id: int) -> None:
    """Mark `internship_id` as the second chance after `previous_id`."""
    await db.execute(
        "UPDATE internships SET previous_internship_id = ? WHERE id = ?",
        (previous_id, internship_id),
    )


async def visible_to(db: Database, person_id: int | None) -> list[Internship]:
    """Open internships of one caseworker, or of everyone when `person_id` is None."""
    if person_id is None:
        return await all_open(db)
    return await open_for_caseworker(db, person_id)
