"""My caseload: what needs action first, the detail, the actions and who may see what."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.caseload import Glance, Line, glance_label, glance_of
from bot.clock import to_db
from bot.store import audit, caseload, hours, internships, people, reminders, sick_reports
from bot.store.models import InternshipStatus, Role
from bot.store.sick_reports import Doctor
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser


async def _pending(bot: BotHarness, internship_id: int) -> list[datetime]:
    planned = await reminders.for_subject(
        bot.services.db, internship_id, bot.services.reminders.internship_kinds
    )
    return sorted(r.due_at for r in planned if r.status == "pending")


async def _open(chat: ChatUser, internship_id: int) -> str:
    await chat.send("/start")
    await chat.press_data(f"cw:open:{internship_id}")
    return chat.last_text


async def test_caseload_lists_what_needs_action_first(bot: BotHarness) -> None:
    # Wednesday 25 November 2026, 09:00.
    await bot.advance_to(datetime(2026, 11, 25, 9, 0, tzinfo=BRUSSELS))
    an, an_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    bert, _ = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    place = await factories.workplace(bot)
    db, now = bot.services.db, bot.clock.now()

    async def internship(name: str, start: date, caseworker: int = an.id) -> int:
        client, _ = await factories.person(bot, Role.CLIENT, name)
        owner = await people.get(db, caseworker)
        assert owner is not None
        return (await factories.internship(bot, client, place, owner, start=start)).id

    await internship("Anna Starts", date(2026, 12, 7))
    await internship("Bram Due", date(2026, 11, 16))
    await internship("Cem Late", date(2026, 11, 12))
    sick = await internship("Dina Sick", date(2026, 11, 23))
    evaluated = await internship("Eva Evaluated", date(2026, 11, 12))
    await internship("Goran Running", date(2026, 11, 23))
    await internship("Hugo Other", date(2026, 11, 23), caseworker=bert.id)
    sick_internship = await internships.get(db, sick)
    assert sick_internship is not None
    await sick_reports.create(
        db, sick_internship.client_id, sick, date(2026, 11, 25), None, Doctor.WILL_SEE, False, now
    )
    await db.execute(
        "INSERT INTO evaluations (internship_id, status, outcome, submitted_at) "
        "VALUES (?, 'submitted', 'favourable', ?)",
        (evaluated, to_db(now)),
    )

    await an_chat.send("/start")
    await an_chat.press("📂 Mijn dossiers")
    listing = an_chat.last_text
    assert "6 lopende stages" in listing
    order = [
        "Cem Late",
        "Dina Sick",
        "Bram Due",
        "Eva Evaluated",
        "Anna Starts",
        "Goran Running",
    ]
    positions = [listing.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Hugo Other" not in listing
    lines = listing.splitlines()
    assert "🔴 evaluatie te laat" in next(x for x in lines if "Cem Late" in x)
    assert "🤒 nu ziek" in next(x for x in lines if "Dina Sick" in x)
    assert "🟠 evaluatie nu" in next(x for x in lines if "Bram Due" in x)
    assert "✅ geëvalueerd: gunstig" in next(x for x in lines if "Eva Evaluated" in x)
    assert "🗓 begint binnenkort" in next(x for x in lines if "Anna Starts" in x)
    assert "🟢 loopt" in next(x for x in lines if "Goran Running" in x)
    assert an_chat.last.button_labels[0].startswith("🔴 Cem Late")

    # An admin sees everyone's internships, with their caseworker.
    _, admin = await factories.person(bot, Role.ADMIN, "Ilse Admin")
    await admin.send("/caseload")
    assert "7 lopende stages" in admin.last_text
    assert "Hugo Other" in admin.last_text and "Bert Claes" in admin.last_text


async def test_a_long_caseload_pages_forward_and_back(bot: BotHarness) -> None:
    an, an_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    for n in range(10):
        client, _ = await factories.person(bot, Role.CLIENT, f"Klant {n:02d}")
        await factories.internship(bot, client, place, an)
    await an_chat.send("/caseload")
    first = an_chat.last
    assert len([b for b in first.inline_buttons if b["callback_data"].startswith("cw:open:")]) == 8
    await an_chat.press("Volgende ➡️")
    assert len([b for b in an_chat.last.inline_buttons if "cw:open:" in b["callback_data"]]) == 2
    await an_chat.press("⬅️ Vorige")
    assert an_chat.last.text == first.text
    assert an_chat.last.inline_buttons == first.inline_buttons


async def test_a_caseworker_cannot_open_another_caseworkers_internship(bot: BotHarness) -> None:
    w = await factories.world(bot)
    _, bert = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    await bert.send("/start")
    before = len(bert.inbox)
    await bert.press_data(f"cw:open:{w.internship.id}")
    await bert.press_data(f"cl:cancel!:{w.internship.id}")
    await bert.press_data(f"cw:extend:{w.internship.id}:5")
    assert len(bert.inbox) == before
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert all("niet voor jou" in a.params["text"] for a in answers[-3:])
    unchanged = await internships.get(bot.services.db, w.internship.id)
    assert unchanged is not None and unchanged.status == InternshipStatus.PLANNED
    assert unchanged.extension_workdays == 0
    # A client cannot use caseworker buttons either.
    await w.client_chat.send("/start")
    await w.client_chat.press_data(f"cw:open:{w.internship.id}")
    assert "Samir El Amrani · Kringwinkel" not in w.client_chat.last_text

    # Reassigned to Bert: now he can, and An no longer can.
    detail = await _open(w.caseworker_chat, w.internship.id)
    assert "Samir El Amrani" in detail
    await w.caseworker_chat.press("👤 Overdragen")
    await w.caseworker_chat.press("👤 Bert Claes")
    assert "Bert Claes volgt nu de stage van Samir El Amrani" in w.caseworker_chat.last_text
    assert "An Peeters heeft de stage van Samir El Amrani aan jou overgedragen" in bert.last_text
    await bert.press("📂 Openen")
    assert "Samir El Amrani" in bert.last_text and "Deskundige werkervaring: Bert" in bert.last_text
    before = len(w.caseworker_chat.inbox)
    await w.caseworker_chat.press_data(f"cw:open:{w.internship.id}")
    assert len(w.caseworker_chat.inbox) == before
    actions = [
        e.action for e in await audit.for_subject(bot.services.db, "internship", w.internship.id)
    ]
    assert "internship.reassigned" in actions


async def test_extend_from_a_notification_button_moves_the_reminders(bot: BotHarness) -> None:
    w = await factories.world(bot)
    before = await _pending(bot, w.internship.id)
    await w.caseworker_chat.send("/start")
    await w.caseworker_chat.press_data(f"cw:extend:{w.internship.id}:5")
    question = w.caseworker_chat.last_text
    assert "met 5 werkdagen verlengen" in question
    # Nine workdays from Monday 30 November end on Thursday 10 December; five more: Thursday 17.
    assert "donderdag 17 december" in question
    await w.caseworker_chat.press("✅ Verlengen")
    changed = await internships.get(bot.services.db, w.internship.id)
    assert changed is not None and changed.extension_workdays == 5
    after = await _pending(bot, w.internship.id)
    assert after != before and max(after) > max(before)
    assert "verlengd" in w.employer_chat.last_text
    assert "donderdag 17 december" in w.employer_chat.last_text
    assert "langer" in w.client_chat.last_text
    assert "(5 extra)" in w.caseworker_chat.last_text
    entries = await audit.for_subject(bot.services.db, "internship", w.internship.id)
    assert entries[-1].action == "internship.extended" and entries[-1].details["workdays"] == 5


async def test_a_double_tap_on_extend_extends_once(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.caseworker_chat.send("/start")
    await w.caseworker_chat.press_data(f"cw:extend:{w.internship.id}:2")
    question = w.caseworker_chat.last
    data = next(b["callback_data"] for b in question.inline_buttons if "ext!" in b["callback_data"])
    await w.caseworker_chat.press("✅ Verlengen")
    # The same button again, as a slow phone sends it twice.
    await w.caseworker_chat.press_data(data, question)
    changed = await internships.get(bot.services.db, w.internship.id)
    assert changed is not None and changed.extension_workdays == 2
    entries = await audit.for_subject(bot.services.db, "internship", w.internship.id)
    assert [e.action for e in entries].count("internship.extended") == 1


async def test_extend_by_a_typed_number_and_a_wrong_one(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await _open(w.caseworker_chat, w.internship.id)
    await w.caseworker_chat.press("➕ Verlengen")
    await w.caseworker_chat.send("zeven")
    assert "Typ een aantal werkdagen" in w.caseworker_chat.last_text
    await w.caseworker_chat.send("3")
    await w.caseworker_chat.press("✖️ Nee")
    unchanged = await internships.get(bot.services.db, w.internship.id)
    assert unchanged is not None and unchanged.extension_workdays == 0


async def test_move_the_start_then_cancel(bot: BotHarness) -> None:
    w = await factories.world(bot)
    before = await _pending(bot, w.internship.id)
    await _open(w.caseworker_chat, w.internship.id)
    await w.caseworker_chat.press("📅 Startdatum wijzigen")
    await w.caseworker_chat.send("5/12/2026")
    assert "geen werkdag" in w.caseworker_chat.last_text
    await w.caseworker_chat.send("2/12/2026")
    moved = await internships.get(bot.services.db, w.internship.id)
    assert moved is not None and moved.start_date == date(2026, 12, 2)
    assert min(await _pending(bot, w.internship.id)) > min(before)
    assert "begint nu op woensdag 2 december" in w.employer_chat.last_text
    assert "andere dag" in w.client_chat.last_text

    await w.caseworker_chat.press("✖️ Stage annuleren")
    await w.caseworker_chat.press("✅ Ja, annuleren")
    cancelled = await internships.get(bot.services.db, w.internship.id)
    assert cancelled is not None and cancelled.status == InternshipStatus.CANCELLED
    assert await _pending(bot, w.internship.id) == []
    assert "geannuleerd" in w.employer_chat.last_text
    assert "gaat niet door" in w.client_chat.last_text
    await w.caseworker_chat.send("/caseload")
    assert "geen lopende stages" in w.caseworker_chat.last_text


async def test_close_with_a_favourable_outcome_and_the_contract_date(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await _open(w.caseworker_chat, w.internship.id)
    await w.caseworker_chat.press("🏁 Afsluiten met resultaat")
    await w.caseworker_chat.press("👍 gunstig")
    await w.caseworker_chat.send("11/12/2026")
    assert "afgesloten: gunstig" in w.caseworker_chat.last_text
    closed = await internships.get(bot.services.db, w.internship.id)
    assert closed is not None and closed.status == InternshipStatus.CLOSED
    assert closed.outcome == "favourable"
    facts = await caseload.closing(bot.services.db, w.internship.id)
    assert facts.contract_signed_on == date(2026, 12, 11)
    assert await _pending(bot, w.internship.id) == []


async def test_second_chance_starts_a_new_internship_for_the_same_client(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await factories.workplace(bot, "Sociaal Restaurant De Kade")
    an = w.caseworker_chat
    await _open(an, w.internship.id)
    await an.press("🔁 Tweede kans")
    await an.press("✅ Ja")
    old = await internships.get(bot.services.db, w.internship.id)
    assert old is not None and old.status == InternshipStatus.CLOSED and old.outcome == "negative"
    assert (await caseload.closing(bot.services.db, old.id)).second_chance
    await an.press("➕ Nieuwe stage voor Samir El Amrani")
    assert "op een andere werkplek" in an.texts[-2]
    await an.press("🏢 Sociaal Restaurant De Kade")
    await an.press("Nog niemand")
    await an.press("Klaar ✔️")
    await an.press("08:30 – 16:30")
    await an.press("✅ 30 minuten (gebruikelijk)")
    await an.send("7/12/2026")
    await an.press("9 werkdagen")
    await an.press("⏭ Overslaan")
    await an.press("⏭ Overslaan")
    await an.press("⏭ Overslaan")
    await an.press("Geen lessen")
    replies = await an.press("✅ Aanmaken")
    # The client is already connected: no new link.
    assert not any("?start=" in m.text for m in replies)
    new = await internships.current_for_client(bot.services.db, w.client.id)
    assert new is not None and new.id != old.id and new.start_date == date(2026, 12, 7)
    assert (await caseload.closing(bot.services.db, new.id)).previous_internship_id == old.id


async def test_later_reminds_the_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.caseworker_chat.send("/start")
    await w.caseworker_chat.press_data(f"cw:later:{w.internship.id}")
    await w.caseworker_chat.press("Over 2 uur")
    assert "herinner je eraan" in w.caseworker_chat.last_text
    await bot.advance(timedelta(hours=2, minutes=1))
    assert "terugkomen op de stage van Samir El Amrani" in w.caseworker_chat.last_text
    assert "📂 Openen" in w.caseworker_chat.last.button_labels


async def test_a_new_invite_link_disconnects_the_old_account(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await _open(w.caseworker_chat, w.internship.id)
    await w.caseworker_chat.press("🔗 Nieuwe uitnodigingslink")
    await w.caseworker_chat.press("Klant: Samir El Amrani")
    assert "?start=" in w.caseworker_chat.last_text
    assert "losgekoppeld" in w.caseworker_chat.texts[-2]
    client = await people.get(bot.services.db, w.client.id)
    assert client is not None and client.telegram_user_id is None
    token = w.caseworker_chat.last_text.rsplit("?start=", 1)[1].strip()
    phone = bot.user("Samir", "nl")
    await phone.send(f"/start {token}")
    relinked = await people.get(bot.services.db, w.client.id)
    assert relinked is not None and relinked.telegram_user_id == phone.id


async def test_the_detail_shows_reports_and_hours_and_locks_them(bot: BotHarness) -> None:
    w = await factories.world(bot)
    db, now = bot.services.db, bot.clock.now()
    await sick_reports.create(
        db,
        w.client.id,
        w.internship.id,
        date(2026, 12, 1),
        date(2026, 12, 2),
        Doctor.SEEN,
        False,
        now,
    )
    await hours.add_version(db, w.internship.id, w.employer.id, now, 72 * 60 + 30, None)
    detail = await _open(w.caseworker_chat, w.internship.id)
    assert "Ziek sinds di 1 dec." in detail or "Ziek sinds" in detail
    assert "72:30" in detail and "72,50" in detail
    assert "niet vergrendeld" in detail
    await w.caseworker_chat.press("🔒 Uren vergrendelen")
    locks = await caseload.hours_locks(db, [w.internship.id])
    assert locks[w.internship.id].locked_by == w.caseworker.id
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert "vergrendeld" in answers[-1].params["text"]


async def test_names_in_the_history_are_escaped(bot: BotHarness) -> None:
    w = await factories.world(bot)
    odd, _ = await factories.person(
        bot, Role.EMPLOYER, "Mieke <Onthaal> & co", workplace=w.workplace
    )
    await audit.record(
        bot.services.db, bot.clock.now(), odd.id, "hours.submitted", "internship", w.internship.id
    )
    await _open(w.caseworker_chat, w.internship.id)
    detail = w.caseworker_chat.last_text
    # In words, never the audit log's id.
    assert "uren ingediend (versie ?) (Mieke &lt;Onthaal&gt; &amp; co)" in detail
    assert "hours.submitted" not in detail


async def test_three_pages_forward_to_the_end_and_back_to_the_first(bot: BotHarness) -> None:
    an, an_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    for n in range(17):
        client, _ = await factories.person(bot, Role.CLIENT, f"Klant {n:02d}")
        await factories.internship(bot, client, place, an)
    await an_chat.send("/caseload")
    first = an_chat.last
    assert [b["callback_data"] for b in first.inline_buttons][-1] == "cl:page:1"
    await an_chat.press("Volgende ➡️")
    second = an_chat.last
    await an_chat.press("Volgende ➡️")
    third = an_chat.last
    assert "Klant 16" in third.text and "Klant 00" not in third.text
    assert "Volgende ➡️" not in third.button_labels
    assert [b["callback_data"] for b in third.inline_buttons][-1] == "cl:page:1"
    await an_chat.press("⬅️ Vorige")
    assert an_chat.last.text == second.text
    await an_chat.press("⬅️ Vorige")
    assert an_chat.last.text == first.text and an_chat.last.inline_buttons == first.inline_buttons
    # A page beyond the last shows the last one.
    await an_chat.press_data("cl:page:9")
    assert an_chat.last.text == third.text


async def test_a_press_that_ends_a_flow_and_nobody_takes_still_stops_the_spinner(
    bot: BotHarness,
) -> None:
    """Waiting for a typed number of workdays, a press of another flow's button ends the
    extension; when no flow takes that press either, it is still answered."""
    w = await factories.world(bot)
    an = w.caseworker_chat
    await an.send("/start")
    await an.press_data(f"cl:ext:{w.internship.id}")
    assert "Met hoeveel werkdagen" in an.last_text
    answered = len(bot.fake.answers)
    await an.press_data("ni:len:5")
    assert len(bot.fake.answers) == answered + 1
    # The extension ended: a typed number is no longer taken as workdays.
    await an.send("5")
    changed = await internships.get(bot.services.db, w.internship.id)
    assert changed is not None and changed.extension_workdays == 0


async def test_the_status_never_shows_a_green_tick_on_a_bad_result_and_sick_comes_first(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    t = bot.services.i18n.translator("nl")
    now = datetime(2026, 12, 15, 9, 0, tzinfo=BRUSSELS)  # past the due day
    deadline = bot.services.settings.reminder_times.evaluation_deadline

    def label(outcome: str | None, sick: bool = False) -> str:
        glance = glance_of(w.internship, now, deadline, sick, outcome)
        line = Line(
            w.internship, glance, "Samir", "Kringwinkel", "An", date.today(), date.today(), outcome
        )
        return glance_label(t, line)

    assert label("favourable") == "✅ geëvalueerd: gunstig"
    assert label("less_favourable").startswith("⚠️ ")
    assert label("negative").startswith("❌ ")
    # Sick now, with the evaluation late: sick is what shows.
    assert glance_of(w.internship, now, deadline, True, None) == Glance.SICK
    assert label(None, sick=True).startswith("🤒")
