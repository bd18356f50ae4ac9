"""The first workday and what a client sees of their internship.

- the employer contact's "ready" confirmation for a first workday;
- the internship hours the workplace reported so far (the table belongs to the
  hours flow; the latest version of a submission counts).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.clock import to_db
from bot.db import Database


async def confirm_ready(
    db: Database, internship_id: int, first_day: date, person_id: int, now: datetime
) -> bool:
    """Record that the workplace is ready; False when it was already confirmed."""
    changed = await db.execute_rowcount(
        "INSERT INTO first_day_confirmations (internship_id, first_day, confirmed_by, "
        "confirmed_at) VALUES (?, ?, ?, ?) ON CONFLICT (internship_id, first_day) DO NOTHING",
        (internship_id, first_day.isoformat(), person_id, to_db(now)),
    )
    return changed > 0


async def is_confirmed(db: Database, internship_id: int, first_day: date) -> bool:
    value = await db.fetchval(
        "SELECT 1 FROM first_day_confirmations WHERE internship_id = ? AND first_day = ?",
        (internship_id, first_day.isoformat()),
    )
    return value is not None


async def reported_minutes(db: Database, internship_id: int) -> int | None:
    """The minutes of the latest hours submission of an internship; None when none yet."""
    value = await db.fetchval(
        "SELECT total_minutes FROM hours_submissions WHERE internship_id = ? "
        "ORDER BY version DESC, id DESC LIMIT 1",
        (internship_id,),
    )
    return None if value is None else int(value)
