"""The real polling loop (PTB's Updater) over the fake transport."""

from __future__ import annotations

from telegram import Update

from tests.harness import BotHarness


async def test_polling_loop_answers_an_unknown_user(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    bot.fake.queue_update(
        stranger.update_json(
            {"text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
        )
    )
    await bot.app.start()
    assert bot.app.updater is not None
    await bot.app.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
    )
    try:
        await bot.fake.wait_for_message(stranger.id)
    finally:
        await bot.app.updater.stop()
        await bot.app.stop()
    assert "persoonlijke link" in stranger.last_text
