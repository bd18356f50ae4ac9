"""The desk's sign-in links and sessions, stored only as SHA-256 hashes of their secrets."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db, to_db
from bot.db import Database
from bot.store.invites import hash_token


@dataclass(frozen=True)
class Session:
    person_id: int
    telegram_user_id: int
    csrf_token: str
    last_seen_at: datetime


async def add_sign_in(
    db: Database,
    token: str,
    person_id: int,
    telegram_user_id: int,
    now: datetime,
    expires_at: datetime,
) -> None:
    await db.execute(
        "INSERT INTO desk_sign_ins (token_hash, person_id, telegram_user_id, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?)",
        (hash_token(token), person_id, telegram_user_id, to_db(now), to_db(expires_at)),
    )


async def use_sign_in(db: Database, token: str, now: datetime) -> tuple[int, int] | None:
    """Use a sign-in link once: (person, Telegram account) when it is unused and not
    expired; None otherwise (unknown, used, expired), and then nothing changes."""
    row = await db.fetchone(
        "SELECT person_id, telegram_user_id, expires_at FROM desk_sign_ins "
        "WHERE token_hash = ? AND used_at IS NULL",
        (hash_token(token),),
    )
    if row is None or from_db(row["expires_at"]) <= now:
        return None
    changed = await db.execute_rowcount(
        "UPDATE desk_sign_ins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (to_db(now), hash_token(token)),
    )
    if not changed:
        return None
    return int(row["person_id"]), int(row["telegram_user_id"])


async def add_session(
    db: Database,
    secret: str,
    person_id: int,
    telegram_user_id: int,
    csrf_token: str,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO desk_sessions (session_hash, person_id, telegram_user_id, csrf_token, "
        "created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
        (hash_token(secret), person_id, telegram_user_id, csrf_token, to_db(now), to_db(now)),
    )


async def session(db: Database, secret: str) -> Session | None:
    """The session of a cookie, when it was not ended."""
    row = await db.fetchone(
        "SELECT person_id, telegram_user_id, csrf_token, last_seen_at FROM desk_sessions "
        "WHERE session_hash = ? AND ended_at IS NULL",
        (hash_token(secret),),
    )
    if row is None:
        return None
    return Session(
        person_id=int(row["person_id"]),
        telegram_user_id=int(row["telegram_user_id"]),
        csrf_token=str(row["csrf_token"]),
        last_seen_at=from_db(row["last_seen_at"]),
    )


async def touch_session(db: Database, secret: str, now: datetime) -> None:
    await db.execute(
        "UPDATE desk_sessions SET last_seen_at = ? WHERE session_hash = ? AND ended_at IS NULL",
        (to_db(now), hash_token(secret)),
    )


async def end_session(db: Database, secret: str, now: datetime) -> None:
    await db.execute(
        "UPDATE desk_sessions SET ended_at = ? WHERE session_hash = ? AND ended_at IS NULL",
        (to_db(now), hash_token(secret)),
    )


async def end_sessions_of(db: Database, person_id: int, now: datetime) -> None:
    """End every session of a person (their Telegram link was revoked)."""
    await db.execute(
        "UPDATE desk_sessions SET ended_at = ? WHERE person_id = ? AND ended_at IS NULL",
        (to_db(now), person_id),
    )


async def open_sessions(db: Database, person_id: int) -> int:
    value = await db.fetchval(
        "SELECT COUNT(*) FROM desk_sessions WHERE person_id = ? AND ended_at IS NULL",
        (person_id,),
    )
    return int(value or 0)


@dataclass(frozen=True)
class DeskCertificate:
    id: int
    internship_id: int
    reference: str
    file_id: str
    received_at: datetime


async def certificates_of(db: Database, internship_id: int) -> list[DeskCertificate]:
    """The medical certificates of an internship's sick reports, oldest first."""
    rows = await db.fetchall(
        "SELECT c.id, r.internship_id, r.reference, c.file_id, c.received_at "
        "FROM sick_certificates c JOIN sick_reports r ON r.id = c.sick_report_id "
        "WHERE r.internship_id = ? ORDER BY c.id",
        (internship_id,),
    )
    return [_certificate(row) for row in rows]


async def certificate(db: Database, certificate_id: int) -> DeskCertificate | None:
    row = await db.fetchone(
        "SELECT c.id, r.internship_id, r.reference, c.file_id, c.received_at "
        "FROM sick_certificates c JOIN sick_reports r ON r.id = c.sick_report_id "
        "WHERE c.id = ? AND r.internship_id IS NOT NULL",
        (certificate_id,),
    )
    return _certificate(row) if row is not None else None


def _certificate(row: sqlite3.Row) -> DeskCertificate:
    return DeskCertificate(
        id=int(row["id"]),
        internship_id=int(row["internship_id"]),
        reference=str(row["reference"]),
        file_id=str(row["file_id"]),
        received_at=from_db(row["received_at"]),
    )
