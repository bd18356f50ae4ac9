"""Appointments: the client asks, the workplace approves or declines, a proof follows."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.access import NOT_FOR_YOU
from bot.store import absences
from bot.store.absences import Absence, AbsenceStatus, Category
from bot.store.models import Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser

ABSENCE = "📅 Afwezig / afspraak"
CANCEL = "✖️ Stoppen"
DOCTOR = "🩺 Dokter of ziekenhuis"
TUESDAY = "di 1 dec"
MORNING = "Voormiddag · 08:30–12:00"
APPROVE = "✅ Goedkeuren"
DECLINE = "❌ Weigeren"


async def ask(
    client: ChatUser,
    kind: str = DOCTOR,
    day: str = TUESDAY,
    span: str = MORNING,
    remark: str | None = None,
) -> None:
    """The client's whole request, by buttons."""
    await client.send(ABSENCE)
    await client.press(kind)
    await client.press(day)
    await client.press(span)
    if remark is None:
        await client.press("➡️ Geen bericht")
    else:
        await client.send(remark)
    await client.press("✅ Versturen")


async def only_absence(bot: BotHarness, internship_id: int) -> Absence:
    stored = await absences.for_internship(bot.services.db, internship_id)
    assert len(stored) == 1
    return stored[0]


def not_for_you(bot: BotHarness) -> str:
    return bot.services.i18n.translator("nl").plain(NOT_FOR_YOU)


def last_alert(bot: BotHarness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].params.get("text", ""))


