"""I will be late: how late, and the workplace and the caseworker hear it at once."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.access import NOT_FOR_YOU
from bot.store import absences
from bot.store.absences import AbsenceKind
from bot.store.models import Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness

LATE = "⏰ Ik ben te laat"
CANCEL = "✖️ Stoppen"
MONDAY_MORNING = datetime(2026, 11, 30, 7, 45, tzinfo=BRUSSELS)


async def test_late_by_button_reaches_workplace_and_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(MONDAY_MORNING)
    client = w.client_chat

    await client.send(LATE)
    assert client.last_text == "⏰ Hoeveel te laat ben je?"
    assert client.last.button_labels == [
        "15 minuten",
        "30 minuten",
        "1 uur",
        "⌨️ Iets anders",
        CANCEL,
    ]
    replies = await client.press("30 minuten")

    assert "Bedankt. Je werkplek en je deskundige werkervaring weten het nu." in replies[-1].text
    assert LATE in client.keyboard
    for chat in (w.employer_chat, w.caseworker_chat):
        assert "Samir El Amrani komt vandaag te laat." in chat.last_text
        assert "Ongeveer 30 minuten te laat." in chat.last_text
    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [(a.kind, a.day.isoformat(), a.minutes_late) for a in stored] == [
        (AbsenceKind.LATE, "2026-11-30", 30)
    ]


@pytest.mark.parametrize(
    ("typed", "minutes", "shown"),
    [("45", 45, "45 minuten"), ("1u30", 90, "90 minuten"), ("2:00", 120, "2 uur")],
)
async def test_other_minutes_are_typed(
    bot: BotHarness, typed: str, minutes: int, shown: str
) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send("/late")
    await client.press("⌨️ Iets anders")
    assert "Hoeveel minuten?" in client.last_text
    await client.send("heel laat")
    assert "Typ een aantal minuten" in client.last_text
    await client.send(typed)
    assert f"Ongeveer {shown} te laat." in w.employer_chat.last_text
    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [a.minutes_late for a in stored] == [minutes]


async def test_cancel_at_the_question_sends_nothing(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send(LATE)
    replies = await client.press(CANCEL)
    assert replies[-1].text == "Gestopt. Er werd niets verstuurd."
    assert LATE in client.keyboard
    await client.send(LATE)
    await client.press("⌨️ Iets anders")
    await client.send("/cancel")
    assert client.last_text == "Gestopt. Er werd niets verstuurd."
    assert await absences.for_internship(bot.services.db, w.internship.id) == []
    assert w.employer_chat.inbox == []


async def test_another_menu_button_leaves_the_flow(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send(LATE)
    await client.press("⌨️ Iets anders")
    await client.send("📅 Afwezig / afspraak")
    assert client.last_text == "📅 Wat voor afspraak is het?"
    await client.send("45")
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_only_clients_with_an_internship(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.employer_chat.send("/late")
    assert w.employer_chat.last_text == bot.services.i18n.translator("nl").plain(NOT_FOR_YOU)
    _, lonely = await factories.person(bot, Role.CLIENT, "Olena Koval")
    await lonely.send(LATE)
    assert "Je hebt nu geen stage" in lonely.last_text
