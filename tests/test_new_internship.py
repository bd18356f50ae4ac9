"""A caseworker creates an internship in the chat and gets the invite links."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.store import audit, internships, invites, people, reminders, workplaces
from bot.store.models import Role, WorkplaceKind
from tests import factories
from tests.harness import BOT_USERNAME, BotHarness

LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)")


async def test_the_whole_flow_creates_the_internship_and_gives_both_invites(
    bot: BotHarness,
) -> None:
    caseworker, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await an.send("/start")
    await an.press("➕ Nieuwe stage")
    assert "volledige naam van de klant" in an.last_text
    await an.send("Samir El Amrani")
    await an.press("العربية")
    assert "Kies de werkplek" in an.last_text or "voeg een nieuwe toe" in an.last_text
    await an.press("➕ Nieuwe werkplek")
    await an.send("Kringwinkel Noord")
    await an.send("x")
    assert "adres" in an.last_text
    await an.send("Noorderlaan 12, 2030 Antwerpen")
    await an.press("Sociaal (non-profit)")
    await an.press("➕ Nieuwe contactpersoon")
    await an.send("Mieke Janssens")
    assert "telefoonnummer van Mieke Janssens" in an.last_text
    # Seven digits after the 0470: no phone number, refused with an example.
    await an.send("0470 12 34")
    assert an.last_text == (
        "Dat is geen telefoonnummer. Typ het zo: 0470 12 34 56 of 03 123 45 67 (of met +32)."
    )
    await an.send("03 123 45 67")
    assert "weekdagen" in an.last_text
    await an.press("✅ vrijdag")
    await an.press("Klaar ✔️")
    await an.send("9u tot 17u")
    # A day over six hours: the usual half hour first, any other picked or typed.
    assert "onbetaalde pauze" in an.last_text
    assert an.last.button_labels[0] == "✅ 30 minuten (gebruikelijk)"
    await an.send("500")
    assert "De pauze is een aantal minuten van 0 tot 180." in an.last_text
    await an.send("45")
    assert "eerste stagedag" in an.last_text
    await an.send("31/11/2026")
    assert "begrijp deze datum niet" in an.last_text
    await an.send("28/11/2026")
    assert "geen werkdag" in an.last_text
    await an.send("30.11")
    await an.press("9 werkdagen")
    await an.send("Receptie aan de hoofdingang")
    await an.press("Mieke Janssens")
    await an.send("Identiteitskaart, veiligheidsschoenen")
    await an.send("Dinsdag 13:00-15:30")
    summary = an.last_text
    assert "Samir El Amrani" in summary
    assert "Kringwinkel Noord" in summary
    assert "ma, di, wo, do" in summary
    assert "<b>Pauze:</b> 45 minuten per dag, telt niet mee in de uren" in summary
    assert "maandag 30 november 2026" in summary
    assert "Dinsdag 13:00-15:30" in summary
    assert "Mieke Janssens, +32 3 123 45 67" in summary
    # Four workdays a week: the 9th workday is Monday 14 December, due the Thursday before.
    assert "maandag 14 december 2026" in summary
    assert "donderdag 10 december" in summary

    # Telegram times out once: everything is stored, and what the caseworker is shown
    # goes out when Telegram answers again, every link once.
    bot.fake.fail("timeout", method="sendMessage")
    seen = len(an.inbox)
    await an.press("✅ Aanmaken")
    await bot.advance(timedelta(seconds=2))
    texts = [m.text for m in an.inbox[seen:]]
    assert any("Wat wil je nu doen" in t for t in texts)
    assert any("Stage aangemaakt" in t for t in texts)
    links = [LINK.search(t) for t in texts]
    tokens = [m.group(1) for m in links if m]
    assert len(tokens) == 2
    assert all([await invites.find(bot.services.db, token) for token in tokens])
    client_invite = next(t for t in texts if "Samir El Amrani" in t and LINK.search(t))
    assert "مرحبا" in client_invite or "Samir" in client_invite
    assert "Mieke Janssens" in next(t for t in texts if LINK.search(t) and t != client_invite)
    # In their logical order: created, then the invites, then what next.
    assert "Stage aangemaakt" in texts[0]
    assert "Wat wil je nu doen" in texts[-1]
    assert [bool(LINK.search(t)) for t in texts] == [False, False, True, False, True, False]
    [new_contact] = await people.by_role(bot.services.db, Role.EMPLOYER)
    assert new_contact.phone == "+3231234567"

    db = bot.services.db
    [internship] = await internships.open_for_caseworker(db, caseworker.id)
    assert internship.start_date == date(2026, 11, 30)
    assert internship.schedule.days == frozenset({0, 1, 2, 3})
    assert internship.length_workdays == 9
    assert internship.meeting_point == "Receptie aan de hoofdingang"
    assert internship.first_day_contact == "Mieke Janssens"
    assert internship.dutch_lessons == "Dinsdag 13:00-15:30"
    client = await people.get(db, internship.client_id)
    assert client is not None and client.language == "ar" and client.role == Role.CLIENT
    assert internship.employer_contact_id is not None
    place = await workplaces.get(db, internship.workplace_id)
    assert place is not None and place.address == "Noorderlaan 12, 2030 Antwerpen"
    planned = await reminders.for_subject(
        db, internship.id, bot.services.reminders.internship_kinds
    )
    assert [r for r in planned if r.status == "pending"]
    actions = [e.action for e in await audit.for_subject(db, "internship", internship.id)]
    assert actions == ["internship.created"]

    # The links work: the client and the contact connect.
    samir, mieke = bot.user("Samir", "ar"), bot.user("Mieke")
    await samir.send(f"/start {tokens[0]}")
    await mieke.send(f"/start {tokens[1]}")
    linked = {p.name for p in await people.by_role(db, Role.CLIENT) if p.telegram_user_id}
    assert "Samir El Amrani" in linked
    contact = await people.get(db, internship.employer_contact_id)
    assert contact is not None and contact.telegram_user_id == mieke.id


async def test_existing_workplace_and_contact_are_picked_with_buttons(bot: BotHarness) -> None:
    caseworker, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot, "Kringwinkel Zuid")
    await factories.person(bot, Role.EMPLOYER, "Jan Contact", workplace=place)
    await an.send("/newinternship")
    await an.send("Olena Kovalenko")
    await an.press("Українська")
    await an.press("🏢 Kringwinkel Zuid")
    await an.press("👤 Jan Contact")
    await an.press("Klaar ✔️")
    await an.press("08:30 – 16:30")
    await an.press("✅ 30 minuten (gebruikelijk)")
    await an.press(an.last.button_labels[0])
    await an.send("12")
    await an.press("⏭ Overslaan")
    await an.press("⏭ Overslaan")
    await an.press("⏭ Overslaan")
    await an.press("Geen lessen")
    replies = await an.press("✅ Aanmaken")
    # Only the client needs a link: the contact already has one.
    assert len([m for m in replies if LINK.search(m.text)]) == 1
    [internship] = await internships.open_for_caseworker(bot.services.db, caseworker.id)
    assert internship.workplace_id == place.id
    assert internship.length_workdays == 12
    assert internship.start_date == date(2026, 11, 24)


async def test_a_private_workplace_gets_no_internship(bot: BotHarness) -> None:
    _, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await factories.workplace(bot, "Bakkerij Peeters", kind=WorkplaceKind.PRIVATE)
    await an.send("/newinternship")
    await an.send("Samir El Amrani")
    await an.press("Nederlands")
    await an.press("🏢 Bakkerij Peeters")
    assert any("privé" in t or "non-profit" in t for t in an.texts[-2:])
    assert "➕ Nieuwe werkplek" in an.last.button_labels


async def test_cancel_stores_nothing_and_other_people_cannot_start(bot: BotHarness) -> None:
    _, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await an.send("/newinternship")
    await an.send("Samir El Amrani")
    await an.send("/cancel")
    assert "Gestopt" in an.last_text
    assert await people.by_role(bot.services.db, Role.CLIENT) == []
    _, client = await factories.person(bot, Role.CLIENT, "Samir")
    await client.send("/newinternship")
    assert "niet voor jou" in client.last_text


async def test_another_menu_button_ends_the_flow(bot: BotHarness) -> None:
    _, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await an.send("/newinternship")
    await an.send("Samir El Amrani")
    await an.send("/caseload")
    assert "geen lopende stages" in an.last_text
    await an.send("Olena")
    assert "begreep ik niet" in an.last_text
    await an.send("/newinternship")
    await an.send("Samir El Amrani")
    await an.send("/newinternship")
    assert "volledige naam" in an.last_text
