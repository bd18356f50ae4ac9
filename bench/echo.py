"""The framework's own ceiling: a bare python-telegram-bot echo bot on the same fake transport."""

from __future__ import annotations

import time
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.harness import TEST_TOKEN, FakeTelegram


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def text_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "U"},
            "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            "text": text,
        },
    }


async def measure_echo(updates: int, users: int) -> list[float]:
    """Seconds per update for `updates` text messages from `users` people, round robin."""
    fake = FakeTelegram()
    app = Application.builder().token(TEST_TOKEN).request(fake).get_updates_request(fake).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    timings: list[float] = []
    async with app:
        for n in range(updates):
            update = Update.de_json(text_update(n + 1, 1000 + n % users, f"hello {n}"), app.bot)
            started = time.perf_counter()
            await app.process_update(update)
            timings.append(time.perf_counter() - started)
    return timings
