"""Telegram's limits as lanes (`bot.limits`), and the outbox sending by them, on a fake clock.

The outbox here is a second one over the same database, with the limits switched
on (the harness's own has them off so chat tests need not move the clock). Time
only moves when the simulation moves it to the next moment a send may go, so
every figure below is exact and the tests take no real time.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.limits import Lane, Limits, LimitSettings
from bot.outbox import Outbox
from bot.replies import Call, Replies
from bot.store import people
from bot.store.models import Person, Role
from tests.harness import BotHarness

OVERALL = 30.0


class Simulation:
    """An outbox with real limits, sent through the fake Telegram on the fake clock."""

    def __init__(self, bot: BotHarness) -> None:
        self.bot = bot
        self.outbox = Outbox(bot.services.db, bot.clock, bot.services.i18n, Limits())
        self.start = bot.clock.now()
        # (seconds since the start, chat) of every message Telegram accepted.
        self.sent: list[tuple[float, int]] = []

    def now(self) -> float:
        return (self.bot.clock.now() - self.start).total_seconds()

    async def run(self, seconds: float) -> None:
        """Send what may go, moving the clock from one moment to the next."""
        end = self.now() + seconds
        while True:
            before = len(self.bot.fake.messages)
            await self.outbox.drain(self.bot.app.bot)
            for message in list(self.bot.fake.messages.values())[before:]:
                self.sent.append((self.now(), message.chat_id))
            wait = self.outbox.seconds_until_next()
            if wait is None or self.now() + wait > end:
                self.bot.clock.advance(timedelta(seconds=max(end - self.now(), 0)))
                return
            self.bot.clock.advance(timedelta(seconds=max(wait, 1e-6)))

    async def bulk(self, recipients: list[Person], text: str = "herinnering") -> None:
        async with self.bot.services.db.transaction():
            for person in recipients:
                await self.outbox.message(person, text)

    async def replies(self, chats: list[int], text: str = "antwoord") -> None:
        replies = Replies([Call("sendMessage", {"chat_id": chat, "text": text}) for chat in chats])
        async with self.bot.services.db.transaction():
            await self.outbox.queue_replies(replies)


async def recipients(bot: BotHarness, count: int) -> list[Person]:
    made = []
    async with bot.services.db.transaction():
        for n in range(count):
            person = await people.create(
                bot.services.db, Role.CLIENT, f"Klant {n}", bot.clock.now(), "nl"
            )
            await people.link_telegram(bot.services.db, person.id, 800_000 + n)
            linked = await people.get(bot.services.db, person.id)
            assert linked is not None
            made.append(linked)
    return made


def most_in_any_window(times: list[float], window: float) -> int:
    """The most sends in any sliding window of `window` seconds."""
    times = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


async def test_bulk_alone_reaches_95_percent_of_30_a_second_and_never_more(
    bot: BotHarness,
) -> None:
    sim = Simulation(bot)
    people_ = await recipients(bot, 600)
    await sim.bulk(people_)
    await sim.run(60)

    times = [t for t, _ in sim.sent]
    assert len(times) == 600
    rate = len(times) / (times[-1] - times[0])
    assert rate >= 0.95 * OVERALL
    assert most_in_any_window(times, 1.0) <= OVERALL


async def test_the_background_sender_starts_no_more_sends_at_once_than_the_limit_allows(
    bot: BotHarness,
) -> None:
    """Sends run side by side: each is counted when it is started, not when it is done."""
    sim = Simulation(bot)
    people_ = await recipients(bot, 100)
    await sim.bulk(people_)
    stop = asyncio.Event()
    sender = asyncio.create_task(sim.outbox.run(bot.app.bot, stop))
    try:
        # The fake clock stands still: one instant's worth goes out (one paced send),
        # and no more can, however many turns the loop takes.
        await wait_until(lambda: len(bot.fake.messages) >= 1)
        for _ in range(500):
            await asyncio.sleep(0)
    finally:
        stop.set()
        await sender
    assert len(bot.fake.messages) == 1


async def test_bulk_is_evenly_paced_so_telegrams_own_delays_cannot_bunch_it(
    bot: BotHarness,
) -> None:
    sim = Simulation(bot)
    await sim.bulk(await recipients(bot, 120))
    await sim.run(10)
    times = [t for t, _ in sim.sent]
    assert len(times) == 120
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # One every 1/29 s on the grid, never closer than half a step (the tolerance).
    assert min(gaps) >= 0.5 / 29 - 1e-6
    assert sorted(gaps)[len(gaps) // 2] == pytest.approx(1 / 29, abs=1e-3)
    assert most_in_any_window(times, 0.5) <= 15


async def wait_until(condition: Callable[[], bool]) -> None:
    """Yield to the sender until `condition` holds (no time passes on the fake clock)."""

    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 (a turn of the loop, not a wait for time)
            await asyncio.sleep(0)

    await asyncio.wait_for(poll(), 10)


async def test_replies_to_20_chats_during_a_fan_out_go_out_first(bot: BotHarness) -> None:
    sim = Simulation(bot)
    people_ = await recipients(bot, 620)
    fan_out, acting = people_[:600], people_[600:]
    await sim.bulk(fan_out)
    await sim.run(5)
    assert 140 <= len(sim.sent) <= 151
    sent_before = len(sim.sent)

    await sim.replies([p.telegram_user_id or 0 for p in acting])
    await sim.run(0)
    # At the same instant, before any more of the fan-out: all 20 replies.
    replied = sim.sent[sent_before:]
    assert Counter(chat for _, chat in replied) == Counter({p.telegram_user_id: 1 for p in acting})
    # And the fan-out goes on at what is left of the overall rate.
    await sim.run(60)
    assert len(sim.sent) == 620
    assert most_in_any_window([t for t, _ in sim.sent], 1.0) <= OVERALL + 20


async def test_an_urgent_notification_goes_before_the_rest_of_the_fan_out(
    bot: BotHarness,
) -> None:
    sim = Simulation(bot)
    people_ = await recipients(bot, 301)
    fan_out, workplace = people_[:300], people_[300]
    await sim.bulk(fan_out)
    await sim.run(2)
    async with bot.services.db.transaction():
        await sim.outbox.message(workplace, "Samir is ziek", urgent=True)
    sent_before = len(sim.sent)
    await sim.run(0.1)
    # The next send the overall rate allows is the urgent one.
    assert sim.sent[sent_before][1] == workplace.telegram_user_id


async def test_one_chat_never_gets_more_than_its_rate_sustained(bot: BotHarness) -> None:
    sim = Simulation(bot)
    [person] = await recipients(bot, 1)
    chat = person.telegram_user_id or 0
    await sim.replies([chat] * 30)
    await sim.run(60)

    times = [t for t, _ in sim.sent]
    assert len(times) == 30
    settings = LimitSettings()
    # A short burst, then one a second: never more in any ten seconds.
    assert most_in_any_window(times, 10.0) <= settings.chat_burst + 10 * settings.chat_rate
    assert times[-1] - times[0] >= 30 - settings.chat_burst - 1
    # In order.
    assert [m.text for m in bot.fake.sent_to(chat)] == ["antwoord"] * 30


async def test_a_429_pauses_exactly_its_retry_after_and_only_its_chat(bot: BotHarness) -> None:
    sim = Simulation(bot)
    flooded, other = await recipients(bot, 2)
    flooded_chat, other_chat = flooded.telegram_user_id or 0, other.telegram_user_id or 0
    bot.fake.fail("retry_after", chat_id=flooded_chat, retry_after=3, times=1)
    await sim.replies([flooded_chat, flooded_chat, other_chat])
    await sim.run(0.5)
    # The other chat is not held up; the flooded one waits.
    assert [chat for _, chat in sim.sent] == [other_chat]
    await sim.run(2.4)
    assert [chat for _, chat in sim.sent] == [other_chat]
    await sim.run(10)
    flooded_sends = [t for t, chat in sim.sent if chat == flooded_chat]
    # Tried at 0 (refused), then again at exactly 3 s: never before.
    assert flooded_sends[0] == pytest.approx(3.0, abs=1e-3)
    assert len(flooded_sends) == 2


async def test_429s_for_several_chats_at_once_pause_everything(bot: BotHarness) -> None:
    sim = Simulation(bot)
    people_ = await recipients(bot, 5)
    chats = [p.telegram_user_id or 0 for p in people_]
    for chat in chats[:3]:
        bot.fake.fail("retry_after", chat_id=chat, retry_after=2, times=1)
    await sim.replies(chats)
    await sim.run(1.9)
    # Three chats refused at once: Telegram limits the bot, so the last two wait too.
    assert [chat for _, chat in sim.sent] == []
    await sim.run(5)
    assert sorted(chat for _, chat in sim.sent) == sorted(chats)
    assert min(t for t, _ in sim.sent) == pytest.approx(2.0, abs=1e-3)


async def test_429s_for_several_notifications_pause_notifications_but_not_replies(
    bot: BotHarness,
) -> None:
    sim = Simulation(bot)
    people_ = await recipients(bot, 6)
    chats = [p.telegram_user_id or 0 for p in people_]
    for chat in chats[:3]:
        bot.fake.fail("retry_after", chat_id=chat, retry_after=2, times=1)
    await sim.bulk(people_[:5])
    await sim.run(0.5)
    assert sim.sent == []
    # Over the overall rate were the notifications: a person acting still gets answers.
    await sim.replies([chats[5]])
    await sim.run(0.1)
    assert [chat for _, chat in sim.sent] == [chats[5]]
    await sim.run(5)
    notified = [(t, chat) for t, chat in sim.sent if chat != chats[5]]
    assert sorted(chat for _, chat in notified) == sorted(chats[:5])
    # The refused ones were tried at once; nothing went before the pause ended.
    assert min(t for t, _ in notified) >= 2.0 - 1e-3


def test_limits_count_replies_against_the_overall_rate_without_making_them_wait() -> None:
    limits = Limits()
    now = 100.0
    for chat in range(60):
        assert limits.ready_at(chat, Lane.REPLY, now) == now
        limits.take(chat, Lane.REPLY, now + chat / 100)
    # Bulk waits until fewer than 29 sends are left in the last second.
    ready = limits.ready_at(1000, Lane.BULK, now + 0.6)
    assert ready == pytest.approx(now + 0.31 + 1.0, abs=2e-3)
    limits.pause_all(now + 3)
    assert limits.ready_at(2000, Lane.REPLY, now) == now + 3
