"""What others hear about a first workday: the client's card and reminders, the workplace's
checklist.

- The card: the day, the start time, the address, whom to ask for, what to bring,
  what happens that day and the planned Dutch lessons. A private workplace has no
  internship: the card speaks of the first day of the contract.
- Reminders (planned per internship, see `bot.reminders`): the evening before the
  first day the card (`FIRST_DAY_EVE_TIME`, 18:00); the first morning a short
  "good luck" (`FIRST_DAY_MORNING_TIME`, 07:00); the workday before, at 14:00, the
  employer contact gets who starts when, the checklist for that day, and a
  "✅ Ready" button (`bot.buttons.FirstDayReady`, `bot.actions.first_day`).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import notify, phones
from bot.buttons import FirstDayReady
from bot.clock import local_moment
from bot.i18n import N_, Translator
from bot.reminders import Plan
from bot.store import internships, people, sick_reports, workplaces
from bot.store import reminders as reminder_store
from bot.store.models import Internship, Person, Schedule, Workplace, WorkplaceKind
from bot.workdays import internship_days, previous_workday

if TYPE_CHECKING:
    from bot.services import Services

KIND = "first_day"
EVE = "first_day_eve"
MORNING = "first_day_morning"
EMPLOYER = "first_day_employer"
OFFICE_WEEK = Schedule(frozenset(range(5)), time(9, 0), time(17, 0))
# The reminder kinds, what sends them and their names (registered by `bot.actions.first_day`).
LABELS = {
    EVE: N_("First workday: the card, the evening before"),
    MORNING: N_("First workday: good luck, that morning"),
    EMPLOYER: N_("First workday: the checklist for the workplace"),
}


def first_workday(internship: Internship) -> date:
    """The first day the client works (the start date may fall on a day off)."""
    return internship_days(internship)[0]


def is_contract(place: Workplace) -> bool:
    """A private workplace has no internship: the client starts with the contract."""
    return place.kind == WorkplaceKind.PRIVATE


def address(place: Workplace) -> str:
    """The workplace's name and address, as one line (not escaped)."""
    return ", ".join(part for part in (place.name, place.address) if part)


def card_text(
    t: Translator,
    internship: Internship,
    place: Workplace,
    call: notify.WhomToCall | None = None,
) -> str:
    """The first-workday card, in one message; with `call`, whom to phone (and their
    numbers) when something comes up."""
    contract = is_contract(place)
    lines = [
        t._("🏁 <b>Your first workday with your contract</b>")
        if contract
        else t._("🏁 <b>Your first internship day</b>"),
        "",
        t._("📅 Day: {day}", day=t.date(first_workday(internship))),
        t._("🕗 Start: {time}", time=t.time(internship.schedule.start)),
        t._("📍 Address: {address}", address=address(place)),
    ]
    if internship.meeting_point:
        lines.append(t._("🚪 Meeting place: {place}", place=internship.meeting_point))
    if internship.first_day_contact:
        lines.append(t._("🙋 Ask for: {name}", name=internship.first_day_contact))
    if internship.what_to_bring:
        lines.append(t._("🎒 Bring: {items}", items=internship.what_to_bring))
    if call is not None:
        workplace = phones.workplace_line(t, call.contact, call.caseworker)
        lines += [workplace] if workplace else []
        if call.caseworker is not None:
            lines.append(phones.caseworker_line(t, call.caseworker))
    lines += [
        "",
        t._(
            "That day you get:\n"
            "• a welcome\n"
            "• a tour of the workplace\n"
            "• work clothes\n"
            "• a safe place (locker) for your things"
        ),
    ]
    if internship.dutch_lessons:
        lines += [
            "",
            t._("🗣 Dutch lessons: {lessons}", lessons=internship.dutch_lessons)
            if contract
            else t._(
                "🗣 Dutch lessons during your internship: {lessons}",
                lessons=internship.dutch_lessons,
            ),
        ]
    return "\n".join(lines)


def good_luck_text(t: Translator, internship: Internship, place: Workplace) -> str:
    lines = [
        t._("🍀 Good luck today!"),
        t._("You start at {time}.", time=t.time(internship.schedule.start)),
        t._("📍 Address: {address}", address=address(place)),
    ]
    if internship.first_day_contact:
        lines.append(t._("🙋 Ask for: {name}", name=internship.first_day_contact))
    return "\n".join(lines)


