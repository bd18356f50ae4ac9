"""The absence actions (`bot.actions.absences`), called directly, without Telegram.

For each action: what it stores and who hears it; refused for a person of another
role, another workplace, another caseload or another client (`NotAllowed`); refused
when the internship or the request no longer fits (`StaleState`); and a refusal
changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import pytest

from bot import notify
from bot.actions import absences as actions
from bot.actions.refusals import (
    InvalidValue,
    NotAllowed,
    NotFound,
    OutsideInternship,
    StaleState,
)
from bot.limits import Lane
from bot.store import absences, internships, people
from bot.store.absences import Absence, AbsenceKind, AbsenceStatus, Category
from bot.store.models import Internship, Person, Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BotHarness

# The clock starts on Monday 23 November 2026, 07:00; the internship on Monday 30.
TUESDAY = date(2026, 12, 1)
MORNING = (time(8, 30), time(12, 0))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


async def outbox(bot: BotHarness, person: Person, kind: str) -> list[dict[str, Any]]:
    """What was queued for `person` of this kind: method and payload."""
    rows = await bot.services.db.fetchall(
        "SELECT method, payload FROM outbox WHERE recipient_id = ? AND kind = ? ORDER BY id",
        (person.id, kind),
    )
    return [{"method": r["method"], **json.loads(r["payload"])} for r in rows]


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def pending_reminders(bot: BotHarness, kind: str, subject_id: int) -> list[datetime]:
    rows = await bot.services.db.fetchall(
        "SELECT due_at FROM reminders WHERE kind = ? AND subject_id = ? AND status = 'pending'",
        (kind, subject_id),
    )
    return [datetime.fromisoformat(r["due_at"]).astimezone(BRUSSELS) for r in rows]


async def stored(bot: BotHarness, internship: Internship) -> list[Absence]:
    return await absences.for_internship(bot.services.db, internship.id)


async def cancel(bot: BotHarness, internship: Internship) -> None:
    await internships.cancel(bot.services.db, internship.id, bot.clock.now())


async def elsewhere(bot: BotHarness) -> World:
    """Another caseworker, workplace (with contact) and client, in an internship."""
    other = World()
    other.caseworker, _ = await factories.person(bot, Role.CASEWORKER, "Bart Baert")
    other.workplace = await factories.workplace(bot, "Bakkerij Berchem")
    other.employer, _ = await factories.person(
        bot, Role.EMPLOYER, "Bea Bosmans", workplace=other.workplace
    )
    other.client, _ = await factories.person(bot, Role.CLIENT, "Bilal Bakkali")
    other.internship = await factories.internship(
        bot, other.client, other.workplace, other.caseworker, other.employer
    )
    return other


async def request(bot: BotHarness, w: World, day: date = TUESDAY) -> Absence:
    reported = await actions.request_appointment(
        bot.services, w.client, w.internship.id, Category.DOCTOR, day, *MORNING
    )
    return reported.absence


# Late


async def test_late_is_stored_and_told_to_workplace_and_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    reported = await actions.report_late(bot.services, w.client, w.internship.id, 30)
    assert reported.told == notify.Told(workplace=True, caseworker=True)
    [absence] = await stored(bot, w.internship)
    assert (absence.kind, absence.day, absence.minutes_late, absence.reported_by) == (
        AbsenceKind.LATE,
        date(2026, 11, 23),
        30,
        w.client.id,
    )
    for person in (w.employer, w.caseworker):
        [message] = await outbox(bot, person, "late")
        assert "Samir El Amrani komt vandaag te laat." in message["text"]
        assert "Ongeveer 30 minuten te laat." in message["text"]


async def test_late_is_refused_for_others_and_for_a_closed_internship(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other = await elsewhere(bot)
    for actor in (w.employer, w.caseworker, other.client):
        with pytest.raises(NotAllowed):
            await actions.report_late(bot.services, actor, w.internship.id, 30)
    with pytest.raises(NotFound):
        await actions.report_late(bot.services, w.client, 999, 30)
    for minutes in (0, 8 * 60 + 1):
        with pytest.raises(InvalidValue):
            await actions.report_late(bot.services, w.client, w.internship.id, minutes)
    await cancel(bot, w.internship)
    with pytest.raises(StaleState):
        await actions.report_late(bot.services, w.client, w.internship.id, 30)
    assert await stored(bot, w.internship) == []
    assert await outbox(bot, w.employer, "late") == []


# An appointment: the request


async def test_a_request_goes_to_the_workplace_to_decide(bot: BotHarness) -> None:
    w = await factories.world(bot)
    absence = await request(bot, w)
    assert (absence.status, absence.category, absence.day) == (
        AbsenceStatus.PENDING,
        Category.DOCTOR,
        TUESDAY,
    )
    assert (absence.start_time, absence.end_time) == MORNING
    [to_employer] = await outbox(bot, w.employer, "appointment")
    assert "Aanvraag van Samir El Amrani" in to_employer["text"]
    assert buttons(to_employer) == [f"appt:ok:{absence.id}", f"appt:no:{absence.id}"]
    [to_caseworker] = await outbox(bot, w.caseworker, "appointment")
    assert "De werkplek beslist." in to_caseworker["text"]
    assert f"appt:ok:{absence.id}" not in buttons(to_caseworker)
    # Unanswered, it goes to the caseworker at the same time the next workday.
    assert await pending_reminders(bot, actions.UNANSWERED, absence.id) == [
        local(date(2026, 11, 24), 7)
    ]


async def test_without_a_contact_in_the_bot_the_caseworker_decides_at_once(
    bot: BotHarness,
) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    client, _ = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    internship = await factories.internship(bot, client, place, caseworker)
    reported = await actions.request_appointment(
        bot.services, client, internship.id, Category.OCMW, TUESDAY, *MORNING
    )
    assert reported.told == notify.Told(workplace=False, caseworker=True, workplace_waiting=True)
    [message] = await outbox(bot, caseworker, "appointment")
    assert "Niemand van de werkplek kan in de bot antwoorden." in message["text"]
    assert buttons(message)[:2] == [
        f"appt:ok:{reported.absence.id}",
        f"appt:no:{reported.absence.id}",
    ]
    assert await pending_reminders(bot, actions.UNANSWERED, reported.absence.id) == []


async def test_a_request_is_refused_for_others_and_outside_what_fits(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other = await elsewhere(bot)
    for actor in (w.employer, w.caseworker, other.client):
        with pytest.raises(NotAllowed):
            await actions.request_appointment(
                bot.services, actor, w.internship.id, Category.DOCTOR, TUESDAY, *MORNING
            )
    for day, (start, end) in [
        (date(2026, 11, 22), MORNING),
        (date(2027, 6, 1), MORNING),
        (TUESDAY, (time(12, 0), time(9, 0))),
    ]:
        with pytest.raises(InvalidValue):
            await actions.request_appointment(
                bot.services, w.client, w.internship.id, Category.DOCTOR, day, start, end
            )
    await cancel(bot, w.internship)
    with pytest.raises(StaleState):
        await request(bot, w)
    assert await stored(bot, w.internship) == []
    assert await outbox(bot, w.employer, "appointment") == []


# An appointment: the decision


async def test_the_workplace_approves(bot: BotHarness) -> None:
    w = await factories.world(bot)
    absence = await request(bot, w)
    assert (await actions.pending_request(bot.services, w.employer, absence.id)).id == absence.id
    decided = await actions.approve(bot.services, w.employer, absence.id)
    assert decided.client_name == "Samir El Amrani"
    after = await absences.get(bot.services.db, absence.id)
    assert after is not None
    assert (after.status, after.decided_by) == (AbsenceStatus.APPROVED, w.employer.id)
    assert await pending_reminders(bot, actions.UNANSWERED, absence.id) == []
    # The workday after the appointment, 08:00: the proof.
    assert await pending_reminders(bot, actions.PROOF_DUE, absence.id) == [
        local(date(2026, 12, 2), 8)
    ]
    [to_client] = await outbox(bot, w.client, "appointment")
    assert "Je werkplek zegt ja voor je afspraak." in to_client["text"]
    told = await outbox(bot, w.caseworker, "appointment")
    assert "Mieke Janssens keurde de aanvraag van Samir El Amrani goed." in told[-1]["text"]
    standing = await actions.standing(bot.services, absence.id)
    assert standing == actions.Standing(AbsenceStatus.APPROVED, "Mieke Janssens", False)


async def test_the_caseworker_declines_with_a_reason(bot: BotHarness) -> None:
    w = await factories.world(bot)
    absence = await request(bot, w)
    decided = await actions.decline(bot.services, w.caseworker, absence.id, "Drukke dag")
    assert decided.absence.status == AbsenceStatus.DECLINED
    after = await absences.get(bot.services.db, absence.id)
    assert after is not None
    assert (after.decline_reason, after.decided_by) == ("Drukke dag", w.caseworker.id)
    assert await pending_reminders(bot, actions.PROOF_DUE, absence.id) == []
    [to_client] = await outbox(bot, w.client, "appointment")
    assert "Reden: Drukke dag" in to_client["text"]
    told = await outbox(bot, w.employer, "appointment")
    assert "An Peeters weigerde de aanvraag van Samir El Amrani." in told[-1]["text"]


async def test_only_its_workplace_and_caseworker_decide(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other = await elsewhere(bot)
    absence = await request(bot, w)
    for actor in (w.client, other.employer, other.caseworker):
        for decide in (actions.approve, actions.decline, actions.pending_request):
            with pytest.raises(NotAllowed):
                await decide(bot.services, actor, absence.id)
    late = await actions.report_late(bot.services, w.client, w.internship.id, 15)
    for absence_id in (late.absence.id, 999):
        with pytest.raises(NotFound):
            await actions.approve(bot.services, w.employer, absence_id)
    with pytest.raises(InvalidValue):
        await actions.decline(bot.services, w.employer, absence.id, "x" * 301)
    after = await absences.get(bot.services.db, absence.id)
    assert after is not None and after.status == AbsenceStatus.PENDING
    assert await outbox(bot, w.client, "appointment") == []


async def test_a_request_decided_or_of_a_closed_internship_is_stale(bot: BotHarness) -> None:
    w = await factories.world(bot)
    first = await request(bot, w)
    await actions.decline(bot.services, w.employer, first.id)
    for decide in (actions.approve, actions.decline, actions.pending_request):
        with pytest.raises(StaleState):
            await decide(bot.services, w.caseworker, first.id)
    second = await request(bot, w)
    await cancel(bot, w.internship)
    with pytest.raises(StaleState):
        await actions.approve(bot.services, w.employer, second.id)
    statuses = [a.status for a in await stored(bot, w.internship)]
    assert statuses == [AbsenceStatus.DECLINED, AbsenceStatus.PENDING]
    assert len(await outbox(bot, w.client, "appointment")) == 1


# An appointment: the proof


async def approved(bot: BotHarness, w: World) -> Absence:
    absence = await request(bot, w)
    await actions.approve(bot.services, w.employer, absence.id)
    return absence


async def test_the_proof_is_wanted_once_the_appointment_has_begun(bot: BotHarness) -> None:
    w = await factories.world(bot)
    assert await actions.proof_wanted(bot.services, w.client) is None
    absence = await approved(bot, w)
    # Before the appointment's day, a file is no proof yet.
    assert await actions.proof_wanted(bot.services, w.client) is None
    bot.clock.set(local(TUESDAY, 15))
    assert await actions.proof_wanted(bot.services, w.client) == absence.id
    other = await elsewhere(bot)
    assert await actions.proof_wanted(bot.services, other.client) is None
    with pytest.raises(NotAllowed):
        await actions.proof_wanted(bot.services, w.employer)


async def test_the_proof_goes_to_the_workplace_and_the_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    absence = await approved(bot, w)
    bot.clock.set(local(TUESDAY, 15))
    told = await actions.attach_proof(bot.services, w.client, absence.id, "proof1", "sendPhoto")
    assert told == notify.Told(workplace=True, caseworker=True)
    after = await absences.get(bot.services.db, absence.id)
    assert after is not None
    assert (after.proof_file_id, after.proof_method) == ("proof1", "sendPhoto")
    assert await pending_reminders(bot, actions.PROOF_DUE, absence.id) == []
    for person in (w.employer, w.caseworker):
        photos = [m for m in await outbox(bot, person, "appointment") if m["method"] == "sendPhoto"]
        assert [m["photo"] for m in photos] == ["proof1"]
        assert "Bewijs van de afspraak van Samir El Amrani" in photos[0]["caption"]
    assert await actions.proof_wanted(bot.services, w.client) is None
    assert (await actions.standing(bot.services, absence.id)) == actions.Standing(
        AbsenceStatus.APPROVED, "Mieke Janssens", True
    )


async def test_a_proof_only_from_its_client_for_an_approved_appointment(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other = await elsewhere(bot)
    waiting = await request(bot, w)
    absence = await approved(bot, w)
    bot.clock.set(local(TUESDAY, 15))
    for actor in (other.client, w.employer, w.caseworker):
        with pytest.raises(NotAllowed):
            await actions.attach_proof(bot.services, actor, absence.id, "x", "sendPhoto")
    with pytest.raises(NotFound):
        await actions.attach_proof(bot.services, w.client, 999, "x", "sendPhoto")
    with pytest.raises(InvalidValue):
        await actions.attach_proof(bot.services, w.client, absence.id, "x", "sendVoice")
    # Not approved (yet), or its proof came already: stale.
    with pytest.raises(StaleState):
        await actions.attach_proof(bot.services, w.client, waiting.id, "x", "sendPhoto")
    await actions.attach_proof(bot.services, w.client, absence.id, "first", "sendDocument")
    with pytest.raises(StaleState):
        await actions.proof_awaited(bot.services, w.client, absence.id)
    with pytest.raises(StaleState):
        await actions.attach_proof(bot.services, w.client, absence.id, "second", "sendPhoto")
    rows = await bot.services.db.fetchall("SELECT proof_file_id FROM absences ORDER BY id")
    assert [r["proof_file_id"] for r in rows] == [None, "first"]


async def test_the_proof_reminder_asks_the_client(bot: BotHarness) -> None:
    w = await factories.world(bot)
    absence = await approved(bot, w)
    await bot.advance_to(local(date(2026, 12, 2), 8))
    reminder = (await outbox(bot, w.client, "appointment"))[-1]
    assert "Je had een afspraak op dinsdag 1 december 2026." in reminder["text"]
    assert buttons(reminder) == [f"appt:proof:{absence.id}"]


# An accident at work


async def test_an_accident_is_urgent_for_workplace_and_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    bot.clock.set(local(TUESDAY, 10, 40))
    reported = await actions.report_accident(
        bot.services, w.client, w.internship.id, TUESDAY, time(10, 15), voice_file_id="voice1"
    )
    assert reported.told == notify.Told(workplace=True, caseworker=True)
    [absence] = await stored(bot, w.internship)
    assert (absence.kind, absence.day, absence.accident_time, absence.remark) == (
        AbsenceKind.ACCIDENT,
        TUESDAY,
        time(10, 15),
        None,
    )
    for person in (w.employer, w.caseworker):
        text, voice = await outbox(bot, person, "accident")
        assert "DRINGEND: ongeval op het werk" in text["text"]
        assert "zie het spraakbericht hieronder" in text["text"]
        assert (voice["method"], voice["voice"]) == ("sendVoice", "voice1")
    lanes = await bot.services.db.fetchall(
        "SELECT lane FROM outbox WHERE kind = 'accident' AND method = 'sendMessage'"
    )
    assert [r["lane"] for r in lanes] == [Lane.URGENT, Lane.URGENT]


async def test_an_accident_is_refused_for_others_and_outside_what_fits(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other = await elsewhere(bot)
    bot.clock.set(local(TUESDAY, 10, 40))
    for actor in (w.employer, other.client):
        with pytest.raises(NotAllowed):
            await actions.report_accident(
                bot.services, actor, w.internship.id, TUESDAY, time(9), "Gevallen"
            )
    for day, at, text in [
        (date(2026, 12, 2), time(9), "Gevallen"),
        (TUESDAY, time(11), "Gevallen"),
        (date(2026, 9, 1), time(9), "Gevallen"),
        (TUESDAY, time(9), None),
        (TUESDAY, time(9), "x" * 501),
    ]:
        with pytest.raises(InvalidValue):
            await actions.report_accident(bot.services, w.client, w.internship.id, day, at, text)
    await cancel(bot, w.internship)
    with pytest.raises(StaleState):
        await actions.report_accident(
            bot.services, w.client, w.internship.id, TUESDAY, time(9), "Gevallen"
        )
    assert await stored(bot, w.internship) == []
    assert await outbox(bot, w.caseworker, "accident") == []


# A trainee who did not come


async def test_a_no_show_is_told_to_caseworker_and_client_once_a_day(bot: BotHarness) -> None:
    w = await factories.world(bot)
    bot.clock.set(local(TUESDAY, 10))
    await actions.report_late(bot.services, w.client, w.internship.id, 60)
    today = await actions.reported_today(bot.services, w.employer, w.internship.id)
    assert today.client_name == "Samir El Amrani"
    assert [a.minutes_late for a in today.absences] == [60]
    assert today.sick_reports == []

    first = await actions.report_no_show(bot.services, w.employer, w.internship.id)
    assert (first.already, first.client_name) == (False, "Samir El Amrani")
    assert (first.absence.kind, first.absence.reported_by) == (AbsenceKind.NO_SHOW, w.employer.id)
    [to_caseworker] = await outbox(bot, w.caseworker, "no_show")
    assert "Gemeld door Mieke Janssens." in to_caseworker["text"]
    [to_client] = await outbox(bot, w.client, "no_show")
    assert "Bel nu naar je werkplek." in to_client["text"]

    again = await actions.report_no_show(bot.services, w.employer, w.internship.id)
    assert (again.already, again.absence.id) == (True, first.absence.id)
    kinds = [a.kind for a in await stored(bot, w.internship)]
    assert kinds == [AbsenceKind.LATE, AbsenceKind.NO_SHOW]
    assert len(await outbox(bot, w.client, "no_show")) == 1


async def test_a_no_show_only_by_its_workplace_during_the_internship(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other = await elsewhere(bot)
    with pytest.raises(OutsideInternship):
        await actions.report_no_show(bot.services, w.employer, w.internship.id)
    bot.clock.set(local(TUESDAY, 10))
    for actor in (other.employer, w.client, w.caseworker):
        for act in (actions.report_no_show, actions.reported_today):
            with pytest.raises(NotAllowed):
                await act(bot.services, actor, w.internship.id)
    await cancel(bot, w.internship)
    with pytest.raises(StaleState):
        await actions.report_no_show(bot.services, w.employer, w.internship.id)
    assert await stored(bot, w.internship) == []
    assert await outbox(bot, w.caseworker, "no_show") == []


async def test_nobody_is_told_without_telegram_and_the_receipt_says_so(bot: BotHarness) -> None:
    w = await factories.world(bot)
    for person in (w.employer, w.caseworker):
        await people.unlink_telegram(bot.services.db, person.id)
    reported = await actions.report_late(bot.services, w.client, w.internship.id, 15)
    assert reported.told == notify.Told(workplace=False, caseworker=False, workplace_waiting=True)
    assert len(await stored(bot, w.internship)) == 1
