"""Telegram updates whose effects are committed: a second delivery of one is skipped."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.db import Database


async def is_processed(db: Database, update_id: int) -> bool:
    value = await db.fetchval("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
    return value is not None


async def claim(db: Database, update_id: int, now: datetime) -> bool:
    """Record the update, in the transaction that commits its effects; False when it
    was recorded before (a second delivery)."""
    inserted = await db.execute_rowcount(
        "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?) "
        "ON CONFLICT (update_id) DO NOTHING",
        (update_id, to_db(now)),
    )
    return inserted == 1


async def forget_before(db: Database, moment: datetime) -> int:
    """Drop the records older than `moment`; returns how many.

    Telegram keeps an unconfirmed update for 24 hours and, after a week without
    updates, may start numbering at a random id, so old ids must not linger.
    """
    return await db.execute_rowcount(
        "DELETE FROM processed_updates WHERE processed_at < ?", (to_db(moment),)
    )


async def count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM processed_updates") or 0)
