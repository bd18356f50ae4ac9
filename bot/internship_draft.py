"""A new internship as the caseworker enters it, shared by the new-internship flows.

The flow is three conversation modules (`conversations.new_internship`, `..._plan`,
`..._create`) that fill one draft, kept in the persisted scratch data under `KEY` so
nothing typed is lost: the client, the workplace and the contact, then the schedule,
the dates and the first day, then the confirmation. Here are the pieces two of them
show (the weekday question, the summary) and the draft as the action takes it.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from babel.dates import get_day_names
from telegram import InlineKeyboardMarkup

from bot import flows, phones, workdays
from bot.absence_texts import minutes_label
from bot.actions.internships import Draft, NewWorkplace
from bot.buttons import Weekday, WeekdaysDone
from bot.context import BotContext
from bot.flows import button
from bot.i18n import Translator
from bot.services import Services
from bot.store.models import Schedule

KEY = "new_internship"
DEFAULT_DAYS = [0, 1, 2, 3, 4]


def of(context: BotContext) -> dict[str, Any]:
    """The draft in progress (a new one when there is none)."""
    data: dict[str, Any] = context.data.setdefault(KEY, {})
    return data


def peek(context: BotContext) -> dict[str, Any]:
    """The draft in progress, or an empty one (nothing is stored for a stray press)."""
    data: dict[str, Any] = context.data.get(KEY) or {}
    return data


def has_client_and_workplace(data: dict[str, Any]) -> bool:
    """Whether the first part is filled in (else the press is of an older draft)."""
    workplace = data.get("workplace_id") or (data.get("new_workplace") or {}).get("kind")
    return bool(data.get("client_name") and data.get("workplace_name") and workplace)


def is_complete(data: dict[str, Any]) -> bool:
    """Whether every step up to the confirmation was answered."""
    steps = ("days", "hours", "start", "length", "dutch_lessons")
    return has_client_and_workplace(data) and all(key in data for key in steps)


def schedule_of(data: dict[str, Any], usual_break: int) -> Schedule:
    """The schedule entered; without a break answered (a draft from before the question
    existed) the usual one for the day's length."""
    first, last = data["hours"].split("-")
    start, end = time.fromisoformat(first), time.fromisoformat(last)
    pause = data.get("break_minutes")
    if not isinstance(pause, int):
        pause = workdays.usual_break(start, end, usual_break)
    return Schedule(frozenset(data["days"]), start, end, pause)


async def ask_weekdays(context: BotContext, chat_id: int) -> None:
    """Ask the weekdays of the schedule (Monday to Friday to start with)."""
    data = of(context)
    data.setdefault("days", list(DEFAULT_DAYS))
    await context.bot.send_message(
        chat_id,
        context._("On which weekdays does the client work? Tap to change, then Done."),
        reply_markup=weekdays_keyboard(context.translator, data["days"]),
    )


def weekdays_keyboard(t: Translator, chosen: list[int]) -> InlineKeyboardMarkup:
    names = get_day_names("wide", locale=t.locale)
    buttons = [
        button(("✅ " if day in chosen else "▫️ ") + names[day], Weekday(day).pack())
        for day in range(7)
    ]
    rows = [buttons[0:3], buttons[3:5], buttons[5:7]]
    rows.append([button(t.plain(flows.DONE), WeekdaysDone().pack())])
    return InlineKeyboardMarkup(rows)


def summary(services: Services, t: Translator, data: dict[str, Any]) -> str:
    """The internship as entered, for the caseworker to check."""
    schedule = schedule_of(data, services.settings.break_minutes)
    start = date.fromisoformat(data["start"])
    days = workdays.workdays_from(start, schedule, data["length"])
    due = workdays.evaluation_due_day(start, schedule, data["length"])
    names = get_day_names("abbreviated", locale=t.locale)
    language = data.get("client_language") or services.i18n.default_language
    none = "—"
    lines = [
        t._(
            "<b>Client:</b> {name} ({language})",
            name=data["client_name"],
            language=services.i18n.name_of(language),
        ),
        t._("<b>Workplace:</b> {name}", name=data["workplace_name"]),
        t._("<b>Contact person:</b> {name}", name=data.get("contact_name") or none)
        + (f", {phones.shown(data['contact_phone'])}" if data.get("contact_phone") else ""),
        t._(
            "<b>Schedule:</b> {days}, {start} – {end}",
            days=", ".join(names[d] for d in sorted(schedule.days)),
            start=t.time(schedule.start),
            end=t.time(schedule.end),
        ),
        break_line(t, schedule),
        t._(
            "<b>Dates:</b> {first} to {last} ({count} workdays)",
            first=t.date(days[0], "EEEE d MMMM yyyy"),
            last=t.date(days[-1], "EEEE d MMMM yyyy"),
            count=data["length"],
        ),
        t._("<b>Evaluation due:</b> {day}, before noon", day=t.date(due, "EEEE d MMMM")),
        t._("<b>Meeting point:</b> {text}", text=data.get("meeting_point") or none),
        t._("<b>Ask for:</b> {text}", text=data.get("first_day_contact") or none),
        t._("<b>Bring:</b> {text}", text=data.get("what_to_bring") or none),
        t._("<b>Dutch lessons:</b> {text}", text=data.get("dutch_lessons") or none),
    ]
    return "\n".join(lines)


def break_line(t: Translator, schedule: Schedule) -> str:
    """The break as the summaries show it."""
    if not schedule.break_minutes:
        return t._("<b>Break:</b> none")
    return t._(
        "<b>Break:</b> {length} a day, not counted in the hours",
        length=minutes_label(t, schedule.break_minutes),
    )


def draft_of(data: dict[str, Any], usual_break: int) -> Draft:
    """The draft as `bot.actions.internships.create` takes it."""
    new = data.get("new_workplace")
    return Draft(
        start=date.fromisoformat(data["start"]),
        schedule=schedule_of(data, usual_break),
        length=data["length"],
        client_name=data["client_name"],
        client_language=data.get("client_language"),
        previous_id=data.get("previous_id"),
        workplace_id=data.get("workplace_id"),
        new_workplace=NewWorkplace(new["name"], new["address"]) if new else None,
        contact_id=data.get("contact_id"),
        contact_name="" if data.get("contact_id") else data.get("contact_name", ""),
        contact_phone="" if data.get("contact_id") else data.get("contact_phone", ""),
        meeting_point=data.get("meeting_point", ""),
        first_day_contact=data.get("first_day_contact", ""),
        what_to_bring=data.get("what_to_bring", ""),
        dutch_lessons=data.get("dutch_lessons", ""),
    )
