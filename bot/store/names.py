"""Names by id, many at once (a caseload's people and workplaces in one query each)."""

from __future__ import annotations

from typing import Literal

from bot.db import Database


async def names_by_id(
    db: Database, table: Literal["people", "workplaces"], ids: list[int]
) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ",".join("?" for _ in wanted)
    rows = await db.fetchall(f"SELECT id, name FROM {table} WHERE id IN ({marks})", wanted)
    return {int(r["id"]): str(r["name"]) for r in rows}
