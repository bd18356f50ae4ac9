"""Telegram failing while the outbox delivers notifications: nothing lost, nothing twice.

The notifications come from the "I will be late" flow (workplace contact and
caseworker), the faults from the fake Bot API: 429 with retry_after, 500,
timeouts, network errors, 403 blocked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import notify
from bot.actions.people import unlink
from bot.store import people
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BotHarness, ChatUser


async def report_late(client: ChatUser, minutes: str = "30") -> None:
    await client.send("/late")
    await client.send(minutes)


async def notice(bot: BotHarness, w: World, n: int) -> None:
    """What a flow does: store a fact and queue its notices to the workplace and caseworker."""
    async with bot.services.db.transaction():
        await notify.about_internship(
            bot.services, w.internship, lambda t: f"melding {n}", kind="late"
        )


def notices(user: ChatUser) -> list[str]:
    return [t for t in user.texts if t.startswith("melding")]


def late_notices(user: ChatUser) -> list[str]:
    return [t for t in user.texts if "te laat" in t and "Hoeveel" not in t]


async def pending(bot: BotHarness) -> int:
    return int(
        await bot.services.db.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
    )


async def sent_rows(bot: BotHarness) -> int:
    return int(await bot.services.db.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"))


@pytest.mark.parametrize("fault", ["server_error", "timeout", "network"])
async def test_telegram_unreachable_delays_but_delivers_each_once_in_order(
    bot: BotHarness, fault: str
) -> None:
    w = await factories.world(bot)
    bot.fake.fail(fault, times=3)
    for n in range(3):
        await notice(bot, w, n)
    await bot.deliver()
    assert notices(w.employer_chat) == notices(w.caseworker_chat) == []
    assert await pending(bot) == 6

    # The outbox pauses a little longer each time, then tries again.
    for _ in range(10):
        await bot.advance(timedelta(seconds=30))

    assert notices(w.employer_chat) == ["melding 0", "melding 1", "melding 2"]
    assert notices(w.caseworker_chat) == ["melding 0", "melding 1", "melding 2"]
    assert await pending(bot) == 0
    assert await sent_rows(bot) == 6


async def test_a_flood_limit_pauses_the_outbox_for_as_long_as_telegram_asks(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    bot.fake.fail("retry_after", times=1, retry_after=20)
    for n in range(3):
        await notice(bot, w, n)
    await bot.deliver()
    calls = len(bot.fake.calls)

    await bot.advance(timedelta(seconds=19))
    assert len(bot.fake.calls) == calls, "nothing is sent while Telegram asked to wait"
    await bot.advance(timedelta(seconds=1))

    assert notices(w.employer_chat) == ["melding 0", "melding 1", "melding 2"]
    assert notices(w.caseworker_chat) == ["melding 0", "melding 1", "melding 2"]


async def test_an_hour_long_outage_delivers_everything_afterwards_in_order(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    bot.fake.fail("network", times=1_000_000)
    before = len(bot.fake.calls)
    # Notices keep being queued during the outage, every ten minutes for an hour.
    for n in range(6):
        await notice(bot, w, n)
        for _ in range(10):
            await bot.advance(timedelta(minutes=1))
    attempts = len(bot.fake.calls) - before
    assert notices(w.employer_chat) == notices(w.caseworker_chat) == []

    bot.fake.faults.clear()
    await bot.advance(timedelta(minutes=5))

    everything = [f"melding {n}" for n in range(6)]
    assert notices(w.employer_chat) == everything
    assert notices(w.caseworker_chat) == everything
    assert await pending(bot) == 0
    # Backing off: the outage did not mean an attempt every minute for every message.
    assert attempts < 40


async def test_a_recipient_who_blocked_the_bot_is_marked_and_the_caseworker_told(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    bot.fake.blocked_chats.add(w.employer_chat.id)
    await report_late(w.client_chat)

    employer = await people.get(bot.services.db, w.employer.id)
    assert employer is not None and employer.blocked_at is not None
    told = [t for t in w.caseworker_chat.texts if w.employer.name in t]
    assert len(told) == 1
    assert len(late_notices(w.caseworker_chat)) == 1

    # Another report: the caseworker is not told about the block a second time.
    await report_late(w.client_chat, "15")
    assert len([t for t in w.caseworker_chat.texts if w.employer.name in t]) == 1
    assert await pending(bot) == 0

    # The contact unblocks the bot and writes: messages reach them again.
    bot.fake.blocked_chats.clear()
    await w.employer_chat.send("/start")
    employer = await people.get(bot.services.db, w.employer.id)
    assert employer is not None and employer.blocked_at is None


async def test_nothing_queued_reaches_an_account_after_it_was_unlinked(bot: BotHarness) -> None:
    """A lost phone: what was queued during an outage must not reach it afterwards."""
    w = await factories.world(bot)
    client = w.client_chat
    await bot.advance_to(datetime(2026, 12, 1, 7, 0, tzinfo=BRUSSELS))
    seen = len(w.employer_chat.inbox)
    # Telegram fails on the next message to the workplace: the outbox waits a while.
    bot.fake.fail("server_error", chat_id=w.employer_chat.id)
    await client.send("/sick")
    for _ in range(4):  # today, one day, saw a doctor, confirm
        await client.press(client.last.button_labels[0])
    await client.send_photo()  # the flow asks for the certificate right away
    assert len(w.employer_chat.inbox) == seen
    await unlink(bot.services, w.employer, actor_id=w.caseworker.id)
    await bot.advance(timedelta(hours=1))
    assert len(w.employer_chat.inbox) == seen
    statuses = await bot.services.db.fetchall(
        "SELECT status, last_error FROM outbox WHERE recipient_id = ? AND kind IN "
        "('sick', 'certificate')",
        (w.employer.id,),
    )
    assert {(r["status"], r["last_error"]) for r in statuses} == {("failed", "unlinked")}
    # The caseworker still gets the report and the certificate.
    assert [m for m in w.caseworker_chat.inbox if m.method == "sendPhoto"]


async def test_a_refused_message_is_reported_to_the_caseworker(bot: BotHarness) -> None:
    """Telegram refuses a notification for good (400): the caseworker hears of it."""
    w = await factories.world(bot)
    await bot.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=BRUSSELS))
    bot.fake.fail("bad_request", chat_id=w.employer_chat.id)
    await w.client_chat.send("⏰ Ik ben te laat")
    await w.client_chat.press("30 minuten")
    assert "Een bericht voor Mieke Janssens kon niet bezorgd worden" in (
        w.caseworker_chat.last_text
    )
    refused = await bot.services.db.fetchval(
        "SELECT COUNT(*) FROM outbox WHERE recipient_id = ? AND status = 'failed'",
        (w.employer.id,),
    )
    assert refused == 1
