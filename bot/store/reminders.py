"""Planned reminders: one row per reminder, sent or skipped exactly once.

A row is identified by (kind, subject, due moment). Its status goes from
`pending` to `sent` or `skipped` (final: never sent again) or `cancelled` (no
longer wanted; planning the same reminder again makes it pending again).
Moments are stored as UTC ISO 8601 strings with offset (`bot.clock.to_db`), so
comparing the strings compares the moments.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db, to_db
from bot.db import Database


@dataclass(frozen=True)
class Reminder:
    id: int
    kind: str
    subject_id: int
    due_at: datetime
    expires_at: datetime
    status: str
    done_at: datetime | None
    note: str


def _from_row(r: sqlite3.Row) -> Reminder:
    return Reminder(
        id=r["id"],
        kind=r["kind"],
        subject_id=r["subject_id"],
        due_at=from_db(r["due_at"]),
        expires_at=from_db(r["expires_at"]),
        status=r["status"],
        done_at=from_db(r["done_at"]) if r["done_at"] else None,
        note=r["note"],
    )


async def plan(
    db: Database, kind: str, subject_id: int, due_at: datetime, expires_at: datetime
) -> None:
    """Plan a reminder.

    Planning one that is already planned only updates its expiry; one that was
    cancelled becomes pending again; one already sent or skipped stays as it is.
    """
    await db.execute(
        "INSERT INTO reminders (kind, subject_id, due_at, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, subject_id, due_at) DO UPDATE SET "
        "status = 'pending', expires_at = excluded.expires_at, done_at = NULL, note = '' "
        "WHERE reminders.status IN ('pending', 'cancelled')",
        (kind, subject_id, to_db(due_at), to_db(expires_at)),
    )


async def cancel_pending(db: Database, kinds: list[str], subject_id: int, now: datetime) -> int:
    """Cancel the pending reminders of these kinds for a subject (before planning anew)."""
    marks = ",".join("?" for _ in kinds)
    return await db.execute_rowcount(
        f"UPDATE reminders SET status = 'cancelled', done_at = ? "
        f"WHERE subject_id = ? AND status = 'pending' AND kind IN ({marks})",
        (to_db(now), subject_id, *kinds),
    )


async def cancel(db: Database, reminder_id: int, now: datetime, note: str) -> bool:
    """Cancel one pending reminder; False when it was no longer pending."""
    changed = await db.execute_rowcount(
        "UPDATE reminders SET status = 'cancelled', done_at = ?, note = ? "
        "WHERE id = ? AND status = 'pending'",
        (to_db(now), note, reminder_id),
    )
    return changed > 0


async def due(
    db: Database, now: datetime, limit: int, after: Reminder | None = None
) -> list[Reminder]:
    """Pending reminders due by `now`, oldest first; `after` pages on from a previous batch."""
    if after is None:
        rows = await db.fetchall(
            "SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ? "
            "ORDER BY due_at, id LIMIT ?",
            (to_db(now), limit),
        )
    else:
        last = to_db(after.due_at)
        rows = await db.fetchall(
            "SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ? "
            "AND (due_at > ? OR (due_at = ? AND id > ?)) ORDER BY due_at, id LIMIT ?",
            (to_db(now), last, last, after.id, limit),
        )
    return [_from_row(r) for r in rows]


async def finish(db: Database, reminder_id: int, status: str, now: datetime, note: str) -> bool:
    """Mark a pending reminder sent or skipped; False when it was no longer pending."""
    changed = await db.execute_rowcount(
        "UPDATE reminders SET status = ?, done_at = ?, note = ? "
        "WHERE id = ? AND status = 'pending'",
        (status, to_db(now), note, reminder_id),
    )
    return changed > 0


async def upcoming(db: Database, until: datetime) -> list[Reminder]:
    rows = await db.fetchall(
        "SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id",
        (to_db(until),),
    )
    return [_from_row(r) for r in rows]


async def for_subject(db: Database, subject_id: int, kinds: list[str]) -> list[Reminder]:
    """Every reminder of these kinds for a subject, in every status, by due moment."""
    if not kinds:
        return []
    marks = ",".join("?" for _ in kinds)
    rows = await db.fetchall(
        f"SELECT * FROM reminders WHERE subject_id = ? AND kind IN ({marks}) ORDER BY due_at, id",
        (subject_id, *kinds),
    )
    return [_from_row(r) for r in rows]


async def of_open_internships(db: Database, kinds: list[str]) -> list[Reminder]:
    """The pending and sent reminders of these (internship) kinds of every open internship."""
    marks = ",".join("?" for _ in kinds)
    rows = await db.fetchall(
        f"SELECT * FROM reminders WHERE kind IN ({marks}) AND status IN ('pending', 'sent') "
        "AND subject_id IN (SELECT id FROM internships "
        "WHERE status IN ('planned', 'active', 'evaluated')) ORDER BY subject_id, due_at, id",
        tuple(kinds),
    )
    return [_from_row(r) for r in rows]


async def next_due_at(db: Database) -> datetime | None:
    value = await db.fetchval("SELECT MIN(due_at) FROM reminders WHERE status = 'pending'")
    return from_db(value) if value else None


async def submissions(db: Database, internship_id: int) -> tuple[bool, bool]:
    """Whether the workplace submitted (the hours, the evaluation) of an internship."""
    row = await db.fetchone(
        "SELECT EXISTS (SELECT 1 FROM hours_submissions WHERE internship_id = :id) AS hours, "
        "EXISTS (SELECT 1 FROM evaluations WHERE internship_id = :id AND status = 'submitted') "
        "AS evaluation",
        {"id": internship_id},
    )
    assert row is not None
    return bool(row["hours"]), bool(row["evaluation"])
