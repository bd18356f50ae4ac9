"""Sick reports: the client's flow, who is told what, certificates, reminders, the late flag."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot.store import internships, sick_reports
from bot.store.models import InternshipStatus, Role
from bot.store.sick_reports import Doctor
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser

SICK = "🤒 Ik ben ziek"
SEND = "✅ Ja, versturen"
CANCEL = "✖️ Stoppen"
WILL_SEE = "🩺 Ik ga nog naar de dokter"


def at(bot: BotHarness, year: int, month: int, day: int, hour: int, minute: int) -> None:
    """Put the clock at a local Antwerp moment (no reminders are sent on the way)."""
    bot.clock.set(datetime(year, month, day, hour, minute, tzinfo=BRUSSELS))


async def report(
    chat: ChatUser, start: str = "Vandaag", length: str = "2 dagen", doctor: str = WILL_SEE
) -> None:
    await chat.send(SICK)
    await chat.press(start)
    await chat.press(length)
    await chat.press(doctor)
    await chat.press(SEND)


async def outbox_kinds(bot: BotHarness) -> list[str]:
    rows = await bot.services.db.fetchall("SELECT kind FROM outbox ORDER BY id")
    return [row["kind"] for row in rows]


# The flow


async def test_four_taps_reach_the_summary_and_the_report_reaches_both(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    samir = w.client_chat
    await samir.send(SICK)
    assert samir.last_text == "🤒 Sinds wanneer ben je ziek?"
    await samir.press("Vandaag")
    assert samir.last_text == "Hoe lang denk je ziek te zijn?"
    await samir.press("2 dagen")
    assert samir.last_text == "Ben je bij een dokter geweest?"
    await samir.press(WILL_SEE)
    summary = samir.last_text
    assert "Ziek vanaf: dinsdag 1 december" in summary
    assert "Tot: woensdag 2 december" in summary
    assert "Dokter: je gaat nog naar de dokter" in summary
    assert "Klopt dit?" in summary
    assert "diagnose" not in summary.lower()

    await samir.press(SEND)
    receipt = samir.last_text
    assert "Je ziekmelding is bewaard" in receipt
    assert "Referentie: <b>Z-0001</b>" in receipt
    assert "Je werkplek en je deskundige werkervaring weten het nu." in receipt
    assert "Ga naar een dokter." in receipt
    assert "Heb je je medisch attest?" in samir.last_text

    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.reference == "Z-0001"
    assert stored.internship_id == w.internship.id
    assert stored.first_day == date(2026, 12, 1)
    assert stored.expected_last_day == date(2026, 12, 2)
    assert stored.doctor is Doctor.WILL_SEE
    assert stored.late is False

    employer = w.employer_chat.last_text
    assert "Ziekmelding Z-0001" in employer
    assert "Samir El Amrani is ziek en komt niet werken." in employer
    assert "Van: dinsdag 1 december" in employer and "Tot: woensdag 2 december" in employer
    assert "Voor het begin van de werkdag (08:30)" in employer
    caseworker = w.caseworker_chat.last
    assert "Samir El Amrani is ziek." in caseworker.text
    assert "Dokter: gaat nog" in caseworker.text
    assert f"cw:extend:{w.internship.id}:2" in [
        b["callback_data"] for b in caseworker.inline_buttons
    ]
    assert await outbox_kinds(bot) == ["sick", "sick"]


async def test_each_recipient_reads_it_in_their_own_language(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    caseworker, caseworker_chat = await factories.person(bot, Role.CASEWORKER, "Ann", "en")
    place = await factories.workplace(bot)
    _, employer_chat = await factories.person(bot, Role.EMPLOYER, "Luc", "fr", workplace=place)
    client, client_chat = await factories.person(bot, Role.CLIENT, "Oksana", "uk")
    await factories.internship(bot, client, place, caseworker)
    await client_chat.send("🤒 Я хворий · Ik ben ziek")
    assert "З якого дня ви хворієте?" in client_chat.last_text
    await client_chat.press("Сьогодні")
    await client_chat.press("1 день")
    await client_chat.press("✅ Я був(ла) у лікаря")
    await client_chat.press("✅ Так, надіслати")
    assert "Ваше повідомлення про хворобу збережено" in client_chat.last_text
    assert "Oksana est malade et ne viendra pas travailler." in employer_chat.last_text
    assert "mardi 1 décembre" in employer_chat.last_text
    assert "Oksana is sick." in caseworker_chat.last_text
    assert "Doctor: seen" in caseworker_chat.last_text


async def test_another_day_typed_and_until_a_chosen_day(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 0)
    w = await factories.world(bot)
    samir = w.client_chat
    await samir.send(SICK)
    await samir.press("📅 Een andere dag")
    await samir.send("de tweede")
    assert "Typ hem zo: 3/12" in samir.last_text
    await samir.send("2/12")
    await samir.press("📅 Tot een dag")
    await samir.press("vr 4 dec")
    await samir.press("❌ Nee")
    assert "Ziek vanaf: woensdag 2 december" in samir.last_text
    assert "Tot: vrijdag 4 december" in samir.last_text
    assert "Dokter: nog niet" in samir.last_text
    await samir.press("✏️ Aanpassen")
    assert samir.last_text == "🤒 Sinds wanneer ben je ziek?"
    await samir.press("Morgen")
    await samir.press("Ik weet het nog niet")
    await samir.press("✅ Ik ben bij de dokter geweest")
    assert "Tot: je weet het nog niet" in samir.last_text
    await samir.press(SEND)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert (stored.first_day, stored.expected_last_day) == (date(2026, 12, 2), None)
    assert "Tot: nog niet gekend" in w.employer_chat.last_text
    # Without a known end, the caseworker gets no "extend" proposal yet.
    assert not any("cw:extend" in b["callback_data"] for b in w.caseworker_chat.last.inline_buttons)


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4])
async def test_cancel_at_every_step_sends_nothing(bot: BotHarness, steps: int) -> None:
    at(bot, 2026, 12, 1, 7, 0)
    w = await factories.world(bot)
    samir = w.client_chat
    await samir.send(SICK)
    for label in ["📅 Een andere dag", "di 1 dec", "📅 Tot een dag", "wo 2 dec"][:steps]:
        await samir.press(label)
    if steps == 4:
        await samir.press("❌ Nee")
    replies = await samir.press(CANCEL)
    assert [m.text for m in replies] == ["Gestopt. Er werd niets verstuurd."]
    assert SICK in samir.keyboard
    assert await sick_reports.open_for_client(bot.services.db, w.client.id) == []
    assert await outbox_kinds(bot) == []
    assert w.employer_chat.inbox == []


async def test_slash_cancel_and_another_menu_button_end_the_flow(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 0)
    w = await factories.world(bot)
    samir = w.client_chat
    await samir.send(SICK)
    await samir.press("Vandaag")
    replies = await samir.send("/cancel")
    assert [m.text for m in replies] == ["Gestopt. Er werd niets verstuurd."]
    await samir.send(SICK)
    await samir.press("Vandaag")
    replies = await samir.send("/doesnotexist")
    assert len(replies) == 1 and "begreep ik niet" in replies[0].text
    # The old question's buttons no longer do anything.
    await samir.press_data("sick:len:2")
    assert await sick_reports.open_for_client(bot.services.db, w.client.id) == []


async def test_text_instead_of_a_button_and_a_photo_too_early(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 0)
    w = await factories.world(bot)
    samir = w.client_chat
    await samir.send(SICK)
    replies = await samir.send("ik ben ziek vandaag")
    assert [m.text for m in replies] == ["Kies een van de knoppen hierboven."]
    replies = await samir.send_photo()
    assert [m.text for m in replies] == [
        "Beantwoord eerst de vraag hierboven. Daarna kan je het attest sturen."
    ]


async def test_only_clients_report_sickness(bot: BotHarness) -> None:
    w = await factories.world(bot)
    replies = await w.employer_chat.send("/sick")
    assert [m.text for m in replies] == ["Dit is niet voor jou."]
    assert await outbox_kinds(bot) == []


# Outside the internship, or no internship at all


async def test_a_day_before_the_internship_reaches_only_the_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)  # Monday 23 November; the internship starts on the 30th.
    await report(w.client_chat, length="1 dag")
    receipt = w.client_chat.last_text
    assert "Je deskundige werkervaring weet het nu." in receipt
    assert "Dit is niet tijdens je stage, dus je werkplek werd niet verwittigd." in receipt
    assert w.employer_chat.inbox == []
    assert "Niet tijdens de stage: de werkplek werd niet verwittigd." in w.caseworker_chat.last_text
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.internship_id == w.internship.id


async def test_sickness_before_the_internship_is_not_late_nor_sick_now(bot: BotHarness) -> None:
    at(bot, 2026, 11, 24, 11, 0)  # Tuesday, past the workday start; the internship starts 30th
    w = await factories.world(bot)
    await report(w.client_chat, length="1 dag")
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.late is False
    assert "LAAT" not in w.caseworker_chat.last_text
    await w.caseworker_chat.send("/caseload")
    assert "🤒" not in w.caseworker_chat.last_text


async def test_sickness_running_into_the_internship_reaches_the_workplace(bot: BotHarness) -> None:
    at(bot, 2026, 11, 27, 18, 0)  # Friday before the Monday start
    w = await factories.world(bot)
    await report(w.client_chat, length="1 week")
    assert "Ziekmelding Z-0001" in w.employer_chat.last_text


async def test_a_client_without_internship_reaches_their_last_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await internships.set_status(
        bot.services.db, w.internship.id, InternshipStatus.CANCELLED, bot.clock.now()
    )
    await report(w.client_chat, length="1 dag")
    receipt = w.client_chat.last_text
    assert "Je hebt op dit moment geen stage." in receipt
    assert "Je deskundige werkervaring weet het nu." in receipt
    assert "Samir El Amrani heeft geen lopende stage." in w.caseworker_chat.last_text
    assert w.employer_chat.inbox == []
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.internship_id is None and stored.late is False


async def test_a_client_nobody_follows_is_stored_and_told_to_call(bot: BotHarness) -> None:
    client, chat = await factories.person(bot, Role.CLIENT, "Yusuf Demir")
    await report(chat, length="1 dag")
    assert "Bel je deskundige werkervaring." in chat.last_text
    assert len(await sick_reports.open_for_client(bot.services.db, client.id)) == 1
    assert await outbox_kinds(bot) == []


# The late flag, in Brussels time


@pytest.mark.parametrize(
    ("minute", "late"), [(29, False), (30, False), (31, True)], ids=["08:29", "08:30", "08:31"]
)
async def test_late_after_the_workday_start(bot: BotHarness, minute: int, late: bool) -> None:
    at(bot, 2026, 12, 1, 8, minute)
    w = await factories.world(bot)
    await report(w.client_chat)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.late is late
    assert ("LAAT" in w.caseworker_chat.last_text) is late
    assert (
        "Je werkdag is al begonnen. Bel nu naar je werkplek." in w.client_chat.last_text
    ) is late


async def test_a_report_for_tomorrow_is_never_late(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 22, 0)
    w = await factories.world(bot)
    await report(w.client_chat, start="Morgen")
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.first_day == date(2026, 12, 2) and stored.late is False


async def test_sick_since_the_weekend_counts_from_monday_start(bot: BotHarness) -> None:
    at(bot, 2026, 12, 5, 10, 0)  # Saturday
    w = await factories.world(bot)
    await report(w.client_chat)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.late is False


@pytest.mark.parametrize(
    ("hour", "minute", "late"), [(8, 15, False), (8, 45, True)], ids=["08:15", "08:45"]
)
async def test_late_flag_the_monday_after_summer_time_starts(
    bot: BotHarness, hour: int, minute: int, late: bool
) -> None:
    # Clocks went forward on Sunday 29 March 2026; Brussels is UTC+2 from then on.
    at(bot, 2026, 3, 30, hour, minute)
    w = await factories.world(bot, start=date(2026, 3, 30))
    await report(w.client_chat)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.late is late
    assert stored.reported_at.utcoffset() == timedelta(0)
    assert f"om {hour:02d}:{minute:02d}" in w.caseworker_chat.last_text


@pytest.mark.parametrize(
    ("hour", "minute", "late"), [(8, 20, False), (8, 40, True)], ids=["08:20", "08:40"]
)
async def test_late_flag_on_the_day_summer_time_starts(
    bot: BotHarness, hour: int, minute: int, late: bool
) -> None:
    at(bot, 2026, 3, 29, hour, minute)
    caseworker, caseworker_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    client, chat = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    # A weekend job: Saturday and Sunday from 08:30.
    await factories.internship(
        bot, client, place, caseworker, start=date(2026, 3, 28), days=frozenset({5, 6})
    )
    await report(chat)
    [stored] = await sick_reports.open_for_client(bot.services.db, client.id)
    assert stored.late is late
    assert f"om {hour:02d}:{minute:02d}" in caseworker_chat.last_text


async def test_easter_monday_2027_is_no_workday_so_tuesday_start_counts(bot: BotHarness) -> None:
    # 2027: summer time starts on Easter Sunday 28 March; Easter Monday is a public holiday.
    at(bot, 2027, 3, 29, 10, 0)
    w = await factories.world(bot, start=date(2027, 3, 22))
    await report(w.client_chat)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.late is False
    at(bot, 2027, 3, 30, 8, 31)
    await w.client_chat.send(SICK)
    await w.client_chat.press("✅ Ik ben beter")
    await w.client_chat.press("Vandaag")
    await w.client_chat.press(SEND)
    await w.client_chat.press("⏰ Later")
    await report(w.client_chat)
    [later] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert later.first_day == date(2027, 3, 30) and later.late is True


async def test_late_flag_the_day_winter_time_starts(bot: BotHarness) -> None:
    at(bot, 2027, 10, 31, 8, 35)  # Sunday; clocks went back at 03:00
    caseworker, caseworker_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    client, chat = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    await factories.internship(
        bot,
        client,
        place,
        caseworker,
        start=date(2027, 10, 30),
        days=frozenset({5, 6}),
        day_start=time(8, 30),
    )
    await report(chat)
    [stored] = await sick_reports.open_for_client(bot.services.db, client.id)
    assert stored.late is True
    assert "om 08:35" in caseworker_chat.last_text


# Certificates


async def test_certificate_sent_in_the_flow_goes_to_both(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    replies = await w.client_chat.send_photo()
    assert [m.text for m in replies] == [
        "📄 Bedankt! Je attest werd naar je werkplek en je deskundige werkervaring gestuurd."
    ]
    for chat in (w.employer_chat, w.caseworker_chat):
        assert chat.last.method == "sendPhoto"
        assert "Medisch attest</b> van Samir El Amrani" in chat.last.text
        assert "Ziekmelding Z-0001" in chat.last.text
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    [certificate] = await sick_reports.certificates(bot.services.db, stored.id)
    assert certificate.method == "sendPhoto"
    sent = bot.fake.calls_of("sendPhoto")
    assert {call.params["photo"] for call in sent} == {certificate.file_id}
    assert await outbox_kinds(bot) == ["sick", "sick", "certificate", "certificate"]


async def test_pdf_later_after_asking(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    await w.client_chat.press("⏰ Later")
    assert "stuur dan gewoon de foto hier" in w.client_chat.last_text
    await w.client_chat.send_document()
    assert "Is dit je medisch attest voor je ziekmelding Z-0001" in w.client_chat.last_text
    assert w.employer_chat.last.method == "sendMessage"
    await w.client_chat.press("✅ Ja, versturen")
    assert "Je attest werd naar je werkplek" in w.client_chat.last_text
    assert w.employer_chat.last.method == "sendDocument"
    assert w.caseworker_chat.last.method == "sendDocument"


async def test_a_file_that_is_not_the_certificate_is_not_sent(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    await w.client_chat.press("⏰ Later")
    await w.client_chat.send_photo()
    await w.client_chat.press("❌ Nee")
    assert w.client_chat.last_text == "Oké. Ik heb het bestand naar niemand gestuurd."
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert await sick_reports.certificates(bot.services.db, stored.id) == []
    # An old Yes button does nothing any more.
    await w.client_chat.press_data(f"sick:file:yes:{stored.id}", w.client_chat.inbox[-2])
    assert await sick_reports.certificates(bot.services.db, stored.id) == []


async def test_wrong_files_get_a_clear_answer(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    samir = w.client_chat
    await report(samir)
    replies = await samir.send_document(
        b"PK\x03\x04 a Word file", file_name="attest.docx", mime_type="application/msword"
    )
    assert [m.text for m in replies] == [
        "Dit soort bestand kan ik niet gebruiken. Stuur een foto van je medisch attest, of een pdf."
    ]
    replies = await samir.send_voice()
    assert "Dit soort bestand kan ik niet gebruiken" in replies[0].text
    replies = await samir.send_document(file_size=25 * 1024 * 1024)
    assert [m.text for m in replies] == [
        "Dit bestand is te groot (meer dan 20 MB). "
        "Neem een foto van je medisch attest en stuur de foto."
    ]
    await samir.press("⏰ Later")
    replies = await samir.send_document(
        b"PK\x03\x04", file_name="x.zip", mime_type="application/zip"
    )
    assert len(replies) == 1 and "kan ik niet gebruiken" in replies[0].text
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert await sick_reports.certificates(bot.services.db, stored.id) == []


async def test_the_same_file_twice_is_attached_once(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    await w.client_chat.send_photo()
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    [certificate] = await sick_reports.certificates(bot.services.db, stored.id)
    await w.client_chat.send(SICK)
    await w.client_chat.press("📄 Mijn attest sturen")
    photo = {
        "file_id": certificate.file_id,
        "file_unique_id": certificate.file_unique_id,
        "width": 800,
        "height": 1000,
        "file_size": 100,
    }
    replies = await w.client_chat.send_raw({"photo": [photo]})
    assert [m.text for m in replies] == ["Dit bestand heb je al gestuurd. Bedankt!"]
    assert len(bot.fake.calls_of("sendPhoto")) == 2


async def test_a_loose_file_without_a_sick_report_gets_one_answer(bot: BotHarness) -> None:
    w = await factories.world(bot)
    replies = await w.client_chat.send_photo()
    assert len(replies) == 1
    assert "Ik weet niet waarvoor dit bestand is" in replies[0].text
    assert "«🤒 Ik ben ziek»" in replies[0].text
    replies = await w.employer_chat.send_photo()
    assert len(replies) == 1 and "begreep ik niet" in replies[0].text
    stranger = bot.user("Jan")
    replies = await stranger.send_document()
    assert len(replies) == 1 and "persoonlijke link" in replies[0].text
    assert await outbox_kinds(bot) == []


async def test_certificate_reminders(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)  # Tuesday
    w = await factories.world(bot)
    await report(w.client_chat, length="1 week")
    await bot.advance_to(datetime(2026, 12, 2, 8, 59, tzinfo=BRUSSELS))
    assert "Stuur je medisch attest" not in w.client_chat.last_text
    await bot.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS))
    assert "📄 Stuur je medisch attest voor ziekmelding Z-0001" in w.client_chat.last_text
    caseworker_messages = len(w.caseworker_chat.inbox)
    # Two workdays after the first sick day: Thursday morning.
    await bot.advance_to(datetime(2026, 12, 3, 8, 59, tzinfo=BRUSSELS))
    assert len(w.caseworker_chat.inbox) == caseworker_messages
    await bot.advance_to(datetime(2026, 12, 3, 9, 0, tzinfo=BRUSSELS))
    assert "nog geen medisch attest van Samir El Amrani" in w.caseworker_chat.last_text
    await bot.advance(timedelta(days=1))
    assert sum("nog geen medisch attest" in t for t in w.caseworker_chat.texts) == 1


async def test_no_certificate_reminders_once_it_is_in(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat, length="1 week")
    await w.client_chat.send_photo()
    client_messages, caseworker_messages = len(w.client_chat.inbox), len(w.caseworker_chat.inbox)
    await bot.advance_to(datetime(2026, 12, 4, 12, 0, tzinfo=BRUSSELS))
    assert len(w.client_chat.inbox) == client_messages
    assert len(w.caseworker_chat.inbox) == caseworker_messages


async def test_the_chat_reads_as_questions_with_their_answers(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    shown = [m.text for m in bot.fake.shown_in(w.client_chat.id)]
    # Each question shows the chosen answer in place of its buttons (one edit each).
    assert "🤒 Sinds wanneer ben je ziek?\n<b>→ Vandaag</b>" in shown
    assert "Hoe lang denk je ziek te zijn?\n<b>→ 2 dagen</b>" in shown
    assert "Ben je bij een dokter geweest?\n<b>→ 🩺 Ik ga nog naar de dokter</b>" in shown
    assert any(text.endswith("Klopt dit?\n<b>→ ✅ Ja, versturen</b>") for text in shown)
    edits = [c for c in bot.fake.calls if c.method == "editMessageText"]
    assert len(edits) == 4


# Days are the client's workdays


@pytest.mark.parametrize(
    ("day", "length", "until"),
    [
        (4, "2 dagen", "maandag 7 december"),  # Friday and Monday, not until Sunday
        (2, "1 week", "dinsdag 8 december"),  # five workdays of the schedule
        (24, "2 dagen", "maandag 28 december"),  # Christmas (Friday) is no workday
    ],
    ids=["friday-2-days", "wednesday-1-week", "over-christmas"],
)
async def test_a_length_counts_the_clients_workdays(
    bot: BotHarness, day: int, length: str, until: str
) -> None:
    at(bot, 2026, 12, day, 7, 0)
    w = await factories.world(bot)
    await w.client_chat.send(SICK)
    await w.client_chat.press("Vandaag")
    await w.client_chat.press(length)
    await w.client_chat.press(WILL_SEE)
    assert f"Tot: {until}" in w.client_chat.last_text


async def test_sick_longer_counts_workdays_after_the_expected_end(bot: BotHarness) -> None:
    at(bot, 2026, 12, 3, 7, 30)  # Thursday, sick until Friday
    w = await factories.world(bot)
    await report(w.client_chat)
    await w.client_chat.send(SICK)
    await w.client_chat.press("📅 Ik ben langer ziek")
    await w.client_chat.press("2 dagen langer")
    assert "Tot: dinsdag 8 december" in w.client_chat.last_text
    await w.client_chat.press(SEND)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.expected_last_day == date(2026, 12, 8)


# Longer, better, no news


async def test_sick_longer(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    await w.client_chat.send(SICK)
    assert "Je bent ziek sinds dinsdag 1 december (ziekmelding Z-0001)" in w.client_chat.last_text
    await w.client_chat.press("📅 Ik ben langer ziek")
    assert w.client_chat.last_text == "Hoeveel langer denk je ziek te zijn?"
    await w.client_chat.press("2 dagen langer")
    assert "Tot: vrijdag 4 december" in w.client_chat.last_text
    await w.client_chat.press(SEND)
    assert "Beterschap" in w.client_chat.last_text
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.expected_last_day == date(2026, 12, 4)
    for chat in (w.employer_chat, w.caseworker_chat):
        assert "Samir El Amrani is langer ziek." in chat.last_text
        assert "Tot: vrijdag 4 december (verwacht)" in chat.last_text
    buttons = [b["callback_data"] for b in w.caseworker_chat.last.inline_buttons]
    assert f"cw:extend:{w.internship.id}:4" in buttons
    # The "are you better?" question moved with the end: not on Thursday, on Saturday.
    await bot.advance_to(datetime(2026, 12, 3, 10, 0, tzinfo=BRUSSELS))
    assert "Ben je beter?" not in w.client_chat.last_text
    await bot.advance_to(datetime(2026, 12, 5, 9, 0, tzinfo=BRUSSELS))
    assert "Ben je beter?" in w.client_chat.last_text


async def test_better_closes_the_report_and_asks_for_the_certificate(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat, length="1 week")
    at(bot, 2026, 12, 3, 18, 0)
    await w.client_chat.send(SICK)
    await w.client_chat.press("✅ Ik ben beter")
    assert "Op welke dag ga je terug werken?" in w.client_chat.last_text
    await w.client_chat.press("Morgen")
    assert "Je gaat terug werken op vrijdag 4 december." in w.client_chat.last_text
    await w.client_chat.press(SEND)
    assert "Welkom terug" in w.client_chat.texts[-2]
    assert "Heb je je medisch attest?" in w.client_chat.last_text
    assert await sick_reports.open_for_client(bot.services.db, w.client.id) == []
    closed = await sick_reports.get(bot.services.db, 1)
    assert closed is not None and closed.recovered_on == date(2026, 12, 4)
    assert "Samir El Amrani is beter." in w.employer_chat.last_text
    assert "Terug aan het werk op vrijdag 4 december." in w.employer_chat.last_text
    assert "Gemiste stagewerkdagen: 3" in w.caseworker_chat.last_text
    buttons = [b["callback_data"] for b in w.caseworker_chat.last.inline_buttons]
    assert f"cw:extend:{w.internship.id}:3" in buttons
    await w.client_chat.send_photo()
    assert w.employer_chat.last.method == "sendPhoto"
    # No "are you better?" after the report is closed.
    await bot.advance_to(datetime(2026, 12, 9, 12, 0, tzinfo=BRUSSELS))
    assert not any("Ben je beter?" in text for text in w.client_chat.texts)


async def test_past_the_expected_end_without_news(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat, length="1 dag")
    await bot.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS))
    question = w.client_chat.last
    assert "Volgens je ziekmelding Z-0001 ben je ziek tot dinsdag 1 december" in question.text
    assert question.button_labels == ["✅ Ik ben beter", "🤒 Ik ben nog ziek"]
    await bot.advance_to(datetime(2026, 12, 2, 13, 59, tzinfo=BRUSSELS))
    assert "niets laten weten" not in w.caseworker_chat.last_text
    await bot.advance_to(datetime(2026, 12, 2, 14, 0, tzinfo=BRUSSELS))
    assert "werd op woensdag 2 december terug op het werk verwacht" in w.caseworker_chat.last_text
    # The client answers later, from the question's button.
    await w.client_chat.press_data(question.inline_buttons[1]["callback_data"], question)
    await w.client_chat.press("3 dagen langer")
    await w.client_chat.press(SEND)
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.expected_last_day == date(2026, 12, 4)


async def test_an_answer_in_time_keeps_the_caseworker_message_away(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat, length="1 dag")
    await bot.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS))
    await w.client_chat.press("✅ Ik ben beter")
    await w.client_chat.press("Vandaag")
    await w.client_chat.press(SEND)
    await bot.advance_to(datetime(2026, 12, 3, 12, 0, tzinfo=BRUSSELS))
    assert not any("niets laten weten" in text for text in w.caseworker_chat.texts)


async def test_without_an_expected_end_the_client_is_asked_after_three_days(
    bot: BotHarness,
) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat, length="Ik weet het nog niet")
    await bot.advance_to(datetime(2026, 12, 4, 8, 59, tzinfo=BRUSSELS))
    assert not any("Ben je beter?" in text for text in w.client_chat.texts)
    await bot.advance_to(datetime(2026, 12, 4, 9, 0, tzinfo=BRUSSELS))
    assert "Je bent ziek sinds dinsdag 1 december" in w.client_chat.last_text
    assert "Ben je beter?" in w.client_chat.last_text
    await bot.advance_to(datetime(2026, 12, 4, 14, 0, tzinfo=BRUSSELS))
    assert "zonder verwacht einde" in w.caseworker_chat.last_text


async def test_another_clients_report_cannot_be_touched(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    other, other_chat = await factories.person(bot, Role.CLIENT, "Eve")
    await other_chat.send(SICK)
    await other_chat.press_data("sick:better:1")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == "Dit is niet voor jou."
    # Their own report in progress goes on where it was.
    assert other_chat.last_text == "🤒 Sinds wanneer ben je ziek?"
    await other_chat.press_data("sick:file:yes:1")
    assert "verlopen" in bot.fake.calls_of("answerCallbackQuery")[-1].params["text"]
    await w.employer_chat.press_data("sick:longer:1", w.client_chat.last)
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == "Dit is niet voor jou."
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.is_open and stored.expected_last_day == date(2026, 12, 2)
    assert await sick_reports.open_for_client(bot.services.db, other.id) == []


async def test_the_schema_has_no_place_for_a_diagnosis(bot: BotHarness) -> None:
    for table in ("sick_reports", "sick_certificates"):
        rows = await bot.services.db.fetchall(f"PRAGMA table_info({table})")
        columns = {row["name"] for row in rows}
        assert not {c for c in columns if "diagn" in c or "reason" in c or "illness" in c}
    rows = await bot.services.db.fetchall("PRAGMA table_info(sick_reports)")
    assert [row["name"] for row in rows][:11] == [
        "id",
        "internship_id",
        "client_id",
        "reference",
        "reported_at",
        "first_day",
        "expected_last_day",
        "doctor",
        "late",
        "status",
        "recovered_on",
    ]


@pytest.mark.parametrize(
    "steps",
    [
        [],
        ["📅 Ik ben langer ziek"],
        ["📅 Ik ben langer ziek", "1 dag langer"],
        ["✅ Ik ben beter"],
        ["✅ Ik ben beter", "📅 Een andere dag"],
        ["✅ Ik ben beter", "Morgen"],
    ],
    ids=["open report", "longer", "longer-confirm", "better", "better-day", "better-confirm"],
)
async def test_cancel_while_changing_an_open_report(bot: BotHarness, steps: list[str]) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    await w.client_chat.press("⏰ Later")
    sent_before = await outbox_kinds(bot)
    await w.client_chat.send(SICK)
    for label in steps:
        await w.client_chat.press(label)
    replies = await w.client_chat.press(CANCEL)
    assert [m.text for m in replies] == ["Gestopt. Er werd niets verstuurd."]
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.expected_last_day == date(2026, 12, 2)
    assert await outbox_kinds(bot) == sent_before


# One sick flow at a time: sick longer and I am better are nested in the sick report


async def test_a_flow_left_for_another_does_not_take_its_buttons(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    samir = w.client_chat
    await report(samir)
    await samir.press("⏰ Later")
    await samir.send(SICK)
    hub = samir.last
    await samir.press("📅 Ik ben langer ziek")
    await samir.press("1 dag langer")
    prolong_summary = samir.last
    assert "Tot: donderdag 3 december" in prolong_summary.text
    # Before confirming, the client says they are better after all (the hub's button).
    await samir.press_data("sick:better:1", hub)
    await samir.press("Morgen")
    assert "Je gaat terug werken op woensdag 2 december." in samir.last_text
    await samir.press(SEND)
    closed = await sick_reports.get(bot.services.db, 1)
    assert closed is not None and closed.recovered_on == date(2026, 12, 2)
    assert closed.expected_last_day == date(2026, 12, 2)
    assert "Samir El Amrani is beter." in w.employer_chat.last_text
    assert not any("langer ziek" in text for text in w.employer_chat.texts)
    # The left flow's Yes does nothing any more.
    await samir.press_data("sick:send", prolong_summary)
    assert "verlopen" in bot.fake.calls_of("answerCallbackQuery")[-1].params["text"]
    closed_again = await sick_reports.get(bot.services.db, 1)
    assert closed_again == closed


async def test_the_sick_button_inside_a_sub_flow_starts_over(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    samir = w.client_chat
    await report(samir, length="1 week")
    await samir.press("⏰ Later")
    await samir.send(SICK)
    await samir.press("✅ Ik ben beter")
    await samir.press("📅 Een andere dag")
    await samir.send(SICK)
    assert "Wat wil je doen?" in samir.last_text
    # A typed day is no answer to the open report's question: the left flow ignores it.
    replies = await samir.send("4/12")
    assert [m.text for m in replies] == ["Kies een van de knoppen hierboven."]
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.is_open and stored.expected_last_day == date(2026, 12, 7)


async def test_an_unknown_command_inside_a_sub_flow_is_answered(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    samir = w.client_chat
    await report(samir)
    await samir.press("⏰ Later")
    await samir.send(SICK)
    await samir.press("📅 Ik ben langer ziek")
    replies = await samir.send("/doesnotexist")
    assert len(replies) == 1 and "begreep ik niet" in replies[0].text
    await samir.press_data("sick:len:2")
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored.expected_last_day == date(2026, 12, 2)


async def test_the_reminders_buttons_start_the_sub_flows_outside_any_flow(
    bot: BotHarness,
) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    samir = w.client_chat
    await report(samir, length="1 dag")
    await samir.press("⏰ Later")
    await bot.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS))
    question = samir.last
    await samir.press_data(question.inline_buttons[0]["callback_data"], question)
    assert "Op welke dag ga je terug werken?" in samir.last_text
    await samir.press("Vandaag")
    await samir.press(SEND)
    # A day was missed and no certificate is in: the sick report's certificate step.
    assert "Heb je je medisch attest?" in samir.last_text
    replies = await samir.send("ik heb geen attest")
    assert "Stuur een foto van je medisch attest" in replies[0].text
    replies = await samir.send("/cancel")
    assert [m.text for m in replies] == ["Oké. Als je het hebt, stuur dan gewoon de foto hier."]
