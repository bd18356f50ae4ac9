"""A workplace nobody of which uses the bot yet: reports are still reports during the
internship, the client and the caseworker hear the truth, and a contact who links later
gets what is still open, once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.actions import people as people_actions
from bot.actions.people import Invitation
from bot.store import people
from bot.store.models import Internship, Person, Role, Workplace
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BOT_USERNAME, BotHarness, ChatUser, SentMessage
from tests.test_appointment import APPROVE, ask
from tests.test_sick_report import report

LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)")
NOT_REACHED = "⚠️ <b>Kringwinkel Zuid is NIET bereikt</b>: niemand daar gebruikt de bot al."
WAITING = "Je werkplek gebruikt deze bot nog niet. Ze weten het dus nog niet."
CALL_MIEKE = "Bel nu naar je werkplek: Mieke Janssens, +32 470 12 34 56."


@dataclass
class Unlinked:
    caseworker: Person
    an: ChatUser
    mieke: Invitation
    place: Workplace
    internship: Internship
    samir: ChatUser


async def unlinked(bot: BotHarness, internship_contact: bool = True) -> Unlinked:
    """A workplace whose contact Mieke (with a phone number) has an invite, not opened yet."""
    caseworker, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await an.send("/start")
    place = await factories.workplace(bot)
    mieke = await people_actions.invite_person(
        bot.services,
        people_actions.COMMAND_LINE,
        Role.EMPLOYER,
        "Mieke Janssens",
        workplace_id=place.id,
        phone="0470 12 34 56",
    )
    client, samir = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    internship = await factories.internship(
        bot, client, place, caseworker, mieke.person if internship_contact else None
    )
    return Unlinked(caseworker, an, mieke, place, internship, samir)


def at(bot: BotHarness, day: int, hour: int, minute: int = 0) -> None:
    bot.clock.set(datetime(2026, 12, day, hour, minute, tzinfo=BRUSSELS))


def about(chat: ChatUser, needle: str) -> list[SentMessage]:
    return [m for m in chat.inbox if needle in m.text]


async def link(bot: BotHarness, name: str, token: str) -> ChatUser:
    chat = bot.user(name)
    await chat.send(f"/start {token}")
    return chat


async def test_a_sick_report_says_the_workplace_does_not_use_the_bot(bot: BotHarness) -> None:
    u = await unlinked(bot)
    at(bot, 1, 7, 30)
    await report(u.samir)
    receipt = u.samir.last_text
    assert "Referentie: <b>Z-0001</b>" in receipt
    assert f"Je deskundige werkervaring weet het nu.\n{WAITING}\n{CALL_MIEKE}" in receipt
    assert "niet tijdens je stage" not in receipt

    notice = u.an.last
    assert notice.text.startswith(NOT_REACHED + "\n📞 Bel Mieke Janssens: +32 470 12 34 56\n\n")
    assert "Ziekmelding Z-0001" in notice.text
    assert "Niet tijdens de stage" not in notice.text
    assert notice.button_labels[:2] == ["✉️ Nieuwe uitnodiging voor Mieke Janssens", "📂 Openen"]


async def test_late_and_an_accident_say_it_to_both(bot: BotHarness) -> None:
    u = await unlinked(bot)
    at(bot, 1, 8, 0)
    await u.samir.send("/late")
    await u.samir.press_data("late:15")
    assert WAITING in u.samir.last_text and CALL_MIEKE in u.samir.last_text
    assert u.an.last_text.startswith(NOT_REACHED)
    assert "te laat" in u.an.last_text

    await u.samir.send("/accident")
    await u.samir.press_data("acc:now")
    await u.samir.send("Gesneden aan een glasscherf")
    assert WAITING in u.samir.last_text
    assert u.an.last_text.startswith(NOT_REACHED)
    assert "Gesneden aan een glasscherf" in u.an.last_text


async def test_the_contact_who_links_later_gets_what_is_still_open_once(bot: BotHarness) -> None:
    """The workplace has two contacts, neither linked, and the internship names none."""
    u = await unlinked(bot, internship_contact=False)
    jan = await people_actions.invite_person(
        bot.services,
        people_actions.COMMAND_LINE,
        Role.EMPLOYER,
        "Jan Claes",
        workplace_id=u.internship.workplace_id,
    )
    olena, olena_chat = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    await factories.internship(bot, olena, u.place, u.caseworker)

    # Monday 23 November: Olena asks for Tuesday 1 December off. Nobody at the workplace can
    # answer: the caseworker decides, and the workplace will see it.
    await ask(olena_chat)
    assert "Je deskundige werkervaring antwoordt hier." in olena_chat.last_text
    assert CALL_MIEKE in olena_chat.last_text
    request = u.an.last
    assert request.text.startswith(
        NOT_REACHED + "\n📞 Er is geen telefoonnummer van Jan Claes bekend."
        "\n📞 Bel Mieke Janssens: +32 470 12 34 56\n\n"
    )
    assert request.button_labels[:4] == [
        "✅ Goedkeuren",
        "❌ Weigeren",
        "✉️ Nieuwe uitnodiging voor Jan Claes",
        "✉️ Nieuwe uitnodiging voor Mieke Janssens",
    ]

    # Tuesday 1 December: Samir is sick and sends his certificate.
    at(bot, 1, 7, 30)
    await report(u.samir)
    await u.samir.send_photo()
    assert (
        u.samir.last_text == "📄 Bedankt! Je attest werd naar je deskundige werkervaring gestuurd."
    )

    # The caseworker sends Mieke a new invite from the notification; she opens it.
    await u.an.press("✉️ Nieuwe uitnodiging voor Mieke Janssens")
    assert u.an.texts[-2] == (
        "Een nieuwe uitnodiging voor Mieke Janssens. Stuur het volgende bericht naar hem of "
        "haar door:"
    )
    match = LINK.search(u.an.last_text)
    assert match is not None
    # Her first link stopped working.
    refused = await link(bot, "Mieke", u.mieke.token)
    assert not about(refused, "Ziekmelding")
    mieke = await link(bot, "Mieke", match.group(1))
    assert len(about(mieke, "Toen u de bot nog niet gebruikte")) == 1
    [sick] = about(mieke, "🤒 <b>Ziekmelding Z-0001</b>")
    assert "Samir El Amrani is ziek" in sick.text
    [certificate] = [m for m in mieke.inbox if m.method == "sendPhoto"]
    assert "Medisch attest</b> van Samir El Amrani" in certificate.text
    [asked] = about(mieke, "Aanvraag van Olena Kovalenko")
    assert asked.button_labels == ["✅ Goedkeuren", "❌ Weigeren"]
    await mieke.press(APPROVE)
    assert "Je werkplek zegt ja" in olena_chat.last_text

    # Jan links too: he gets his own copy of what is still open; Mieke gets nothing again.
    seen_by_mieke = len(mieke.inbox)
    jan_chat = await link(bot, "Jan", jan.token)
    assert len(about(jan_chat, "🤒 <b>Ziekmelding Z-0001</b>")) == 1
    assert len([m for m in jan_chat.inbox if m.method == "sendPhoto"]) == 1
    # The request was decided meanwhile: nothing left to decide.
    assert not about(jan_chat, "Aanvraag van Olena Kovalenko")
    assert len(mieke.inbox) == seen_by_mieke

    # A lost phone: Mieke links a new account later; nothing is repeated.
    await people_actions.revoke_link(bot.services, people_actions.COMMAND_LINE, u.mieke.person.id)
    renewed = await people_actions.new_invite(
        bot.services, people_actions.COMMAND_LINE, u.mieke.person.id
    )
    new_phone = await link(bot, "Mieke", renewed.token)
    assert not about(new_phone, "Ziekmelding")
    assert not about(new_phone, "Toen u de bot nog niet gebruikte")


async def test_the_evaluation_reminder_due_reaches_a_contact_who_links_late(
    bot: BotHarness,
) -> None:
    u = await unlinked(bot)
    # The heads-up (Wednesday 9 December, 14:00) found nobody at the workplace.
    await bot.advance_to(datetime(2026, 12, 9, 14, 0, tzinfo=BRUSSELS))
    await bot.advance_to(datetime(2026, 12, 9, 15, 0, tzinfo=BRUSSELS))
    # (Her first invite has expired by now.)
    renewed = await people_actions.new_invite(
        bot.services, people_actions.COMMAND_LINE, u.mieke.person.id
    )
    mieke = await link(bot, "Mieke", renewed.token)
    [reminder] = about(mieke, "Samir El Amrani")
    assert reminder.text.startswith("⏰")
    assert len(reminder.button_labels) == 2
    # Once: the heads-up itself is not sent again, nor the catch-up.
    await bot.advance_to(datetime(2026, 12, 9, 16, 0, tzinfo=BRUSSELS))
    assert len(about(mieke, "Samir El Amrani")) == 1


async def test_nobody_reached_the_client_gets_both_numbers(bot: BotHarness) -> None:
    """Neither the caseworker nor the workplace uses the bot yet."""
    u = await unlinked(bot)
    await people.unlink_telegram(bot.services.db, u.caseworker.id)
    await people.set_phone(bot.services.db, u.caseworker.id, "+3231234567")
    at(bot, 1, 7, 30)
    await report(u.samir)
    receipt = u.samir.last_text
    assert (
        "We konden je deskundige werkervaring niet bereiken via deze bot. "
        "Bel je deskundige werkervaring An Peeters: +32 3 123 45 67.\n"
        f"{WAITING}\n{CALL_MIEKE}"
    ) in receipt
