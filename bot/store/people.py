"""People: clients, employer contacts, caseworkers and admins."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.db import Database
from bot.store.models import Person, Role
from bot.store.names import names_by_id


async def create(
    db: Database,
    role: Role,
    name: str,
    now: datetime,
    language: str | None = None,
    workplace_id: int | None = None,
    created_by: int | None = None,
    phone: str | None = None,
) -> Person:
    person_id = await db.execute(
        "INSERT INTO people (role, name, language, workplace_id, created_at, created_by, phone) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (role.value, name, language, workplace_id, to_db(now), created_by, phone),
    )
    person = await get(db, person_id)
    assert person is not None
    return person


async def get(db: Database, person_id: int) -> Person | None:
    row = await db.fetchone("SELECT * FROM people WHERE id = ?", (person_id,))
    return Person.from_row(row) if row else None


async def by_telegram_id(db: Database, telegram_user_id: int) -> Person | None:
    row = await db.fetchone("SELECT * FROM people WHERE telegram_user_id = ?", (telegram_user_id,))
    return Person.from_row(row) if row else None


async def link_telegram(db: Database, person_id: int, telegram_user_id: int) -> None:
    await db.execute(
        "UPDATE people SET telegram_user_id = ?, blocked_at = NULL WHERE id = ?",
        (telegram_user_id, person_id),
    )


async def unlink_telegram(db: Database, person_id: int) -> None:
    await db.execute("UPDATE people SET telegram_user_id = NULL WHERE id = ?", (person_id,))


async def set_language(db: Database, person_id: int, language: str) -> None:
    await db.execute("UPDATE people SET language = ? WHERE id = ?", (language, person_id))


async def set_phone(db: Database, person_id: int, phone: str | None) -> None:
    await db.execute("UPDATE people SET phone = ? WHERE id = ?", (phone, person_id))


async def mark_blocked(db: Database, person_id: int, now: datetime) -> bool:
    """Record that the person blocked the bot; False when it was already recorded."""
    changed = await db.execute_rowcount(
        "UPDATE people SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL",
        (to_db(now), person_id),
    )
    return changed > 0


async def clear_blocked(db: Database, person_id: int) -> None:
    await db.execute("UPDATE people SET blocked_at = NULL WHERE id = ?", (person_id,))


async def employer_contacts(db: Database, workplace_id: int) -> list[Person]:
    rows = await db.fetchall(
        "SELECT * FROM people WHERE role = 'employer' AND workplace_id = ? ORDER BY name",
        (workplace_id,),
    )
    return [Person.from_row(r) for r in rows]


async def by_role(db: Database, role: Role) -> list[Person]:
    rows = await db.fetchall("SELECT * FROM people WHERE role = ? ORDER BY name", (role.value,))
    return [Person.from_row(r) for r in rows]


async def caseworkers_of(db: Database, person: Person) -> list[Person]:
    """The caseworkers following a client, or the internships of an employer's workplace."""
    if person.role == Role.CLIENT:
        sql = (
            "SELECT DISTINCT p.* FROM people p JOIN internships i ON i.caseworker_id = p.id "
            "WHERE i.client_id = ? AND i.status IN ('planned', 'active', 'evaluated')"
        )
        params: tuple[int, ...] = (person.id,)
    elif person.role == Role.EMPLOYER and person.workplace_id is not None:
        sql = (
            "SELECT DISTINCT p.* FROM people p JOIN internships i ON i.caseworker_id = p.id "
            "WHERE i.workplace_id = ? AND i.status IN ('planned', 'active', 'evaluated')"
        )
        params = (person.workplace_id,)
    else:
        return []
    rows = await db.fetchall(sql, params)
    return [Person.from_row(r) for r in rows]


async def staff_named(db: Database, name: str) -> Person | None:
    """The caseworker or admin with exactly this name, if any (the oldest, should there be
    two from before names were kept apart)."""
    row = await db.fetchone(
        "SELECT * FROM people WHERE role IN ('caseworker', 'admin') AND name = ? "
        "ORDER BY id LIMIT 1",
        (name,),
    )
    return Person.from_row(row) if row else None


async def names(db: Database, person_ids: list[int]) -> dict[int, str]:
    """The names of these people, in one query (a caseload's clients and caseworkers)."""
    return await names_by_id(db, "people", person_ids)