def employer_text(t: Translator, internship: Internship, place: Workplace, client: Person) -> str:
    """Who starts when, and the checklist of the first day."""
    day, start = t.date(first_workday(internship)), t.time(internship.schedule.start)
    if is_contract(place):
        heading = t._(
            "🏁 <b>{client}</b> starts working at {place} on {day} at {time}.",
            client=client.name,
            place=place.name,
            day=day,
            time=start,
        )
    else:
        heading = t._(
            "🏁 <b>{client}</b> starts the internship at {place} on {day} at {time}.",
            client=client.name,
            place=place.name,
            day=day,
            time=start,
        )
    checklist = t._(
        "Please plan for that day:\n"
        "• a welcome\n"
        "• a tour of the workplace\n"
        "• suitable work clothes\n"
        "• a safe place (locker) for their belongings"
    )
    return f"{heading}\n\n{checklist}"


def ready_button(t: Translator, internship_id: int) -> InlineKeyboardMarkup:
    data = FirstDayReady(internship_id).pack()
    return InlineKeyboardMarkup([[InlineKeyboardButton(t.plain("✅ Ready"), callback_data=data)]])


def ready_text(
    t: Translator, internship: Internship, place: Workplace, client: Person, contact: Person
) -> str:
    """For the caseworker: the workplace confirmed it is ready."""
    return t._(
        "✅ {place} is ready for the first day of {client} on {day}. Confirmed by {contact}.",
        place=place.name,
        client=client.name,
        day=t.date(first_workday(internship)),
        contact=contact.name,
    )


# Reminders


async def plan(services: Services, internship: Internship) -> list[Plan]:
    """The three first-day reminders of an internship, at local wall-clock times."""
    tz = services.settings.timezone
    times = services.settings.reminder_times
    first = first_workday(internship)
    start = local_moment(first, internship.schedule.start, tz)
    morning = local_moment(first, times.first_day_morning, tz)
    plans = [
        Plan(EVE, local_moment(first - timedelta(days=1), times.first_day_eve, tz), start),
        Plan(MORNING, morning, max(start, morning + timedelta(hours=1))),
        Plan(
            EMPLOYER,
            local_moment(previous_workday(first, OFFICE_WEEK), times.first_day_employer, tz),
            start,
        ),
    ]
    now = services.clock.now()
    return [p for p in plans if p.expires_at > now]


async def _subject(
    services: Services, reminder: reminder_store.Reminder
) -> tuple[Internship, Workplace, Person] | None:
    internship = await internships.get(services.db, reminder.subject_id)
    if internship is None or not internship.is_open:
        return None
    place = await workplaces.get(services.db, internship.workplace_id)
    client = await people.get(services.db, internship.client_id)
    if place is None or client is None:
        return None
    return internship, place, client


async def _reported_sick_on(services: Services, client: Person, day: date) -> bool:
    """Whether an open sick report of the client covers `day`."""
    return any(r.covers(day) for r in await sick_reports.open_for_client(services.db, client.id))


async def remind_eve(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """The evening before: the card (and the map pin) to the client."""
    subject = await _subject(services, reminder)
    if subject is None:
        return "internship closed"
    internship, place, client = subject
    t = services.i18n.translator(client.language)
    call = await notify.whom_to_call(services, internship)
    text = card_text(t, internship, place, call)
    # An internship made on its first day gets the card that day, without "tomorrow".
    if services.today() < first_workday(internship):
        text = t._("⏰ Tomorrow you start!") + "\n\n" + text
    if not await services.outbox.message(client, text, kind=KIND):
        return "client not on Telegram"
    if place.latitude is not None and place.longitude is not None:
        await services.outbox.send(
            client,
            "sendLocation",
            {"latitude": place.latitude, "longitude": place.longitude},
            kind=KIND,
        )
    return None


async def remind_morning(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """The first morning: good luck, the start time and the address."""
    subject = await _subject(services, reminder)
    if subject is None:
        return "internship closed"
    internship, place, client = subject
    if await _reported_sick_on(services, client, first_workday(internship)):
        # The workplace and the caseworker know already; "good luck today" would jar.
        return "client reported sick"
    t = services.i18n.translator(client.language)
    if not await services.outbox.message(client, good_luck_text(t, internship, place), kind=KIND):
        return "client not on Telegram"
    return None


async def remind_employer(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """The workday before: who starts, when, the checklist and the "ready" button."""
    subject = await _subject(services, reminder)
    if subject is None:
        return "internship closed"
    internship, place, client = subject
    reached = await notify.about_internship(
        services,
        internship,
        lambda t: employer_text(t, internship, place, client),
        kind=KIND,
        audience=notify.Audience.EMPLOYER,
        employer_buttons=lambda t: ready_button(t, internship.id),
    )
    return None if reached else "no employer contact on Telegram"


REMINDERS = {EVE: remind_eve, MORNING: remind_morning, EMPLOYER: remind_employer}
