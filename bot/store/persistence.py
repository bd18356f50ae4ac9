"""Conversation states and per-user scratch data for `bot.persistence`."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database


async def load_conversations(db: Database, name: str) -> dict[str, Any]:
    rows = await db.fetchall("SELECT key, state FROM conversation_states WHERE name = ?", (name,))
    return {r["key"]: json.loads(r["state"]) for r in rows}


async def save_conversation(db: Database, name: str, key: str, state: str | None) -> None:
    """Store a conversation's state (as JSON); None: the conversation ended."""
    if state is None:
        await db.execute("DELETE FROM conversation_states WHERE name = ? AND key = ?", (name, key))
        return
    await db.execute(
        "INSERT INTO conversation_states (name, key, state) VALUES (?, ?, ?) "
        "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
        (name, key, state),
    )


async def load_user_data(db: Database) -> dict[int, dict[str, Any]]:
    rows = await db.fetchall("SELECT user_id, data FROM user_data")
    return {r["user_id"]: json.loads(r["data"]) for r in rows}


async def save_user_data(db: Database, user_id: int, data: str) -> None:
    """Store a user's scratch data (as JSON)."""
    await db.execute(
        "INSERT INTO user_data (user_id, data) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
        (user_id, data),
    )


async def drop_user_data(db: Database, user_id: int) -> None:
    await db.execute("DELETE FROM user_data WHERE user_id = ?", (user_id,))
