"""Removing personal data after the retention period (`bot.privacy`).

What stays: the rows that say that something happened, with their ids, dates and
status (internships, people as empty shells, the audit log's ids, actions and
dates). What goes: names, Telegram accounts, free texts, file ids of certificates,
proofs and forms, reports and their details, sent messages.
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.db import Database

CLOSED = "('closed', 'cancelled')"
OPEN = "('planned', 'active', 'evaluated')"
PURGED_NAME = "—"


async def purgeable_internships(db: Database, cutoff: datetime) -> list[int]:
    """Closed or cancelled internships last changed before `cutoff`, not purged yet."""
    rows = await db.fetchall(
        f"SELECT id FROM internships WHERE status IN {CLOSED} AND updated_at < ? "
        "AND purged_at IS NULL ORDER BY id",
        (to_db(cutoff),),
    )
    return [r["id"] for r in rows]


async def _tables(db: Database) -> set[str]:
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r["name"] for r in rows}


async def purge_internship(db: Database, internship_id: int, now: datetime) -> None:
    """Delete what was reported during the internship; keep its ids, dates and status."""
    tables = await _tables(db)
    params = (internship_id,)
    if "sick_reports" in tables:
        await db.execute(
            "DELETE FROM sick_certificates WHERE sick_report_id IN "
            "(SELECT id FROM sick_reports WHERE internship_id = ?)",
            params,
        )
        await db.execute("DELETE FROM sick_reports WHERE internship_id = ?", params)
    for table in (
        "absences",
        "first_day_confirmations",
        "hours_submissions",
        "hours_locks",
        "evaluations",
        "digest_items",
    ):
        if table in tables:
            await db.execute(f"DELETE FROM {table} WHERE internship_id = ?", params)
    await db.execute(
        "UPDATE internships SET meeting_point = '', first_day_contact = '', what_to_bring = '', "
        "dutch_lessons = '', outcome = NULL, purged_at = ? WHERE id = ?",
        (to_db(now), internship_id),
    )


async def purgeable_clients(db: Database, cutoff: datetime) -> list[int]:
    """Clients known since before `cutoff` with no internship open or changed since."""
    rows = await db.fetchall(
        f"SELECT p.id FROM people p WHERE p.role = 'client' AND p.purged_at IS NULL "
        f"AND p.created_at < ? AND NOT EXISTS (SELECT 1 FROM internships i "
        f"WHERE i.client_id = p.id AND (i.status IN {OPEN} OR i.updated_at >= ?)) "
        "ORDER BY p.id",
        (to_db(cutoff), to_db(cutoff)),
    )
    return [r["id"] for r in rows]


async def purge_client(db: Database, person_id: int, now: datetime) -> None:
    """Remove a client's name, Telegram account, language and everything keyed by them."""
    tables = await _tables(db)
    telegram_id = await db.fetchval(
        "SELECT telegram_user_id FROM people WHERE id = ?", (person_id,)
    )
    params = (person_id,)
    if "sick_reports" in tables:
        await db.execute(
            "DELETE FROM sick_certificates WHERE sick_report_id IN "
            "(SELECT id FROM sick_reports WHERE client_id = ?)",
            params,
        )
        await db.execute("DELETE FROM sick_reports WHERE client_id = ?", params)
    if "absences" in tables:
        await db.execute("DELETE FROM absences WHERE client_id = ?", params)
    await db.execute("DELETE FROM invites WHERE person_id = ?", params)
    await db.execute("DELETE FROM outbox WHERE recipient_id = ? AND status != 'pending'", params)
    if telegram_id is not None:
        await db.execute("DELETE FROM link_attempts WHERE telegram_user_id = ?", (telegram_id,))
        await db.execute("DELETE FROM user_data WHERE user_id = ?", (telegram_id,))
        # Conversation keys are JSON lists such as [chat id, user id].
        await db.execute(
            "DELETE FROM conversation_states WHERE key LIKE ? OR key LIKE ?",
            (f"[{telegram_id},%", f"%, {telegram_id}]"),
        )
    await db.execute(
        "UPDATE people SET name = ?, language = NULL, telegram_user_id = NULL, blocked_at = NULL, "
        "purged_at = ? WHERE id = ?",
        (PURGED_NAME, to_db(now), person_id),
    )
    await db.execute(
        "UPDATE audit_log SET details = '{}' WHERE actor_id = ? "
        "OR (subject_type = 'person' AND subject_id = ?)",
        (person_id, person_id),
    )


async def forget_old_details(db: Database, cutoff: datetime) -> int:
    """Older than `cutoff`: audit entries keep ids, action and date; sent messages go."""
    cleared = await db.execute_rowcount(
        "UPDATE audit_log SET details = '{}' WHERE at < ? AND details != '{}'", (to_db(cutoff),)
    )
    await db.execute(
        "DELETE FROM outbox WHERE status != 'pending' AND created_at < ?", (to_db(cutoff),)
    )
    if "digest_items" in await _tables(db):
        await db.execute(
            "DELETE FROM digest_items WHERE sent_at IS NOT NULL AND created_at < ?",
            (to_db(cutoff),),
        )
    return cleared


async def has_pending_reminder(db: Database, kind: str) -> bool:
    value = await db.fetchval(
        "SELECT 1 FROM reminders WHERE kind = ? AND status = 'pending' LIMIT 1", (kind,)
    )
    return value is not None
