"""One-time invite tokens, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db, to_db
from bot.db import Database


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class Invite:
    id: int
    person_id: int
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


async def create(
    db: Database,
    person_id: int,
    token: str,
    now: datetime,
    expires_at: datetime,
    created_by: int | None,
) -> None:
    await db.execute(
        "INSERT INTO invites (person_id, token_hash, created_at, expires_at, created_by) "
        "VALUES (?, ?, ?, ?, ?)",
        (person_id, hash_token(token), to_db(now), to_db(expires_at), created_by),
    )


async def find(db: Database, token: str) -> Invite | None:
    row = await db.fetchone("SELECT * FROM invites WHERE token_hash = ?", (hash_token(token),))
    if row is None:
        return None
    return Invite(
        id=row["id"],
        person_id=row["person_id"],
        expires_at=from_db(row["expires_at"]),
        used_at=from_db(row["used_at"]) if row["used_at"] else None,
        revoked_at=from_db(row["revoked_at"]) if row["revoked_at"] else None,
    )


async def mark_used(db: Database, invite_id: int, now: datetime) -> bool:
    """Use the invite once; False when another update used it first."""
    changed = await db.execute_rowcount(
        "UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL",
        (to_db(now), invite_id),
    )
    return changed > 0


async def revoke_open(db: Database, person_id: int, now: datetime) -> None:
    """Invalidate every unused invite of a person (a new one replaces them)."""
    await db.execute(
        "UPDATE invites SET revoked_at = ? WHERE person_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL",
        (to_db(now), person_id),
    )


async def record_failed_attempt(db: Database, telegram_user_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO link_attempts (telegram_user_id, at) VALUES (?, ?)",
        (telegram_user_id, to_db(now)),
    )


async def failed_attempts_since(db: Database, telegram_user_id: int, since: datetime) -> int:
    value = await db.fetchval(
        "SELECT COUNT(*) FROM link_attempts WHERE telegram_user_id = ? AND at >= ?",
        (telegram_user_id, to_db(since)),
    )
    return int(value or 0)


async def open_until(db: Database, person_id: int, now: datetime) -> datetime | None:
    """Until when the person's unused invite link works; None when they have none."""
    value = await db.fetchval(
        "SELECT MAX(expires_at) FROM invites WHERE person_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL AND expires_at > ?",
        (person_id, to_db(now)),
    )
    return from_db(value) if value else None
