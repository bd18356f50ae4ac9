"""Internship hours: per day or in total, Belgian number formats, corrections, locks, absences."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from bot.clock import FakeClock, to_db
from bot.config import Settings
from bot.store import hours
from bot.store.models import Internship, Person, Role
from tests import factories
from tests.harness import BotHarness, ChatUser

NOT_FOR_YOU = "Dit is niet voor jou."


async def start_per_day(chat: ChatUser) -> None:
    await chat.send("⏱ Stage-uren")
    await chat.press("📅 Per dag")


async def start_in_total(chat: ChatUser) -> None:
    await chat.send("⏱ Stage-uren")
    await chat.press("🧮 In totaal")


async def sick(
    bot: BotHarness,
    internship: Internship,
    first: date,
    recovered_on: date | None = None,
    expected_last: date | None = None,
    status: str = "open",
) -> None:
    await bot.services.db.execute(
        "INSERT INTO sick_reports (internship_id, client_id, reported_at, first_day, "
        "expected_last_day, doctor, status, recovered_on, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'seen', ?, ?, ?)",
        (
            internship.id,
            internship.client_id,
            to_db(bot.clock.now()),
            first.isoformat(),
            expected_last.isoformat() if expected_last else None,
            status,
            recovered_on.isoformat() if recovered_on else None,
            to_db(bot.clock.now()),
        ),
    )


async def absence(
    bot: BotHarness, internship: Internship, kind: str, day: date, status: str
) -> None:
    await bot.services.db.execute(
        "INSERT INTO absences (internship_id, client_id, kind, day, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            internship.id,
            internship.client_id,
            kind,
            day.isoformat(),
            status,
            to_db(bot.clock.now()),
        ),
    )


async def test_a_normal_day_is_one_tap_and_the_summary_shows_the_premium(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("⏱ Stage-uren")
    assert "Hoe wilt u de uren van Samir El Amrani doorgeven?" in mieke.last_text
    await mieke.press("📅 Per dag")
    assert "Dag 1 van 9: <b>maandag 30 november 2026</b>" in mieke.last_text
    assert "Gepland: 08:30–16:30 (8u00)" in mieke.last_text
    for _ in range(9):
        await mieke.press("✅ 8u00")
    summary = mieke.last_text
    assert "ma 30 nov: 8u00" in summary and "do 10 dec: 8u00" in summary
    assert "<b>Totaal: 72u00</b>" in summary
    assert "Premie voor Samir El Amrani: €\xa072,00 (€\xa01,00 per uur)" in summary
    assert await hours.latest(bot.services.db, w.internship.id) is None

    await mieke.press("✅ Bevestigen en versturen")
    assert "De uren van Samir El Amrani (72u00) zijn naar de deskundige werkervaring" in (
        mieke.last_text
    )
    stored = await hours.latest(bot.services.db, w.internship.id)
    assert stored is not None
    assert (stored.version, stored.total_minutes, stored.submitted_by) == (
        1,
        72 * 60,
        w.employer.id,
    )
    assert stored.per_day is not None and len(stored.per_day) == 9
    assert set(stored.per_day.values()) == {480}
    assert stored.submitted_at == bot.clock.now()
    raw = await bot.services.db.fetchval("SELECT per_day FROM hours_submissions")
    assert json.loads(raw)["2026-11-30"] == 480

    caseworker = w.caseworker_chat.last
    assert "⏱ Stage-uren van Samir El Amrani bij Kringwinkel Zuid: <b>72u00</b>" in caseworker.text
    assert "premie €\xa072,00" in caseworker.text
    assert "Doorgegeven door Mieke Janssens, versie 1." in caseworker.text
    assert caseworker.button_labels == ["📂 Openen", "⏰ Later"]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("7,5", "7u30"),
        ("7.5", "7u30"),
        ("7u30", "7u30"),
        ("7:30", "7u30"),
        ("7h30", "7u30"),
        ("7 u 30", "7u30"),
        ("7", "7u00"),
        ("7u", "7u00"),
        ("7,25", "7u15"),
        ("0", "0u00"),
        ("12", "12u00"),
        ("٧٫٥", "7u30"),
    ],
)
async def test_hours_are_read_the_way_belgians_type_them(
    bot: BotHarness, typed: str, shown: str
) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    await mieke.send(typed)
    assert "Dag 2 van 9" in mieke.last_text
    for _ in range(8):
        await mieke.press("✅ 8u00")
    assert f"ma 30 nov: {shown}" in mieke.last_text


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        (
            "-2",
            "«-2»: uren kunnen niet negatief zijn. Typ 0 voor een dag waarop niet gewerkt werd.",
        ),
        ("13", "«13» is meer dan 12u00 op één dag. Typ een getal van 0 tot 12u00"),
        ("12u01", "«12u01» is meer dan 12u00 op één dag."),
        ("7u75", "«7u75»: de minuten moeten van 0 tot 59 zijn, bijvoorbeeld 7u30."),
        ("veel", "Ik kan «veel» niet lezen als een aantal uren. Typ bijvoorbeeld 7,5 of 7u30"),
        ("7,5,5", "Ik kan «7,5,5» niet lezen als een aantal uren."),
    ],
)
async def test_implausible_hours_are_refused_saying_what_is_allowed(
    bot: BotHarness, typed: str, explanation: str
) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    replies = await mieke.send(typed)
    assert len(replies) == 1 and explanation in replies[0].text
    # The same day is asked again; the next good answer counts for it.
    await mieke.send("6")
    assert "Dag 2 van 9" in mieke.last_text


async def test_a_very_long_answer_is_quoted_short(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    replies = await mieke.send("x" * 4000)
    assert len(replies) == 1
    assert "«" + "x" * 40 + "…»" in replies[0].text
    assert len(replies[0].text) < 400


async def test_an_english_speaking_employer_may_type_either_decimal_mark(bot: BotHarness) -> None:
    w = await factories.world(bot)
    place = w.workplace
    _, john = await factories.person(bot, Role.EMPLOYER, "John Smith", "en", workplace=place)
    await john.send("⏱ Internship hours")
    await john.press("📅 Per day")
    await john.send("7.5")
    await john.send("7,5")
    await john.send("7h30")
    for _ in range(6):
        await john.press("✅ 8h00")
    assert "Mon 30 Nov: 7h30" in john.last_text
    assert "Tue 1 Dec: 7h30" in john.last_text
    assert "Wed 2 Dec: 7h30" in john.last_text
    assert "<b>Total: 70h30</b>" in john.last_text


async def test_hours_in_total(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_in_total(mieke)
    assert "De stage heeft 9 werkdagen, in totaal 72u00 gepland." in mieke.last_text
    await mieke.send("109")
    assert (
        "«109» is meer dan in deze stage kan: hoogstens 108u00 (9 werkdagen van hoogstens "
        "12u00). Typ het totaal opnieuw." in mieke.last_text
    )
    await mieke.send("-3")
    assert "niet negatief" in mieke.last_text
    await mieke.send("67,5")
    assert "<b>Totaal: 67u30</b>" in mieke.last_text
    assert "€\xa067,50" in mieke.last_text
    await mieke.press("✅ Bevestigen en versturen")
    stored = await hours.latest(bot.services.db, w.internship.id)
    assert stored is not None and stored.total_minutes == 67 * 60 + 30 and stored.per_day is None


async def test_the_hours_offered_are_the_schedule_without_the_break(bot: BotHarness) -> None:
    """08:30-16:30 with half an hour's break is 7u30 a day: the premium is paid on that."""
    w = await factories.world(bot, break_minutes=30)
    mieke = w.employer_chat
    await mieke.send("⏱ Stage-uren")
    await mieke.press("📅 Per dag")
    assert "Gepland: 08:30–16:30 (7u30)." in mieke.last_text
    assert "Zonder de pauze van 30 minuten: die wordt niet betaald." in mieke.last_text
    for _ in range(9):
        await mieke.press("✅ 7u30")
    assert "<b>Totaal: 67u30</b>" in mieke.last_text
    assert "€\xa067,50" in mieke.last_text


