"""Workplaces (werkervaringsplaatsen)."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.db import Database
from bot.store.models import Workplace, WorkplaceKind
from bot.store.names import names_by_id


async def create(
    db: Database,
    name: str,
    now: datetime,
    address: str = "",
    kind: WorkplaceKind = WorkplaceKind.NONPROFIT,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Workplace:
    workplace_id = await db.execute(
        "INSERT INTO workplaces (name, address, kind, latitude, longitude, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (name, address, kind.value, latitude, longitude, to_db(now)),
    )
    workplace = await get(db, workplace_id)
    assert workplace is not None
    return workplace


async def get(db: Database, workplace_id: int) -> Workplace | None:
    row = await db.fetchone("SELECT * FROM workplaces WHERE id = ?", (workplace_id,))
    return Workplace.from_row(row) if row else None


async def all_workplaces(db: Database) -> list[Workplace]:
    rows = await db.fetchall("SELECT * FROM workplaces ORDER BY name")
    return [Workplace.from_row(r) for r in rows]


async def names(db: Database, workplace_ids: list[int]) -> dict[int, str]:
    """The names of these workplaces, in one query."""
    return await names_by_id(db, "workplaces", workplace_ids)
