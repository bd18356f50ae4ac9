"""The error handler: the person hears, in their own language, that their data is safe."""

from __future__ import annotations

from bot.store.models import Role
from tests import factories
from tests.harness import BotHarness


async def test_a_failing_reply_is_apologised_for_in_the_persons_language(bot: BotHarness) -> None:
    _, chat = await factories.person(bot, Role.CLIENT, "Ayşe Yılmaz", language="tr")
    # Telegram refuses the bot's answer once (a permanent error, not a network one).
    bot.fake.fail("bad_request", method="sendMessage", times=1)
    replies = await chat.send("/help")
    assert len(replies) == 1
    assert "Üzgünüz" in replies[0].text
    assert "/cancel" in replies[0].text
    assert "Traceback" not in replies[0].text and "BadRequest" not in replies[0].text


async def test_a_stranger_gets_the_apology_in_their_telegram_language(bot: BotHarness) -> None:
    stranger = bot.user("Olena", language_code="uk")
    bot.fake.fail("bad_request", method="sendMessage", times=1)
    replies = await stranger.send("/start")
    assert len(replies) == 1
    assert "Вибачте" in replies[0].text
