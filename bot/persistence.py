"""PTB persistence in our SQLite database: conversation states and user scratch data.

Chat data, bot data and callback data are not used by the bot and are not stored.
The application writes inside each update's transaction (see `bot.app`), so a
restart resumes each conversation at the last step the user saw acknowledged.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.db import Database
from bot.store import persistence as store

UserData = dict[Any, Any]
# A row this process has not written (or has forgotten): always written.
_UNKNOWN = object()


class SqlitePersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    """Stores conversations and user_data through the store layer."""

    def __init__(self, db: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            # The application writes inside every update's own transaction. PTB's periodic
            # writer would hold PTB's persistence lock while waiting for the database lock
            # an update holds, and that update would wait for PTB's lock: a deadlock. So it
            # never runs (once a year is "never" for a process that restarts on upgrades).
            update_interval=365 * 24 * 3600,
        )
        self.db = db
        # The rows as this process last wrote them. PTB hands over a user's data after
        # every update and a conversation's state after every step, changed or not; a
        # write of what is already stored is skipped (each write is a database trip).
        self._user_rows: dict[int, str | None] = {}
        self._conversation_rows: dict[tuple[str, str], str | None] = {}

    def forget_written(self) -> None:
        """After a rollback the rows may differ from what was written: write them again."""
        self._user_rows.clear()
        self._conversation_rows.clear()

    async def get_user_data(self) -> dict[int, UserData]:
        return await store.load_user_data(self.db)

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        stored = await store.load_conversations(self.db, name)
        return {tuple(json.loads(key)): state for key, state in stored.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        row = (name, json.dumps(list(key)))
        state = None if new_state is None else json.dumps(new_state)
        if self._conversation_rows.get(row, _UNKNOWN) == state:
            return
        await store.save_conversation(self.db, *row, state)
        self._conversation_rows[row] = state

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        if not data:
            await self.drop_user_data(user_id)
            return
        text = json.dumps(data, default=str)
        if self._user_rows.get(user_id, _UNKNOWN) == text:
            return
        await store.save_user_data(self.db, user_id, text)
        self._user_rows[user_id] = text

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        if self._user_rows.get(user_id, _UNKNOWN) is None:
            return
        await store.drop_user_data(self.db, user_id)
        self._user_rows[user_id] = None

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
