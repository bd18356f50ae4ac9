"""Short outages (found by `tests/test_chaos_http.py`): once Telegram is back, so are the sends.

A drop of a second used to hold every send for half a minute: each send in flight
when Telegram went away counted as one more failure (1 s, 2 s, 4 s ... 30 s). And a
message put off by three short outages in a row waited out its own backoff (16 s,
32 s), also after a restart, long after Telegram answered again. And after a restart
a reply went ahead of a notification a 429 still held, into the same chat.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.config import Settings
from bot.outbox import RETRY_AFTER
from bot.store import outbox as store
from tests import factories
from tests.factories import World
from tests.harness import BotHarness, ChatUser
from tests.test_limits import Simulation, recipients
from tests.test_outbox_faults import notice, notices, pending


async def worlds(bot: BotHarness, count: int) -> list[World]:
    return [await factories.world(bot) for _ in range(count)]


def chats(everyone: list[World]) -> list[ChatUser]:
    return [chat for w in everyone for chat in (w.employer_chat, w.caseworker_chat)]


async def test_the_sends_in_flight_when_telegram_goes_away_are_one_failure(
    bot: BotHarness,
) -> None:
    everyone = await worlds(bot, 6)
    bot.fake.drop_connections(times=12)
    for w in everyone:
        await notice(bot, w, 0)
    await bot.deliver()
    assert all(notices(chat) == [] for chat in chats(everyone))
    assert await pending(bot) == 12

    # One failure: a pause of a second, not of 2, 4 ... 30 s for the twelfth.
    await bot.advance(timedelta(seconds=1))
    assert all(notices(chat) == ["melding 0"] for chat in chats(everyone))
    assert await pending(bot) == 0


async def test_put_off_by_three_outages_it_goes_as_soon_as_telegram_answers(
    bot: BotHarness,
) -> None:
    *waiting, other = await worlds(bot, 3)
    for w in waiting:
        await notice(bot, w, 0)
    # Three outages in a row, each failing all four sends: 1 s, then 2 s.
    for pause in (0, 1, 2):
        bot.fake.drop_connections(times=4)
        await bot.advance(timedelta(seconds=pause))
    assert all(notices(chat) == [] for chat in chats(waiting))
    # Back: the first send that goes through takes the others along, without their own
    # backoff (16 s after a third failure).
    await notice(bot, other, 1)
    await bot.deliver()
    assert all(notices(chat) == ["melding 0"] for chat in chats(waiting))
    assert await pending(bot) == 0


async def test_after_a_restart_what_an_outage_put_off_goes_at_once(
    settings: Settings, clock: FakeClock
) -> None:
    first = await BotHarness.start(settings, clock)
    try:
        *everyone, other = await worlds(first, 3)
        for w in everyone:
            await notice(first, w, 0)
        # Four failed attempts: its own backoff would be 32 s.
        for message in await store.pending(first.services.db):
            await store.mark_retry(
                first.services.db, message.id, clock.now() + timedelta(seconds=32), "NetworkError"
            )
    finally:
        await first.stop()

    second = await BotHarness.start(settings, clock)
    try:
        # Another message to someone else goes through at once: Telegram answers.
        await notice(second, other, 1)
        await second.deliver()
        for chat in chats(everyone):
            # (The people's chats as the new process's Telegram saw them.)
            assert [m.text for m in second.fake.sent_to(chat.id)] == ["melding 0"]
        assert await pending(second) == 0
    finally:
        await second.stop()


async def test_after_a_restart_a_429_still_holds_its_chat_for_a_reply_too(
    bot: BotHarness,
) -> None:
    [person] = await recipients(bot, 1)
    chat = person.telegram_user_id
    assert chat is not None
    # Before the restart: a notification to this chat got "retry after 3".
    async with bot.services.db.transaction():
        assert await bot.services.outbox.message(person, "melding", urgent=True)
    [held] = await store.pending(bot.services.db)
    await store.mark_retry(
        bot.services.db, held.id, bot.clock.now() + timedelta(seconds=3), RETRY_AFTER
    )

    # The new process (limits on) gets a reply for the same chat: it waits too.
    after = Simulation(bot)
    await after.replies([chat])
    await after.run(2.9)
    assert after.sent == []
    await after.run(0.2)
    assert [who for _, who in after.sent] == [chat, chat]
    assert [m.text for m in bot.fake.sent_to(chat)] == ["antwoord", "melding"]
