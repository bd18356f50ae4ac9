"""The framework's own ceiling: a bare python-telegram-bot echo bot on the same fake transport.

`measure_buttons` is the same bare bot answering button presses the way the
conversations do (answer the press, take the buttons off the question, ask the
next question with buttons): three Bot API calls per update instead of one. It
shows what python-telegram-bot itself costs for that shape of conversation.
Given a database, it also keeps the bot's exactly-once bookkeeping and nothing
else: each update in a transaction that records its id (`bot.app`'s least work).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.db import Database
from bot.store import processed
from tests.harness import TEST_TOKEN, FakeTelegram


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def next_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press, take the buttons off, ask the next question with buttons."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    buttons = [[InlineKeyboardButton(f"Keuze {n}", callback_data=f"q:{n}")] for n in range(3)]
    await context.bot.send_message(
        query.message.chat.id, f"Vraag na {query.data}", reply_markup=InlineKeyboardMarkup(buttons)
    )


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


def press_update(update_id: int, user_id: int, data: str) -> dict[str, Any]:
    message = text_update(update_id, user_id, "Vraag")["message"]
    message["from"] = {"id": 1, "is_bot": True, "first_name": "Bot"}
    message["reply_markup"] = {
        "inline_keyboard": [[{"text": f"Keuze {n}", "callback_data": f"q:{n}"}] for n in range(3)]
    }
    query = {
        "id": str(update_id),
        "from": {"id": user_id, "is_bot": False, "first_name": "U"},
        "chat_instance": f"ci{user_id}",
        "data": data,
        "message": message,
    }
    return {"update_id": update_id, "callback_query": query}


async def measure_buttons(updates: int, users: int, db: Database | None = None) -> list[float]:
    """Seconds per update for `updates` button presses from `users` people, round robin;
    with `db`, each in a transaction that records its id."""
    fake = FakeTelegram()
    app = Application.builder().token(TEST_TOKEN).request(fake).get_updates_request(fake).build()
    app.add_handler(CallbackQueryHandler(next_question))
    now = datetime.now(UTC)
    timings: list[float] = []
    async with app:
        for n in range(updates):
            data = press_update(n + 1, 1000 + n % users, f"q:{n % 3}")
            update = Update.de_json(data, app.bot)
            started = time.perf_counter()
            if db is None:
                await app.process_update(update)
            else:
                async with db.transaction():
                    await processed.claim(db, update.update_id, now)
                    await app.process_update(update)
            timings.append(time.perf_counter() - started)
    return timings
