"""Updates of different chats at the same time, the updates of one chat in order.

The hook is PTB's `BaseUpdateProcessor`: the polling loop and the webhook hand
every update to it. An update waits only for the earlier updates of its own
chat, so one chat that waits for Telegram (a flood limit on its chat, a file
being downloaded) never holds up the others. The updates' database work is
still one transaction at a time (`bot.db`); what runs side by side is the
waiting for Telegram.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from inspect import CORO_CREATED
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# At most this many updates in progress at once (the rest wait for a place).
MAX_CONCURRENT_UPDATES = 256


def chat_key(update: object) -> int | None:
    """What must stay in order: the chat (or, without one, the user) of the update."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # The last update of each chat that is waiting or in progress.
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        previous = self._tails.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = mine
        try:
            if previous is not None:
                await asyncio.shield(previous)
            await coroutine
        finally:
            if asyncio.iscoroutine(coroutine) and (
                inspect.getcoroutinestate(coroutine) == CORO_CREATED
            ):
                # Cancelled while waiting for its turn: it never ran.
                coroutine.close()
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]

    @property
    def chats_in_progress(self) -> int:
        return len(self._tails)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
