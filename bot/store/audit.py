"""The audit log: who did what, when. Facts only, never message texts or file ids."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import from_db, to_db
from bot.db import Database


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    action: str
    subject_type: str
    subject_id: int | None
    details: dict[str, Any]


async def record(
    db: Database,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str = "",
    subject_id: int | None = None,
    **details: Any,
) -> None:
    await db.execute(
        "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, details) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (to_db(at), actor_id, action, subject_type, subject_id, json.dumps(details, default=str)),
    )


async def for_subject(db: Database, subject_type: str, subject_id: int) -> list[AuditEntry]:
    rows = await db.fetchall(
        "SELECT * FROM audit_log WHERE subject_type = ? AND subject_id = ? ORDER BY id",
        (subject_type, subject_id),
    )
    return [
        AuditEntry(
            at=from_db(r["at"]),
            actor_id=r["actor_id"],
            action=r["action"],
            subject_type=r["subject_type"],
            subject_id=r["subject_id"],
            details=json.loads(r["details"]),
        )
        for r in rows
    ]
