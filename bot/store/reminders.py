"""Planned reminders: one row per reminder, sent or skipped exactly once."""

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
    """Plan a reminder; planning the same one again changes nothing."""
    await db.execute(
        "INSERT INTO reminders (kind, subject_id, due_at, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
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


async def due(db: Database, now: datetime, limit: int) -> list[Reminder]:
    rows = await db.fetchall(
        "SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ? "
        "ORDER BY due_at, id LIMIT ?",
        (to_db(now), limit),
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
    marks = ",".join("?" for _ in kinds)
    rows = await db.fetchall(
        f"SELECT * FROM reminders WHERE subject_id = ? AND kind IN ({marks}) ORDER BY due_at, id",
        (subject_id, *kinds),
    )
    return [_from_row(r) for r in rows]


async def next_due_at(db: Database) -> datetime | None:
    value = await db.fetchval("SELECT MIN(due_at) FROM reminders WHERE status = 'pending'")
    return from_db(value) if value else None
