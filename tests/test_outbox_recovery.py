"""A sick report's notifications survive a dead worker and a failing Telegram, exactly once.

The report and its notifications are committed together; the outbox worker sends
them afterwards. Here the bot stops right after the commit (nothing sent yet) and
a new process delivers; and Telegram answers with flood limits, server errors,
timeouts and network errors before it recovers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from telegram import Update

from bot.clock import FakeClock
from bot.config import Settings
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser, SentMessage

SICK = "🤒 Ik ben ziek"


@pytest.fixture
def tuesday(clock: FakeClock) -> FakeClock:
    clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    return clock


@pytest.fixture
async def first(settings: Settings, tuesday: FakeClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(settings, tuesday)
    try:
        yield harness
    finally:
        # Stopping twice is harmless (a test may stop it itself, as a crash would).
        await harness.stop()


def button_update(h: BotHarness, user: ChatUser, data: str, message: SentMessage) -> Update:
    """The update Telegram sends when `user` presses a button with `data` on `message`."""
    query: dict[str, Any] = {
        "id": str(h.next_update_id()),
        "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
        "chat_instance": f"ci{user.id}",
        "data": data,
        "message": message.raw,
    }
    return Update.de_json({"update_id": h.next_update_id(), "callback_query": query}, h.app.bot)


async def up_to_the_summary(chat: ChatUser) -> SentMessage:
    await chat.send(SICK)
    await chat.press("Vandaag")
    await chat.press("2 dagen")
    await chat.press("🩺 Ik ga nog naar de dokter")
    return chat.last


async def confirm_without_sending(h: BotHarness, chat: ChatUser, summary: SentMessage) -> None:
    """Handle "send" like the bot does, but the outbox worker does not get to run."""
    await h.app.process_update(button_update(h, chat, "sick:send", summary))


async def outbox(h: BotHarness) -> list[tuple[str, str, int]]:
    rows = await h.services.db.fetchall("SELECT kind, status, attempts FROM outbox ORDER BY id")
    return [(row["kind"], row["status"], row["attempts"]) for row in rows]


async def test_the_worker_dies_after_the_commit_and_a_restart_delivers_once(
    first: BotHarness, settings: Settings, tuesday: FakeClock
) -> None:
    w = await factories.world(first)
    summary = await up_to_the_summary(w.client_chat)
    await confirm_without_sending(first, w.client_chat, summary)
    assert "Referentie: <b>Z-0001</b>" in w.client_chat.last_text
    assert w.employer_chat.inbox == [] and w.caseworker_chat.inbox == []
    assert await outbox(first) == [("sick", "pending", 0), ("sick", "pending", 0)]
    await first.stop()

    second = await BotHarness.start(settings, tuesday)
    try:
        assert await second.deliver() == 2
        assert await second.deliver() == 0
        for person in (w.employer, w.caseworker):
            assert person.telegram_user_id is not None
            [message] = second.fake.sent_to(person.telegram_user_id)
            assert "Ziekmelding Z-0001" in message.text
        assert await outbox(second) == [("sick", "sent", 1), ("sick", "sent", 1)]
        # Later ticks and restarts find nothing left to send.
        await second.advance(timedelta(minutes=5))
        assert len(second.fake.calls_of("sendMessage")) == 2
    finally:
        await second.stop()


async def test_telegram_failing_then_recovering_delivers_each_once_in_order(
    first: BotHarness,
) -> None:
    h = first
    w = await factories.world(h)
    summary = await up_to_the_summary(w.client_chat)
    await confirm_without_sending(h, w.client_chat, summary)
    for kind in ("retry_after", "server_error", "timeout", "network", "server_error"):
        h.fake.fail(kind)
    assert await h.deliver() == 0
    for _ in range(30):
        await h.advance(timedelta(seconds=20))
    rows = await outbox(h)
    assert [(kind, status) for kind, status, _ in rows] == [("sick", "sent"), ("sick", "sent")]
    # Five failed attempts and two good ones: every failure was retried, nothing sent twice.
    assert sum(attempts for _, _, attempts in rows) == 7
    for chat in (w.employer_chat, w.caseworker_chat):
        assert [m.text.splitlines()[0] for m in chat.inbox] == ["🤒 <b>Ziekmelding Z-0001</b>"]

    # The certificate (a photo by file id) is retried the same way, then sent once each.
    h.fake.fail("server_error", method="sendPhoto", times=3)
    await w.client_chat.send_photo()
    for _ in range(10):
        await h.advance(timedelta(seconds=20))
    for chat in (w.employer_chat, w.caseworker_chat):
        assert [m.method for m in chat.inbox] == ["sendMessage", "sendPhoto"]
    assert [kind for kind, status, _ in await outbox(h) if status == "sent"] == [
        "sick",
        "sick",
        "certificate",
        "certificate",
    ]


async def test_a_workplace_contact_who_blocked_the_bot(first: BotHarness) -> None:
    h = first
    w = await factories.world(h)
    assert w.employer.telegram_user_id is not None
    h.fake.blocked_chats.add(w.employer.telegram_user_id)
    summary = await up_to_the_summary(w.client_chat)
    await w.client_chat.press_data("sick:send", summary)
    caseworker = w.caseworker_chat.texts
    assert any("Ziekmelding Z-0001" in text for text in caseworker)
    assert any("Mieke Janssens heeft de bot geblokkeerd" in text for text in caseworker)
    assert [(kind, status) for kind, status, _ in await outbox(h)] == [
        ("sick", "failed"),
        ("sick", "sent"),
        ("blocked", "sent"),
    ]
