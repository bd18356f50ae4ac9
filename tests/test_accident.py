"""A work accident: what to do now, then when and what; urgent for workplace and caseworker."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.access import NOT_FOR_YOU
from bot.store import absences, people
from bot.store.absences import AbsenceKind
from bot.store.models import Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser

ACCIDENT = "🚑 Ongeval op het werk"
CANCEL = "✖️ Stoppen"
TUESDAY_MORNING = datetime(2026, 12, 1, 10, 40, tzinfo=BRUSSELS)


async def test_accident_just_now_with_a_description(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    client = w.client_chat

    replies = await client.send(ACCIDENT)
    advice, question = replies[0].text, replies[-1].text
    assert "Een ongeval op het werk? Doe nu dit:" in advice
    assert "1. Zeg het meteen aan je baas." in advice
    assert "of ga naar een dokter" in advice
    assert "3. Bewaar alle papieren" in advice
    assert question == "Wanneer is het gebeurd?"
    assert replies[-1].button_labels == [
        "Net nu",
        "Eerder vandaag",
        "Gisteren",
        "📅 Een andere dag",
        CANCEL,
    ]
    await client.press("Net nu")
    assert "Wat is er gebeurd?" in client.last_text
    replies = await client.send("Gesneden aan een glasscherf in het magazijn")
    assert "Je werkplek en je deskundige werkervaring weten het nu." in replies[-1].text
    assert ACCIDENT in client.keyboard

    for chat in (w.employer_chat, w.caseworker_chat):
        text = chat.last_text
        assert "🚨 <b>DRINGEND: ongeval op het werk</b>" in text
        assert (
            "Samir El Amrani had een ongeval op het werk op dinsdag 1 december 2026 om 10:40."
            in (text)
        )
        assert "Wat er gebeurde: Gesneden aan een glasscherf in het magazijn" in text
    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [(a.kind, a.day.isoformat(), a.accident_time) for a in stored] == [
        (AbsenceKind.ACCIDENT, "2026-12-01", time(10, 40))
    ]
    assert stored[0].remark == "Gesneden aan een glasscherf in het magazijn"


async def test_accident_yesterday_with_a_voice_message(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    client = w.client_chat
    await client.send(ACCIDENT)
    await client.press("Gisteren")
    assert "Ongeveer hoe laat?" in client.last_text
    await client.send("om drie uur")
    assert client.last_text == "Typ het uur zo: 10:30"
    await client.send("15u15")
    await client.send_voice()

    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [(a.day.isoformat(), a.accident_time) for a in stored] == [("2026-11-30", time(15, 15))]
    assert stored[0].remark is None and stored[0].remark_voice_file_id is not None
    voices = bot.fake.calls_of("sendVoice")
    assert {int(c.params["chat_id"]) for c in voices} == {w.employer_chat.id, w.caseworker_chat.id}
    assert {c.params["voice"] for c in voices} == {stored[0].remark_voice_file_id}
    assert "zie het spraakbericht hieronder" in w.employer_chat.inbox[-2].text
    assert "Spraakbericht van Samir El Amrani over het ongeval" in w.employer_chat.last_text


async def test_accident_on_another_day(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    client = w.client_chat
    await client.send(ACCIDENT)
    await client.press("📅 Een andere dag")
    await client.send("5/12/2026")
    assert "Die dag is nog niet geweest." in client.last_text
    await client.send("5/12")
    # Without a year: the last 5 December, a year ago.
    assert "Dat is te lang geleden." in client.last_text
    await client.send("28/11")
    await client.send("9:05")
    await client.send("Gevallen op de trap")
    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [(a.day.isoformat(), a.accident_time) for a in stored] == [("2026-11-28", time(9, 5))]


async def test_a_time_later_today_is_refused(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    client = w.client_chat
    await client.send(ACCIDENT)
    await client.press("Eerder vandaag")
    await client.send("14:00")
    assert "Dat uur is nog niet geweest." in client.last_text
    await client.send("8u45")
    assert "Wat is er gebeurd?" in client.last_text


async def walk_to(client: ChatUser, step: str) -> None:
    await client.send(ACCIDENT)
    if step == "when":
        return
    if step == "day":
        await client.press("📅 Een andere dag")
        return
    await client.press("Eerder vandaag")
    if step == "time":
        return
    await client.send("9:00")


@pytest.mark.parametrize("step", ["when", "day", "time", "what"])
async def test_cancel_at_every_step(bot: BotHarness, step: str) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    client = w.client_chat
    seen = len(w.employer_chat.inbox)
    await walk_to(client, step)
    replies = await client.press(CANCEL)
    assert replies[-1].text == "Gestopt. Er werd niets verstuurd."
    assert ACCIDENT in client.keyboard
    await client.send("Gevallen")
    assert await absences.for_internship(bot.services.db, w.internship.id) == []
    assert len(w.employer_chat.inbox) == seen


async def test_slash_cancel(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    await walk_to(w.client_chat, "what")
    await w.client_chat.send("/cancel")
    assert w.client_chat.last_text == "Gestopt. Er werd niets verstuurd."
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_another_menu_button_leaves_the_flow(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    await walk_to(w.client_chat, "what")
    await w.client_chat.send("⏰ Ik ben te laat")
    assert w.client_chat.last_text == "⏰ Hoeveel te laat ben je?"
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_without_an_internship_the_advice_still_comes(bot: BotHarness) -> None:
    _, client = await factories.person(bot, Role.CLIENT, "Olena Koval")
    replies = await client.send(ACCIDENT)
    assert "Doe nu dit:" in replies[0].text
    assert "Je hebt nu geen stage" in replies[-1].text


async def test_not_for_employers(bot: BotHarness) -> None:
    w = await factories.world(bot)
    replies = await w.employer_chat.send("/accident")
    assert [m.text for m in replies] == [bot.services.i18n.translator("nl").plain(NOT_FOR_YOU)]


async def test_each_person_reads_it_in_their_own_language(bot: BotHarness) -> None:
    w = await factories.world(bot, client_language="tr")
    await bot.advance_to(TUESDAY_MORNING)
    client = w.client_chat
    replies = await client.send("🚑 İş kazası · Ongeval op het werk")
    assert "1. Hemen amirinize söyleyin." in replies[0].text
    await client.press("Az önce")
    await client.send("Elimi kestim")
    assert "İş yeriniz ve sosyal danışmanınız artık biliyor." in client.last_text
    assert "DRINGEND: ongeval op het werk" in w.employer_chat.last_text
    assert "Wat er gebeurde: Elimi kestim" in w.employer_chat.last_text


async def test_the_client_is_not_told_we_told_them_when_nobody_was_reached(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    for person in (w.employer, w.caseworker):
        await people.unlink_telegram(bot.services.db, person.id)
    await w.client_chat.send(ACCIDENT)
    await w.client_chat.press("Net nu")
    replies = await w.client_chat.send("Gevallen")
    assert "niet bereiken" in replies[-1].text
    assert "Bel je deskundige werkervaring" in replies[-1].text
    assert "weten het nu" not in replies[-1].text
    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [a.kind for a in stored] == [AbsenceKind.ACCIDENT]