async def test_the_total_offered_is_the_schedule_without_the_breaks(bot: BotHarness) -> None:
    w = await factories.world(bot, break_minutes=30)
    await start_in_total(w.employer_chat)
    await w.employer_chat.press("✅ 67u30 (zoals gepland)")
    assert "<b>Totaal: 67u30</b>" in w.employer_chat.last_text


async def test_the_scheduled_total_is_one_tap(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await start_in_total(w.employer_chat)
    await w.employer_chat.press("✅ 72u00 (zoals gepland)")
    assert "<b>Totaal: 72u00</b>" in w.employer_chat.last_text


async def test_the_premium_per_hour_is_configurable(settings: Settings, clock: FakeClock) -> None:
    bot = await BotHarness.start(dataclasses.replace(settings, premium_per_hour_cents=150), clock)
    try:
        w = await factories.world(bot)
        await start_in_total(w.employer_chat)
        await w.employer_chat.send("10")
        assert (
            "Premie voor Samir El Amrani: €\xa015,00 (€\xa01,50 per uur)"
            in w.employer_chat.last_text
        )
    finally:
        await bot.stop()


async def test_going_back_and_changing_a_day_before_confirming(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    await mieke.press("✅ 8u00")
    await mieke.press("⬅️ Vorige dag")
    assert "Dag 1 van 9" in mieke.last_text
    await mieke.send("6u")
    for _ in range(8):
        await mieke.press("✅ 8u00")
    await mieke.press("✏️ Een dag wijzigen")
    assert "Welke dag wilt u wijzigen?" in mieke.last_text
    await mieke.press("di 1 dec: 8u00")
    assert "Dag 2 van 9: <b>dinsdag 1 december 2026</b>" in mieke.last_text
    await mieke.send("4,5")
    summary = mieke.last_text
    assert "ma 30 nov: 6u00" in summary and "di 1 dec: 4u30" in summary
    assert "<b>Totaal: 66u30</b>" in summary
    # Text on the summary changes nothing, and says so.
    await mieke.send("8")
    assert "Er is niets veranderd." in mieke.last_text
    await mieke.press("✅ Bevestigen en versturen")
    stored = await hours.latest(bot.services.db, w.internship.id)
    assert stored is not None and stored.total_minutes == 66 * 60 + 30


async def test_a_correction_is_a_new_version_with_who_and_when(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await start_in_total(w.employer_chat)
    await w.employer_chat.send("72")
    await w.employer_chat.press("✅ Bevestigen en versturen")
    first_at = bot.clock.now()

    bot.clock.advance(timedelta(days=1))
    colleague, jan = await factories.person(bot, Role.EMPLOYER, "Jan Claes", workplace=w.workplace)
    await jan.send("⏱ Stage-uren")
    assert "zijn doorgegeven op" in jan.last_text
    assert "door Mieke Janssens: <b>72u00</b> (versie 1). Wilt u ze verbeteren?" in jan.last_text
    await jan.press("✏️ De uren verbeteren")
    await jan.press("📅 Per dag")
    await jan.send("4")
    for _ in range(8):
        await jan.press("✅ 8u00")
    await jan.press("✅ Bevestigen en versturen")

    history = await hours.history(bot.services.db, w.internship.id)
    assert [(h.version, h.total_minutes, h.submitted_by) for h in history] == [
        (1, 72 * 60, w.employer.id),
        (2, 68 * 60, colleague.id),
    ]
    assert history[0].submitted_at == first_at
    assert history[1].submitted_at == first_at + timedelta(days=1)
    assert history[0].per_day is None and history[1].per_day is not None
    text = w.caseworker_chat.last_text
    assert "Doorgegeven door Jan Claes, versie 2." in text
    assert "Dit is een verbetering: versie 1 zei 72u00." in text

    # A later correction starts from the days given last time.
    await jan.send("⏱ Stage-uren")
    await jan.press("✏️ De uren verbeteren")
    await jan.press("📅 Per dag")
    assert jan.last.button_labels[0] == "✅ 4u00"


async def test_keeping_the_hours_changes_nothing(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await start_in_total(w.employer_chat)
    await w.employer_chat.send("72")
    await w.employer_chat.press("✅ Bevestigen en versturen")
    await w.employer_chat.send("⏱ Stage-uren")
    await w.employer_chat.press("✅ Zo laten")
    assert "Goed, er is niets veranderd." in w.employer_chat.last_text
    assert len(await hours.history(bot.services.db, w.internship.id)) == 1


async def lock(bot: BotHarness, internship: Internship, caseworker: Person) -> None:
    await bot.services.db.execute(
        "INSERT INTO hours_locks (internship_id, locked_by, locked_at) VALUES (?, ?, ?)",
        (internship.id, caseworker.id, to_db(bot.clock.now())),
    )


async def test_locked_hours_can_no_longer_be_corrected(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await start_in_total(w.employer_chat)
    await w.employer_chat.send("72")
    await w.employer_chat.press("✅ Bevestigen en versturen")
    await lock(bot, w.internship, w.caseworker)
    replies = await w.employer_chat.send("⏱ Stage-uren")
    assert (
        "De deskundige werkervaring An Peeters heeft de uren van Samir El Amrani vergrendeld."
        in replies[-1].text
    )
    assert "Neem dan contact op met An Peeters." in replies[-1].text
    assert not replies[-1].button_labels
    assert len(await hours.history(bot.services.db, w.internship.id)) == 1


async def test_a_lock_between_summary_and_confirmation_wins(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await start_in_total(w.employer_chat)
    await w.employer_chat.send("70")
    await lock(bot, w.internship, w.caseworker)
    await w.employer_chat.press("✅ Bevestigen en versturen")
    assert "vergrendeld" in w.employer_chat.last_text
    assert await hours.history(bot.services.db, w.internship.id) == []
    assert w.caseworker_chat.inbox == []


async def test_reported_absences_are_shown_on_their_days(bot: BotHarness) -> None:
    w = await factories.world(bot)
    # Sick Tuesday 1 and Wednesday 2 December, back on Thursday.
    await sick(
        bot, w.internship, date(2026, 12, 1), recovered_on=date(2026, 12, 3), status="closed"
    )
    await absence(bot, w.internship, "appointment", date(2026, 12, 4), "approved")
    await absence(bot, w.internship, "appointment", date(2026, 12, 3), "declined")
    await absence(bot, w.internship, "no_show", date(2026, 12, 7), "reported")
    mieke = w.employer_chat
    await start_per_day(mieke)
    await mieke.press("✅ 8u00")
    assert "🤒 Ziek gemeld op deze dag." in mieke.last_text
    # A sick day is pre-filled with 0, and the scheduled hours stay one tap away.
    assert mieke.last.button_labels[:2] == ["✅ 0u00", "🕗 8u00 (zoals gepland)"]
    await mieke.press("✅ 0u00")
    await mieke.press("✅ 0u00")
    assert "Dag 4 van 9" in mieke.last_text and "Ziek" not in mieke.last_text
    await mieke.press("✅ 8u00")
    assert "📅 Goedgekeurde afspraak op deze dag: tel alleen de gewerkte uren." in mieke.last_text
    await mieke.send("5u30")
    assert "🚫 Gemeld als niet gekomen op deze dag." in mieke.last_text
    await mieke.press("✅ 0u00")
    for _ in range(3):
        await mieke.press("✅ 8u00")
    summary = mieke.last_text
    assert "di 1 dec: 0u00  🤒 ziek" in summary
    assert "vr 4 dec: 5u30  📅 afspraak" in summary
    assert "ma 7 dec: 0u00  🚫 niet gekomen" in summary
    assert "do 3 dec: 8u00\n" in summary
    assert "<b>Totaal: 45u30</b>" in summary


async def test_an_open_sick_report_marks_every_day_from_its_first(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await sick(bot, w.internship, date(2026, 12, 8))
    await start_in_total(w.employer_chat)
    text = w.employer_chat.last_text
    assert "Gemelde afwezigheden:\ndi 8 dec: 🤒 ziek\nwo 9 dec: 🤒 ziek\ndo 10 dec: 🤒 ziek" in text
    # The one-tap total leaves out the three sick days.
    assert w.employer_chat.last.button_labels == ["✅ 48u00 (zoals gepland)"]


async def test_a_sick_report_with_an_expected_last_day(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await sick(bot, w.internship, date(2026, 12, 2), expected_last=date(2026, 12, 3))
    away = await hours.absences_by_day(bot.services.db, w.internship.id, date(2026, 12, 10))
    assert away == {date(2026, 12, 2): hours.Absence.SICK, date(2026, 12, 3): hours.Absence.SICK}


async def test_an_employer_sees_and_enters_only_their_own_trainees(bot: BotHarness) -> None:
    w = await factories.world(bot)
    second_client, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    await factories.internship(bot, second_client, w.workplace, w.caseworker, w.employer)
    other_place = await factories.workplace(bot, "Sociaal Restaurant Noord")
    _, other_chat = await factories.person(bot, Role.EMPLOYER, "Els Maes", workplace=other_place)
    stranger_client, _ = await factories.person(bot, Role.CLIENT, "Ahmed Benali")
    elsewhere = await factories.internship(bot, stranger_client, other_place, w.caseworker)

    await w.employer_chat.send("⏱ Stage-uren")
    assert w.employer_chat.last_text == "Voor welke stagiair wilt u de uren doorgeven?"
    assert w.employer_chat.last.button_labels == ["Samir El Amrani", "Olena Kovalenko"]
    await w.employer_chat.press("Olena Kovalenko")
    assert "de uren van Olena Kovalenko" in w.employer_chat.last_text

    await other_chat.send("⏱ Stage-uren")
    assert "Ahmed Benali" in other_chat.last_text
    assert "Samir" not in " ".join(other_chat.texts)

    # Forged button data for a trainee of another workplace, in and outside the flow.
    before = len(w.employer_chat.inbox)
    await w.employer_chat.press_data(f"hours:start:{elsewhere.id}")
    await w.employer_chat.press_data("hours:start:999")
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert [a.params["text"] for a in answers[-2:]] == [NOT_FOR_YOU, NOT_FOR_YOU]
    assert len(w.employer_chat.inbox) == before
    assert "Ahmed" not in " ".join(w.employer_chat.texts)
    await w.employer_chat.send("8")
    assert await hours.history(bot.services.db, elsewhere.id) == []


async def test_only_employer_contacts_give_hours(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/start")
    await w.client_chat.press_data(f"hours:start:{w.internship.id}")
    await w.caseworker_chat.send("/hours")
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert answers[-1].params["text"] == NOT_FOR_YOU
    assert w.caseworker_chat.last_text == NOT_FOR_YOU


async def test_the_reminder_button_opens_the_hours_of_that_trainee(bot: BotHarness) -> None:
    w = await factories.world(bot)
    second_client, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    second = await factories.internship(bot, second_client, w.workplace, w.caseworker, w.employer)
    await w.employer_chat.send("/start")
    await w.employer_chat.press_data(f"hours:start:{second.id}")
    assert "Hoe wilt u de uren van Olena Kovalenko doorgeven?" in w.employer_chat.last_text


async def test_stopping_sends_nothing(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await start_per_day(w.employer_chat)
    await w.employer_chat.press("✅ 8u00")
    await w.employer_chat.send("/cancel")
    assert "Gestopt. Er zijn geen uren verstuurd." in w.employer_chat.last_text
    await w.employer_chat.send("8")
    assert "Dag" not in w.employer_chat.last_text
    assert await hours.history(bot.services.db, w.internship.id) == []
    assert w.caseworker_chat.inbox == []


async def test_interrupted_hours_continue_where_they_stopped(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    await mieke.press("✅ 8u00")
    await mieke.send("7,5")
    await mieke.send("7u")
    # Another menu button leaves the hours; nothing typed so far is lost.
    await mieke.send("📝 Evaluatie")
    assert "Evaluatie van Samir El Amrani" in " ".join(mieke.texts[-2:])
    await mieke.send("⏱ Stage-uren")
    assert "U was eerder al begonnen met de uren van Samir El Amrani." in mieke.last_text
    await mieke.press("▶️ Verdergaan waar u stopte")
    assert "Dag 4 van 9" in mieke.last_text
    for _ in range(6):
        await mieke.press("✅ 8u00")
    assert "di 1 dec: 7u30" in mieke.last_text and "wo 2 dec: 7u00" in mieke.last_text
    assert "<b>Totaal: 70u30</b>" in mieke.last_text


async def test_text_where_a_button_is_expected_is_not_taken_silently(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.employer_chat.send("⏱ Stage-uren")
    await w.employer_chat.send("72")
    assert "Kies met de knoppen hierboven. Er is niets veranderd." in w.employer_chat.last_text


async def test_the_evaluation_reminder_button_leaves_the_hours(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    await mieke.press_data(f"eval:start:{w.internship.id}")
    await mieke.press("🔴 Problematisch")
    await mieke.send("Te traag")
    assert "Onderdeel 2 van 7" in mieke.last_text
    assert not any("Dag 2 van 9" in text for text in mieke.texts)


async def test_a_refused_trainee_button_leaves_the_hours_being_entered_alone(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    other_place = await factories.workplace(bot, "Sociaal Restaurant Noord")
    stranger_client, _ = await factories.person(bot, Role.CLIENT, "Ahmed Benali")
    elsewhere = await factories.internship(bot, stranger_client, other_place, w.caseworker)
    mieke = w.employer_chat
    await start_per_day(mieke)
    await mieke.press("✅ 8u00")
    await mieke.press_data(f"hours:start:{elsewhere.id}")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == NOT_FOR_YOU
    await mieke.send("7")
    assert "Dag 3 van 9" in mieke.last_text


async def test_continuing_shows_the_summary_when_every_day_is_given(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_per_day(mieke)
    for _ in range(9):
        await mieke.press("✅ 8u00")
    await mieke.send("/noshow")
    await mieke.send("/cancel")
    await mieke.send("⏱ Stage-uren")
    await mieke.press("▶️ Verdergaan waar u stopte")
    assert "<b>Totaal: 72u00</b>" in mieke.last_text
    await mieke.press("✅ Bevestigen en versturen")
    stored = await hours.latest(bot.services.db, w.internship.id)
    assert stored is not None and stored.total_minutes == 72 * 60


async def test_continuing_a_total_asks_the_total_again(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await start_in_total(mieke)
    await mieke.send("70")
    await mieke.send("📝 Evaluatie")
    await mieke.send("⏱ Stage-uren")
    await mieke.press("▶️ Verdergaan waar u stopte")
    assert "Typ het totaal" in mieke.last_text
    await mieke.send("71")
    assert "<b>Totaal: 71u00</b>" in mieke.last_text
