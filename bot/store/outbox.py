"""The durable outbox of messages to send: replies, notifications, reminders."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import from_db, to_db
from bot.db import Database


@dataclass
class OutboxMessage:
    id: int
    recipient_id: int | None
    chat_id: int
    method: str
    payload: dict[str, Any]
    kind: str
    attempts: int
    # `bot.limits.Lane`: 0 reply, 1 urgent, 2 bulk.
    lane: int
    not_before: datetime
    # Why the last attempt failed ("retry_after" for a 429), None before any.
    last_error: str | None = None


_COLUMNS = (
    "id, recipient_id, chat_id, method, payload, kind, attempts, lane, not_before, last_error"
)


def _message(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        recipient_id=row["recipient_id"],
        chat_id=row["chat_id"],
        method=row["method"],
        payload=json.loads(row["payload"]),
        kind=row["kind"],
        attempts=row["attempts"],
        lane=row["lane"],
        not_before=from_db(row["not_before"]),
        last_error=row["last_error"],
    )


async def add(
    db: Database,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    recipient_id: int | None = None,
    kind: str = "",
    dedupe_key: str | None = None,
    lane: int = 2,
) -> OutboxMessage | None:
    """Queue a message; None when a message with the same `dedupe_key` is queued already."""
    row = await db.fetchone(
        "INSERT INTO outbox (recipient_id, chat_id, method, payload, kind, dedupe_key, "
        "created_at, not_before, lane) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        f"ON CONFLICT (dedupe_key) DO NOTHING RETURNING {_COLUMNS}",
        (
            recipient_id,
            chat_id,
            method,
            json.dumps(payload, ensure_ascii=False),
            kind,
            dedupe_key,
            to_db(now),
            to_db(now),
            lane,
        ),
    )
    return None if row is None else _message(row)


async def pending(db: Database, after_id: int = 0) -> list[OutboxMessage]:
    """Every pending message with an id above `after_id`, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND id > ? ORDER BY id",
        (after_id,),
    )
    return [_message(r) for r in rows]


async def still_deliverable(db: Database, message_id: int) -> tuple[bool, int | None] | None:
    """(still pending, the recipient's Telegram account now); None when the row is gone."""
    row = await db.fetchone(
        "SELECT o.status, p.telegram_user_id FROM outbox o "
        "LEFT JOIN people p ON p.id = o.recipient_id WHERE o.id = ?",
        (message_id,),
    )
    if row is None:
        return None
    return row["status"] == "pending", row["telegram_user_id"]


async def mark_sent(db: Database, message_id: int, now: datetime, telegram_id: int | None) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?, "
        "attempts = attempts + 1 WHERE id = ?",
        (to_db(now), telegram_id, message_id),
    )


async def delete(db: Database, message_ids: Iterable[int]) -> None:
    """Forget delivered replies (the conversation itself is their record)."""
    ids = list(message_ids)
    if ids:
        marks = ",".join("?" * len(ids))
        await db.execute(f"DELETE FROM outbox WHERE id IN ({marks})", ids)


async def mark_retry(db: Database, message_id: int, not_before: datetime, error: str) -> None:
    # Moments are stored to the second: rounded up, or a retry_after Telegram gave would be
    # cut short by up to a second after a restart.
    if not_before.microsecond:
        not_before = not_before.replace(microsecond=0) + timedelta(seconds=1)
    await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?",
        (to_db(not_before), error, message_id),
    )


async def mark_failed(db: Database, message_id: int, error: str) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
        (error, message_id),
    )


async def fail_pending_for_chat(db: Database, chat_id: int, error: str) -> int:
    """Give up every message still queued for a chat that cannot be reached."""
    return await db.execute_rowcount(
        "UPDATE outbox SET status = 'failed', last_error = ? "
        "WHERE chat_id = ? AND status = 'pending'",
        (error, chat_id),
    )


async def fail_pending_for_recipient(db: Database, person_id: int, error: str) -> int:
    """Give up every message still queued for a person (their account was unlinked)."""
    return await db.execute_rowcount(
        "UPDATE outbox SET status = 'failed', last_error = ? "
        "WHERE recipient_id = ? AND status = 'pending'",
        (error, person_id),
    )


async def count_by_status(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
