"""The durable outbox of messages to send."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import to_db
from bot.db import Database


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    recipient_id: int | None
    chat_id: int
    method: str
    payload: dict[str, Any]
    kind: str
    attempts: int


async def add(
    db: Database,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    recipient_id: int | None = None,
    kind: str = "",
    dedupe_key: str | None = None,
) -> int:
    """Queue a message; with a `dedupe_key` already queued, nothing is added.

    Returns how many rows were added (0 or 1).
    """
    return await db.execute_rowcount(
        "INSERT INTO outbox (recipient_id, chat_id, method, payload, kind, dedupe_key, "
        "created_at, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (dedupe_key) DO NOTHING",
        (
            recipient_id,
            chat_id,
            method,
            json.dumps(payload, ensure_ascii=False),
            kind,
            dedupe_key,
            to_db(now),
            to_db(now),
        ),
    )


async def next_due(db: Database, now: datetime, limit: int) -> list[OutboxMessage]:
    """The oldest pending message of each chat whose turn has come, oldest first.

    Only the head of each chat's queue is returned, so a message waiting for a
    retry holds back the later ones to the same person: order per recipient.
    """
    # `+o.not_before`: no index on that column, so SQLite walks `outbox_queue` in id order
    # and stops at the limit instead of sorting every pending message (see 0009_indexes).
    rows = await db.fetchall(
        "SELECT o.* FROM outbox o WHERE o.status = 'pending' AND +o.not_before <= ? "
        "AND o.id = (SELECT MIN(id) FROM outbox WHERE chat_id = o.chat_id AND status = 'pending') "
        "ORDER BY o.id LIMIT ?",
        (to_db(now), limit),
    )
    return [
        OutboxMessage(
            id=r["id"],
            recipient_id=r["recipient_id"],
            chat_id=r["chat_id"],
            method=r["method"],
            payload=json.loads(r["payload"]),
            kind=r["kind"],
            attempts=r["attempts"],
        )
        for r in rows
    ]


async def mark_sent(db: Database, message_id: int, now: datetime, telegram_id: int | None) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?, "
        "attempts = attempts + 1 WHERE id = ?",
        (to_db(now), telegram_id, message_id),
    )


async def mark_retry(db: Database, message_id: int, not_before: datetime, error: str) -> None:
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


async def earliest_pending(db: Database) -> str | None:
    value = await db.fetchval("SELECT MIN(not_before) FROM outbox WHERE status = 'pending'")
    return None if value is None else str(value)


async def count_by_status(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
