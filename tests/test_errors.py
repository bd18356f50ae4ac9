"""The error handler: the person hears, in their own language, that their data is safe."""

from __future__ import annotations

from bot.store.models import Role
from tests import factories
from tests.harness import BotHarness


async def refuse_inserts(bot: BotHarness, table: str) -> None:
    """Make the next step that writes to `table` fail, as a bug in it would."""
    await bot.services.db.execute(
        f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
    )


async def test_a_failing_step_is_apologised_for_in_the_persons_language(bot: BotHarness) -> None:
    w = await factories.world(bot, client_language="tr")
    await w.client_chat.send("/late")
    await refuse_inserts(bot, "absences")
    replies = await w.client_chat.send("30")
    assert len(replies) == 1
    assert "Üzgünüz" in replies[0].text
    assert "/cancel" in replies[0].text
    assert "Traceback" not in replies[0].text and "refused" not in replies[0].text


async def test_a_stranger_gets_the_apology_in_their_telegram_language(bot: BotHarness) -> None:
    stranger = bot.user("Olena", language_code="uk")
    await refuse_inserts(bot, "link_attempts")
    replies = await stranger.send("/start nottherighttoken")
    assert len(replies) == 1
    assert "Вибачте" in replies[0].text


async def test_a_failure_after_the_step_is_apologised_for_too(bot: BotHarness) -> None:
    _, chat = await factories.person(bot, Role.CLIENT, "Ayşe Yılmaz", language="tr")
    # Storing the reply itself fails (our code after the handlers, not Telegram).
    await bot.services.db.execute(
        "CREATE TRIGGER refuse_reply BEFORE INSERT ON outbox WHEN NEW.kind = 'reply' "
        "AND NEW.payload NOT LIKE '%Üzgünüz%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    replies = await chat.send("/help")
    assert [m.text for m in replies if "Üzgünüz" in m.text] != []