async def test_request_by_buttons_and_approval(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat

    await client.send(ABSENCE)
    assert client.last_text == "📅 Wat voor afspraak is het?"
    assert client.last.button_labels == [
        DOCTOR,
        "🏛 OCMW of sociaal centrum",
        "📚 Les Nederlands",
        "⚖️ Rechtbank of politie",
        "🧒 Kinderopvang of school",
        "📌 Iets anders",
        CANCEL,
    ]
    await client.press(DOCTOR)
    assert client.last_text == "Welke dag?"
    # The internship starts on Monday 30 November: its first workdays are offered.
    assert client.last.button_labels == [
        "ma 30 nov",
        TUESDAY,
        "wo 2 dec",
        "do 3 dec",
        "vr 4 dec",
        "📅 Een andere dag",
        CANCEL,
    ]
    await client.press(TUESDAY)
    assert client.last_text == "🕘 Hoe laat?"
    assert client.last.button_labels == [
        "Hele dag · 08:30–16:30",
        MORNING,
        "Namiddag · 12:00–16:30",
        "🕘 Ander uur",
        CANCEL,
    ]
    await client.press(MORNING)
    assert "Wil je een kort bericht toevoegen?" in client.last_text
    assert "Schrijf niets over je gezondheid." in client.last_text
    await client.send("Afspraak bij de huisarts")
    assert client.last_text.splitlines() == [
        "Je aanvraag:",
        DOCTOR,
        "🗓 dinsdag 1 december 2026",
        "🕘 08:30–12:00",
        "💬 Afspraak bij de huisarts",
        "",
        "Naar je werkplek sturen?",
    ]
    replies = await client.press("✅ Versturen")
    assert "Je werkplek antwoordt hier." in replies[-1].text

    request = w.employer_chat.last
    assert "Aanvraag van Samir El Amrani" in request.text
    assert "dinsdag 1 december 2026" in request.text
    assert "💬 Afspraak bij de huisarts" in request.text
    assert request.button_labels == [APPROVE, DECLINE]
    assert "<b>Samir El Amrani</b> vraagt Kringwinkel Zuid om afwezig te mogen zijn." in (
        w.caseworker_chat.last_text
    )
    assert APPROVE not in w.caseworker_chat.last.button_labels
    absence = await only_absence(bot, w.internship.id)
    assert absence.status == AbsenceStatus.PENDING
    assert (absence.category, absence.start_time, absence.end_time) == (
        Category.DOCTOR,
        time(8, 30),
        time(12, 0),
    )

    replies = await w.employer_chat.press(APPROVE)
    assert replies[-1].text == (
        "✅ Goedgekeurd. We hebben het gezegd aan Samir El Amrani en de deskundige werkervaring."
    )
    assert request.button_labels == []
    assert "Je werkplek zegt ja voor je afspraak." in client.last_text
    assert "Stuur na de afspraak een bewijs" in client.last_text
    assert "Mieke Janssens keurde de aanvraag van Samir El Amrani goed." in (
        w.caseworker_chat.last_text
    )
    absence = await only_absence(bot, w.internship.id)
    assert absence.status == AbsenceStatus.APPROVED
    assert absence.decided_by == w.employer.id

    # The same button again (an old copy of the message): already decided.
    await w.employer_chat.press_data(f"appt:ok:{absence.id}", request)
    assert last_alert(bot) == "Deze aanvraag is al goedgekeurd door Mieke Janssens."


async def test_decline_with_a_reason(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    employer = w.employer_chat
    await employer.press(DECLINE)
    assert "Waarom weiger je?" in employer.last_text
    assert employer.last.button_labels == ["➡️ Geen reden", CANCEL]
    replies = await employer.send("Die dag komt de inspectie")
    assert replies[-1].text == (
        "❌ Geweigerd. We hebben het gezegd aan Samir El Amrani en de deskundige werkervaring."
    )
    client_text = w.client_chat.last_text
    assert "Je werkplek zegt nee voor je afspraak." in client_text
    assert "Reden: Die dag komt de inspectie" in client_text
    assert "Mieke Janssens weigerde de aanvraag van Samir El Amrani." in (
        w.caseworker_chat.last_text
    )
    absence = await only_absence(bot, w.internship.id)
    assert absence.status == AbsenceStatus.DECLINED
    assert absence.decline_reason == "Die dag komt de inspectie"


async def test_decline_without_a_reason(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(DECLINE)
    await w.employer_chat.press("➡️ Geen reden")
    assert "Je werkplek zegt nee" in w.client_chat.last_text
    assert "Reden" not in w.client_chat.last_text
    absence = await only_absence(bot, w.internship.id)
    assert (absence.status, absence.decline_reason) == (AbsenceStatus.DECLINED, None)


async def test_typed_day_and_time_and_a_voice_remark(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send(ABSENCE)
    await client.press("🏛 OCMW of sociaal centrum")
    await client.press("📅 Een andere dag")
    assert "Typ de datum." in client.last_text
    await client.send("morgen")
    assert "Ik begreep die datum niet." in client.last_text
    await client.send("1/11")
    # Without a year, the next 1 November: too far away.
    assert "Die dag is te ver weg." in client.last_text
    await client.send("10-12-2025")
    assert "Die dag is voorbij." in client.last_text
    await client.send("3/12")
    await client.press("🕘 Ander uur")
    await client.send("negen uur")
    assert "Typ het uur zo: 9:00-11:30" in client.last_text
    await client.send("11u30-9u")
    assert "Typ het uur zo" in client.last_text
    await client.send("9u-11u30")
    await client.send_voice()
    assert "🎤 Spraakbericht" in client.last_text
    assert "🕘 09:00–11:30" in client.last_text
    await client.press("✅ Versturen")

    absence = await only_absence(bot, w.internship.id)
    assert absence.day.isoformat() == "2026-12-03"
    assert (absence.start_time, absence.end_time) == (time(9, 0), time(11, 30))
    assert absence.remark is None and absence.remark_voice_file_id is not None
    voices = bot.fake.calls_of("sendVoice")
    assert {int(c.params["chat_id"]) for c in voices} == {w.employer_chat.id, w.caseworker_chat.id}
    assert {c.params["voice"] for c in voices} == {absence.remark_voice_file_id}
    assert "Spraakbericht van Samir El Amrani" in w.employer_chat.last_text
    # The buttons stay on the request itself, above the voice message.
    assert APPROVE in w.employer_chat.inbox[-2].button_labels


async def test_a_long_remark_is_refused(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send(ABSENCE)
    await client.press(DOCTOR)
    await client.press(TUESDAY)
    await client.press(MORNING)
    await client.send("x" * 201)
    assert client.last_text == "Dat is te lang: maximaal 200 tekens, dit zijn er 201."
    await client.press("➡️ Geen bericht")
    assert "Naar je werkplek sturen?" in client.last_text


async def test_unanswered_request_goes_to_the_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    # Monday 23 November, 07:00.
    await ask(w.client_chat)
    caseworker = w.caseworker_chat
    seen = len(caseworker.inbox)
    await bot.advance_to(datetime(2026, 11, 24, 6, 59, tzinfo=BRUSSELS))
    assert len(caseworker.inbox) == seen
    await bot.advance_to(datetime(2026, 11, 24, 7, 0, tzinfo=BRUSSELS))
    escalation = caseworker.last
    assert "Kringwinkel Zuid heeft nog niet geantwoord" in escalation.text
    assert "Neem contact op met de werkplek, of beslis hier." in escalation.text
    assert escalation.button_labels[:2] == [APPROVE, DECLINE]
    absence = await only_absence(bot, w.internship.id)
    assert absence.escalated_at is not None

    replies = await caseworker.press(APPROVE)
    assert replies[-1].text == (
        "✅ Goedgekeurd. We hebben het gezegd aan Samir El Amrani en de werkplek."
    )
    assert "Je werkplek zegt ja" in w.client_chat.last_text
    assert "An Peeters keurde de aanvraag van Samir El Amrani goed." in w.employer_chat.last_text
    # The employer's own buttons now say it was decided.
    await w.employer_chat.press(APPROVE)
    assert last_alert(bot) == "Deze aanvraag is al goedgekeurd door An Peeters."


async def test_an_answered_request_is_not_escalated(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    seen = len(w.caseworker_chat.inbox)
    await bot.advance_to(datetime(2026, 11, 24, 8, 0, tzinfo=BRUSSELS))
    assert not any("nog niet geantwoord" in m.text for m in w.caseworker_chat.inbox[seen:])


async def test_without_a_contact_on_telegram_the_caseworker_decides_at_once(
    bot: BotHarness,
) -> None:
    caseworker, caseworker_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    client, client_chat = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    internship = await factories.internship(bot, client, place, caseworker)
    await ask(client_chat)
    assert "Niemand van de werkplek kan in de bot antwoorden." in caseworker_chat.last_text
    assert caseworker_chat.last.button_labels[:2] == [APPROVE, DECLINE]
    await caseworker_chat.press(DECLINE)
    await caseworker_chat.press("➡️ Geen reden")
    assert "Je werkplek zegt nee" in client_chat.last_text
    absence = await only_absence(bot, internship.id)
    assert absence.status == AbsenceStatus.DECLINED


async def test_proof_reminder_and_upload(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    client = w.client_chat
    # The appointment is on Tuesday 1 December; the next workday is Wednesday.
    await bot.advance_to(datetime(2026, 12, 2, 7, 59, tzinfo=BRUSSELS))
    assert not any("Je had een afspraak" in text for text in client.texts)
    await bot.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=BRUSSELS))
    reminder = client.last
    assert reminder.text.splitlines() == [
        "📎 Je had een afspraak op dinsdag 1 december 2026.",
        "Stuur een bewijs: een foto of een pdf.",
    ]
    assert reminder.button_labels == ["📎 Bewijs sturen"]

    await client.press("📎 Bewijs sturen")
    assert "Stuur nu een foto of een pdf van je bewijs." in client.last_text
    await client.send("ik heb het op papier")
    assert client.last_text == "Stuur een foto of een pdf."
    replies = await client.send_photo()
    assert [m.text for m in replies] == [
        "✅ Bedankt! We stuurden je bewijs naar je werkplek en je deskundige werkervaring."
    ]
    absence = await only_absence(bot, w.internship.id)
    assert absence.proof_method == "sendPhoto" and absence.proof_file_id is not None
    photos = bot.fake.calls_of("sendPhoto")
    assert {int(c.params["chat_id"]) for c in photos} == {w.employer_chat.id, w.caseworker_chat.id}
    assert {c.params["photo"] for c in photos} == {absence.proof_file_id}
    assert "Bewijs van de afspraak van Samir El Amrani op dinsdag 1 december 2026." in (
        w.employer_chat.last_text
    )

    # The reminder's button again: the proof is already there.
    await client.press_data(f"appt:proof:{absence.id}", reminder)
    assert client.last_text == "We hebben je bewijs al. Bedankt!"


async def test_a_proof_sent_earlier_cancels_the_reminder(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    await bot.advance_to(datetime(2026, 12, 1, 15, 0, tzinfo=BRUSSELS))
    client = w.client_chat
    await client.send_document(file_name="bewijs.pdf")
    assert client.last_text == "Is dit het bewijs van je afspraak op dinsdag 1 december 2026?"
    await client.press("✅ Ja, versturen")
    assert "We stuurden je bewijs" in client.last_text
    absence = await only_absence(bot, w.internship.id)
    assert absence.proof_method == "sendDocument"
    documents = bot.fake.calls_of("sendDocument")
    assert {int(c.params["chat_id"]) for c in documents} == {
        w.employer_chat.id,
        w.caseworker_chat.id,
    }
    await bot.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS))
    assert not any("Je had een afspraak" in text for text in client.texts)


async def test_an_offered_file_that_is_not_the_proof(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    await bot.advance_to(datetime(2026, 12, 1, 15, 0, tzinfo=BRUSSELS))
    client = w.client_chat
    await client.send_photo()
    await client.press("Nee")
    assert client.last_text == "Oké. Ik heb het niet verstuurd."
    absence = await only_absence(bot, w.internship.id)
    assert absence.proof_file_id is None
    assert bot.fake.calls_of("sendPhoto") == []


async def test_a_file_before_the_appointment_is_not_taken_as_proof(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    # Monday 30 November: the appointment (Tuesday) has not happened yet.
    await bot.advance_to(datetime(2026, 11, 30, 15, 0, tzinfo=BRUSSELS))
    await w.client_chat.send_photo()
    assert "bewijs van je afspraak" not in w.client_chat.last_text
    absence = await only_absence(bot, w.internship.id)
    assert absence.proof_file_id is None


async def test_a_client_cannot_decide(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    absence = await only_absence(bot, w.internship.id)
    await w.client_chat.press_data(f"appt:ok:{absence.id}")
    assert last_alert(bot) == not_for_you(bot)
    await w.client_chat.press_data(f"appt:no:{absence.id}")
    assert last_alert(bot) == not_for_you(bot)
    assert (await only_absence(bot, w.internship.id)).status == AbsenceStatus.PENDING


async def test_another_workplace_cannot_see_or_decide(bot: BotHarness) -> None:
    w = await factories.world(bot)
    elsewhere = await factories.workplace(bot, name="Sociaal Restaurant Noord")
    _, stranger = await factories.person(bot, Role.EMPLOYER, "Jan Stranger", workplace=elsewhere)
    await stranger.send("/start")
    await ask(w.client_chat)
    assert not any("Aanvraag" in text for text in stranger.texts)
    absence = await only_absence(bot, w.internship.id)
    await stranger.press_data(f"appt:ok:{absence.id}")
    assert last_alert(bot) == not_for_you(bot)
    await stranger.press_data(f"appt:no:{absence.id}")
    assert last_alert(bot) == not_for_you(bot)
    await stranger.press_data("appt:ok:999")
    assert last_alert(bot) == not_for_you(bot)
    assert (await only_absence(bot, w.internship.id)).status == AbsenceStatus.PENDING


async def test_another_client_cannot_send_a_proof_for_it(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    _, other = await factories.person(bot, Role.CLIENT, "Olena Koval")
    await other.send("/start")
    absence = await only_absence(bot, w.internship.id)
    await other.press_data(f"appt:proof:{absence.id}")
    assert last_alert(bot) == not_for_you(bot)


async def test_two_contacts_one_decides(bot: BotHarness) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    _, mieke = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens", workplace=place)
    _, tom = await factories.person(bot, Role.EMPLOYER, "Tom Claes", workplace=place)
    client, client_chat = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    # No contact of its own: every contact of the workplace hears it.
    await factories.internship(bot, client, place, caseworker)
    await ask(client_chat)
    assert APPROVE in mieke.last.button_labels and APPROVE in tom.last.button_labels
    await tom.press(DECLINE)
    await tom.press("➡️ Geen reden")
    await mieke.press(APPROVE)
    assert last_alert(bot) == "Deze aanvraag is al geweigerd door Tom Claes."
    assert mieke.last.button_labels == []


STEPS = ["kind", "day", "typed day", "span", "typed span", "remark", "confirm"]


async def walk_to(client: ChatUser, step: str) -> None:
    await client.send(ABSENCE)
    if step == "kind":
        return
    await client.press(DOCTOR)
    if step == "day":
        return
    if step == "typed day":
        await client.press("📅 Een andere dag")
        return
    await client.press(TUESDAY)
    if step == "span":
        return
    if step == "typed span":
        await client.press("🕘 Ander uur")
        return
    await client.press(MORNING)
    if step == "remark":
        return
    await client.press("➡️ Geen bericht")


@pytest.mark.parametrize("step", STEPS)
async def test_cancel_at_every_step(bot: BotHarness, step: str) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await walk_to(client, step)
    replies = await client.press(CANCEL)
    assert replies[-1].text == "Gestopt. Er werd niets verstuurd."
    assert ABSENCE in client.keyboard
    assert await absences.for_internship(bot.services.db, w.internship.id) == []
    assert w.employer_chat.inbox == []
    # Typing on afterwards starts nothing.
    await client.send("3/12")
    assert "Gestopt" not in client.last_text
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


@pytest.mark.parametrize("step", ["kind", "typed day", "remark"])
async def test_slash_cancel_at_a_step(bot: BotHarness, step: str) -> None:
    w = await factories.world(bot)
    await walk_to(w.client_chat, step)
    await w.client_chat.send("/cancel")
    assert w.client_chat.last_text == "Gestopt. Er werd niets verstuurd."
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_cancel_while_declining_keeps_the_request_open(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(DECLINE)
    replies = await w.employer_chat.press(CANCEL)
    assert replies[-1].text == "Gestopt. De aanvraag staat nog open."
    assert (await only_absence(bot, w.internship.id)).status == AbsenceStatus.PENDING
    assert not any("zegt nee" in text for text in w.client_chat.texts)


async def test_cancel_the_proof_upload(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask(w.client_chat)
    await w.employer_chat.press(APPROVE)
    await bot.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=BRUSSELS))
    client = w.client_chat
    await client.press("📎 Bewijs sturen")
    replies = await client.press(CANCEL)
    assert replies[-1].text == "Gestopt. Er werd niets verstuurd."
    assert (await only_absence(bot, w.internship.id)).proof_file_id is None


async def test_another_menu_button_leaves_the_request(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await walk_to(client, "remark")
    await client.send("⏰ Ik ben te laat")
    assert client.last_text == "⏰ Hoeveel te laat ben je?"
    assert await absences.for_internship(bot.services.db, w.internship.id) == []


async def test_typing_where_a_button_is_expected(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.client_chat.send(ABSENCE)
    await w.client_chat.send("dokter")
    assert w.client_chat.last_text == "Gebruik de knoppen hierboven."
