"""The real polling loop (`bot.polling.Poller`) over the fake transport."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram import Update

from bot.polling import Poller
from bot.store import processed
from tests.harness import BotHarness, ChatUser


def start_update(user: ChatUser, text: str = "/start") -> dict[str, Any]:
    command = text.split()[0]
    return user.update_json(
        {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}
    )


async def poll_until(bot: BotHarness, *users: ChatUser) -> Poller:
    """Run a poller until each user got (one more) message, then stop it as SIGTERM would."""
    poller = Poller(bot.app, timeout=1, max_pause=0.01)
    expected = [(user, len(user.inbox) + 1) for user in users]
    task = asyncio.create_task(poller.run())
    try:
        for user, count in expected:
            await bot.fake.wait_for_message(user.id, count)
    finally:
        poller.stop()
        await task
    return poller


async def test_polling_loop_answers_an_unknown_user(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    bot.fake.queue_update(start_update(stranger))
    await poll_until(bot, stranger)
    assert "persoonlijke link" in stranger.last_text


async def test_the_offset_passes_an_update_only_after_it_is_committed(bot: BotHarness) -> None:
    users = [bot.user(f"U{i}") for i in range(3)]
    updates = [start_update(u) for u in users]
    for update in updates:
        bot.fake.queue_update(update)
    poller = await poll_until(bot, *users)
    assert poller.offset == updates[-1]["update_id"] + 1
    # Stopping confirmed them: Telegram has nothing left to send.
    assert bot.fake.updates == []
    for update in updates:
        assert await processed.is_processed(bot.services.db, update["update_id"])


async def test_after_a_crash_telegram_sends_them_again_and_they_are_skipped(
    bot: BotHarness,
) -> None:
    jan, piet = bot.user("Jan"), bot.user("Piet")
    first, second = start_update(jan), start_update(piet)
    # Handled and committed, but the bot died before telling Telegram (no getUpdates after).
    await bot.app.process_update(_update(bot, first))
    assert len(jan.inbox) == 1
    bot.fake.queue_update(first)
    bot.fake.queue_update(second)
    await poll_until(bot, piet)
    assert len(jan.inbox) == 1, "a committed update was handled twice"
    assert len(piet.inbox) == 1


async def test_telegram_failing_on_the_reply_confirms_the_update_and_sends_the_reply_later(
    bot: BotHarness,
) -> None:
    jan = bot.user("Jan")
    bot.fake.fail("timeout", method="sendMessage", times=1)
    update = start_update(jan)
    bot.fake.queue_update(update)
    poller = Poller(bot.app, timeout=1, max_pause=0.01)
    task = asyncio.create_task(poller.run())
    try:
        # Committed (so Telegram may forget it), although the reply did not go out yet.
        # A commit signals nothing a test could wait on; each turn yields to the poller.
        while not await processed.is_processed(bot.services.db, update["update_id"]):  # noqa: ASYNC110
            await asyncio.sleep(0)
    finally:
        poller.stop()
        await task
    assert poller.offset == update["update_id"] + 1
    assert jan.inbox == []
    # The reply is stored: it goes out once Telegram answers again, once.
    await bot.advance(timedelta(seconds=2))
    assert len(jan.inbox) == 1
    assert "persoonlijke link" in jan.last_text
    await bot.advance(timedelta(seconds=60))
    assert len(jan.inbox) == 1


async def test_getupdates_failing_only_delays(bot: BotHarness) -> None:
    jan = bot.user("Jan")
    bot.fake.fail("network", method="getUpdates", times=3)
    bot.fake.fail("retry_after", method="getUpdates", times=1, retry_after=0)
    bot.fake.queue_update(start_update(jan))
    await poll_until(bot, jan)
    assert len(jan.inbox) == 1


def _update(bot: BotHarness, data: dict[str, Any]) -> Update | None:
    return Update.de_json(data, bot.app.bot)
