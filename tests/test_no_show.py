"""Trainee did not come: the employer reports it, the caseworker and the client hear it."""

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

NO_SHOW = "🚫 Stagiair niet gekomen"
CANCEL = "✖️ Stoppen"
YES = "✅ Ja, melden"
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=BRUSSELS)


async def test_report_a_trainee_who_did_not_come(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(MONDAY)
    employer = w.employer_chat

    await employer.send(NO_SHOW)
    assert (
        employer.last_text == "🚫 Is Samir El Amrani vandaag niet gekomen, zonder u te verwittigen?"
    )
    assert employer.last.button_labels == [YES, CANCEL]
    replies = await employer.press(YES)
    assert replies[-1].text == (
        "✅ Bedankt. We hebben het gezegd aan de deskundige werkervaring en Samir El Amrani "
        "gevraagd om contact met u op te nemen."
    )
    assert NO_SHOW in employer.keyboard

    assert "<b>Samir El Amrani is vandaag niet gekomen</b>" in w.caseworker_chat.last_text
    assert "Kringwinkel Zuid, maandag 30 november 2026. Gemeld door Mieke Janssens." in (
        w.caseworker_chat.last_text
    )
    client_text = w.client_chat.last_text
    assert "Je werkplek zegt dat je vandaag niet gekomen bent" in client_text
    assert "Bel nu naar je werkplek." in client_text
    assert "Ben je ziek? Druk dan op “🤒 Ik ben ziek”." in client_text
    stored = await absences.for_internship(bot.services.db, w.internship.id)
    assert [(a.kind, a.day.isoformat(), a.reported_by) for a in stored] == [
        (AbsenceKind.NO_SHOW, "2026-11-30", w.employer.id)
    ]

    await employer.send(NO_SHOW)
    await employer.press(YES)
    assert employer.last_text == "U hebt dit vandaag al gemeld. Bedankt."
    assert len(await absences.for_internship(bot.services.db, w.internship.id)) == 1


async def test_what_the_client_reported_is_shown_first(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(MONDAY)
    await w.client_chat.send("⏰ Ik ben te laat")
    await w.client_chat.press("1 uur")
    await w.employer_chat.send(NO_SHOW)
    assert w.employer_chat.last_text.splitlines()[0] == (
        "ℹ️ Samir El Amrani meldde vandaag ongeveer 1 uur te laat te komen."
    )


async def test_a_sick_report_for_today_is_shown_first(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(datetime(2026, 11, 30, 7, 0, tzinfo=BRUSSELS))
    client = w.client_chat
    await client.send("🤒 Ik ben ziek")
    for _ in range(4):  # today, one day, doctor, confirm
        await client.press(client.last.button_labels[0])
    await bot.advance_to(MONDAY)
    await w.employer_chat.send(NO_SHOW)
    first = w.employer_chat.last_text.splitlines()[0]
    assert first == "🤒 Samir El Amrani heeft zich voor vandaag ziek gemeld (ziekmelding Z-0001)."


async def test_choose_among_several_trainees(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other, other_chat = await factories.person(bot, Role.CLIENT, "Olena Koval")
    second = await factories.internship(bot, other, w.workplace, w.caseworker, w.employer)
    await bot.advance_to(MONDAY)
    await w.employer_chat.send(NO_SHOW)
    assert w.employer_chat.last_text == "🚫 Wie is vandaag niet gekomen?"
    assert w.employer_chat.last.button_labels == ["Samir El Amrani", "Olena Koval", CANCEL]
    await w.employer_chat.press("Olena Koval")
    await w.employer_chat.press(YES)
    assert "Je werkplek zegt dat je vandaag niet gekomen bent" in other_chat.last_text
    assert not any("niet gekomen" in text for text in w.client_chat.texts)
    assert [a.client_id for a in await absences.for_internship(bot.services.db, second.id)] == [
        other.id
    ]


async def test_before_the_start_there_is_nobody(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.employer_chat.send(NO_SHOW)
    assert w.employer_chat.last_text == "Er is nog geen stagiair gestart in uw werkplek."


@pytest.mark.parametrize("several", [False, True])
async def test_cancel_at_every_step(bot: BotHarness, several: bool) -> None:
    w = await factories.world(bot)
    if several:
        other, _ = await factories.person(bot, Role.CLIENT, "Olena Koval")
        await factories.internship(bot, other, w.workplace, w.caseworker, w.employer)
    await bot.advance_to(MONDAY)
    seen = len(w.caseworker_chat.inbox)
    await w.employer_chat.send(NO_SHOW)
    replies = await w.employer_chat.press(CANCEL)
    assert replies[-1].text == "Gestopt. Er werd niets verstuurd."
    assert len(w.caseworker_chat.inbox) == seen
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_slash_cancel_and_another_menu_button(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(MONDAY)
    await w.employer_chat.send(NO_SHOW)
    await w.employer_chat.send("/cancel")
    assert w.employer_chat.last_text == "Gestopt. Er werd niets verstuurd."
    await w.employer_chat.send(NO_SHOW)
    await w.employer_chat.send("⏱ Stage-uren")
    assert "Is Samir El Amrani vandaag niet gekomen" not in w.employer_chat.last_text
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_only_employer_contacts_of_that_workplace(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(MONDAY)
    not_for_you = bot.services.i18n.translator("nl").plain(NOT_FOR_YOU)
    await w.client_chat.send("/noshow")
    assert w.client_chat.last_text == not_for_you

    elsewhere = await factories.workplace(bot, name="Sociaal Restaurant Noord")
    _, stranger = await factories.person(bot, Role.EMPLOYER, "Jan Stranger", workplace=elsewhere)
    await stranger.send("/start")
    # A button of the flow, outside the flow: expired, nothing happens.
    await stranger.press_data(f"noshow:yes:{w.internship.id}")
    assert "verlopen" in bot.fake.calls_of("answerCallbackQuery")[-1].params["text"]
    # Inside the flow for their own trainees, forged buttons for ours are refused.
    for name in ("Olena Koval", "Ivan Petrenko"):
        own, _ = await factories.person(bot, Role.CLIENT, name)
        await factories.internship(bot, own, elsewhere, w.caseworker, start=MONDAY.date())
    await stranger.send(NO_SHOW)
    assert stranger.last.button_labels == ["Olena Koval", "Ivan Petrenko", CANCEL]
    await stranger.press_data(f"noshow:pick:{w.internship.id}")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == not_for_you
    await stranger.send(NO_SHOW)
    await stranger.press("Olena Koval")
    await stranger.press_data(f"noshow:yes:{w.internship.id}")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == not_for_you
    assert await absences.for_internship(bot.services.db, w.internship.id) == []
    assert not any("niet gekomen" in text for text in w.client_chat.texts)
