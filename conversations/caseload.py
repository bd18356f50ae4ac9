"""My caseload: a caseworker's internships, what needs action first, and the actions.

- The menu button lists the open internships (admins: everyone's), each with its
  status at a glance, sorted by what needs action first: evaluation late, sick now,
  evaluation due, evaluated (to close), starts soon, running.
- `cw:open:<id>` (a list button or the "Open" button of any notification) shows the
  detail: dates, reports, hours, evaluation, reminders and the audit trail, with the
  actions: extend, move the start, close with the outcome (and the contract-signing
  date), second chance, reassign, a new invite link, lock the hours, cancel.
- `cw:extend:<id>:<n>` (notification button) asks to confirm an extension by n
  workdays; `cw:later:<id>` plans a reminder to come back to it.

Every button is checked again on the server: the person must be a caseworker who
follows the internship, or an admin. After each change the internship's reminders
are planned again and an audit entry is written.
"""

from __future__ import annotations

import contextlib
import html
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import access, accounts, flows, menus, notify, workdays
from bot.clock import local_moment
from bot.context import BotContext
from bot.exports import MAX_WORKDAYS, premium_cents
from bot.flows import (
    back_to_menu,
    button,
    folded_text,
    leaving,
    local_today,
    parse_number,
    refuse,
    remove_buttons,
    say,
    staff,
    typed_text,
)
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.notify import Audience
from bot.parsing import Yearless, parse_day, parse_iso_day
from bot.reminders import Reminders
from bot.services import Services
from bot.store import audit, caseload, internships, people, reminders, workplaces
from bot.store.models import Internship, InternshipStatus, Person, Role
from conversations.new_internship import invite_message

log = logging.getLogger(__name__)

EXTEND_DAYS, MOVE_DATE, CONTRACT_DATE = range(3)

KEY = "caseload"
PAGE_SIZE = 8
LATER_KIND = "caseworker_later"
MAX_MESSAGE = 3900
SHOWN_HISTORY = 8
# The answer on a button of an internship that was closed or cancelled since.
NO_LONGER_OPEN = N_("This internship is no longer open.")


class Glance(StrEnum):
    EVALUATION_LATE = "evaluation_late"
    SICK = "sick"
    EVALUATION_DUE = "evaluation_due"
    EVALUATED = "evaluated"
    STARTS_SOON = "starts_soon"
    RUNNING = "running"


# In this order: what needs action first.
GLANCE_ORDER = list(Glance)
GLANCE_TEXT = {
    Glance.EVALUATION_LATE: ("🔴", N_("evaluation late")),
    Glance.SICK: ("🤒", N_("sick now")),
    Glance.EVALUATION_DUE: ("🟠", N_("evaluation due")),
    Glance.EVALUATED: ("✅", N_("evaluated")),
    Glance.STARTS_SOON: ("🗓", N_("starts soon")),
    Glance.RUNNING: ("🟢", N_("running")),
}
OUTCOME_TEXT = {
    "favourable": N_("favourable"),
    "less_favourable": N_("less favourable"),
    "negative": N_("negative"),
}
OUTCOME_CODES = {"f": "favourable", "l": "less_favourable", "n": "negative"}
OUTCOME_ICONS = {"f": "👍", "l": "🟡", "n": "👎"}
ABSENCE_TEXT = {
    "late": N_("late"),
    "appointment": N_("appointment"),
    "accident": N_("accident at work"),
    "no_show": N_("did not come"),
}


@dataclass(frozen=True)
class Line:
    """One internship of the caseload, with what it needs."""

    internship: Internship
    glance: Glance
    client: str
    workplace: str
    caseworker: str
    last_day: date
    due_day: date
    outcome: str | None


# Status at a glance


def glance_of(
    internship: Internship,
    now_local: datetime,
    deadline: time,
    sick: bool,
    outcome: str | None,
) -> Glance:
    """The status that matters most for the caseworker right now."""
    if outcome is not None or internship.status == InternshipStatus.EVALUATED:
        return Glance.EVALUATED
    today = now_local.date()
    due = workdays.due_day(internship)
    if today > due or (today == due and now_local.time() >= deadline):
        return Glance.EVALUATION_LATE
    if sick:
        return Glance.SICK
    if today >= workdays.office_day_before(due):
        return Glance.EVALUATION_DUE
    if today < internship.start_date:
        return Glance.STARTS_SOON
    return Glance.RUNNING


async def caseload_lines(services: Services, person: Person) -> list[Line]:
    """The person's open internships (an admin's: all), what needs action first."""
    db = services.db
    mine = await internships.visible_to(db, None if person.role == Role.ADMIN else person.id)
    ids = [i.id for i in mine]
    sick = await caseload.open_sick_internships(db, ids)
    evaluations = await caseload.evaluations(db, ids)
    now_local = services.clock.now().astimezone(services.settings.timezone)
    deadline = services.settings.reminder_times.evaluation_deadline
    lines = []
    for internship in mine:
        evaluation = evaluations.get(internship.id)
        outcome = internship.outcome or (
            evaluation.outcome if evaluation and evaluation.status == "submitted" else None
        )
        client = await people.get(db, internship.client_id)
        place = await workplaces.get(db, internship.workplace_id)
        caseworker = await people.get(db, internship.caseworker_id)
        lines.append(
            Line(
                internship=internship,
                glance=glance_of(internship, now_local, deadline, internship.id in sick, outcome),
                client=client.name if client else "?",
                workplace=place.name if place else "?",
                caseworker=caseworker.name if caseworker else "?",
                last_day=workdays.last_day(internship),
                due_day=workdays.due_day(internship),
                outcome=outcome,
            )
        )
    lines.sort(key=lambda x: (GLANCE_ORDER.index(x.glance), x.due_day, x.internship.id))
    return lines


def glance_label(t: Translator, line: Line) -> str:
    icon, text = GLANCE_TEXT[line.glance]
    label = f"{icon} {t.plain(text)}"
    if line.glance == Glance.EVALUATED and line.outcome in OUTCOME_TEXT:
        label += f": {t.plain(OUTCOME_TEXT[line.outcome])}"
    return label


# Small helpers


async def _internship(
    update: Update, context: BotContext, internship_id: int
) -> tuple[Person, Internship] | None:
    """The internship when this caseworker (or an admin) may act on it; else deny."""
    person = await staff(update, context)
    if person is None:
        return None
    internship = await internships.get(context.services.db, internship_id)
    if internship is None or not access.can_see_internship(person, internship):
        await access.deny(update, context)
        return None
    return person, internship


async def _name(services: Services, person_id: int | None) -> str:
    if person_id is None:
        return "—"
    person = await people.get(services.db, person_id)
    return person.name if person else "?"


# The list


async def show_caseload(update: Update, context: BotContext) -> int:
    """Menu "My caseload": the list, what needs action first."""
    person = await staff(update, context)
    if person is None:
        return ConversationHandler.END
    context.data.pop(KEY, None)
    await send_list(update, context, person, 0)
    return ConversationHandler.END


async def send_list(update: Update, context: BotContext, person: Person, page: int) -> None:
    """Send one page of the caseload, with a button per internship."""
    t = context.translator
    lines = await caseload_lines(context.services, person)
    if not lines:
        await say(update, context, context._("You have no open internships. ➕ New internship?"))
        return
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    header = context.ngettext(
        "<b>Your caseload:</b> {n} open internship",
        "<b>Your caseload:</b> {n} open internships",
        len(lines),
    )
    rows = []
    text_lines = [header, ""]
    for line in shown:
        text_lines.append(_list_line(context, line, person.role == Role.ADMIN))
        icon = GLANCE_TEXT[line.glance][0]
        rows.append(
            [
                button(
                    f"{icon} {line.client} · {line.workplace}"[:60], f"cw:open:{line.internship.id}"
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(button(t.plain("⬅️ Previous"), f"cl:page:{page - 1}"))
    if page < pages - 1:
        nav.append(button(t.plain("Next ➡️"), f"cl:page:{page + 1}"))
    if nav:
        rows.append(nav)
    await say(update, context, "\n".join(text_lines), InlineKeyboardMarkup(rows))


def _list_line(context: BotContext, line: Line, with_caseworker: bool) -> str:
    t = context.translator
    if line.glance == Glance.STARTS_SOON:
        when = context._("starts {day}", day=t.date(line.internship.start_date, "EEE d MMM"))
    elif line.glance in (Glance.EVALUATION_DUE, Glance.EVALUATION_LATE):
        when = context._("due {day}", day=t.date(line.due_day, "EEE d MMM"))
    else:
        when = context._("until {day}", day=t.date(line.last_day, "EEE d MMM"))
    text = context._(
        "{status} · <b>{client}</b> · {workplace} · {when}",
        status=glance_label(t, line),
        client=line.client,
        workplace=line.workplace,
        when=when,
    )
    if with_caseworker:
        text += context._(" · {caseworker}", caseworker=line.caseworker)
    return text


# The detail


async def open_internship(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cw:open:<id>`: everything about one internship, with the actions."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    await _answer(update)
    text, buttons = await detail(context, person, internship)
    await say(update, context, text, buttons)
    return ConversationHandler.END


async def detail(
    context: BotContext, person: Person, internship: Internship
) -> tuple[str, InlineKeyboardMarkup]:
    services, t = context.services, context.translator
    db = services.db
    line = next(
        (x for x in await caseload_lines(services, person) if x.internship.id == internship.id),
        None,
    )
    client = await people.get(db, internship.client_id)
    place = await workplaces.get(db, internship.workplace_id)
    schedule = internship.schedule
    days = workdays.internship_days(internship)
    parts = [
        context._(
            "<b>{client}</b> · {workplace}",
            client=client.name if client else "?",
            workplace=place.name if place else "?",
        ),
        context._(
            "Status: {status}",
            status=glance_label(t, line) if line else _closed(context, internship),
        ),
        context._(
            "Caseworker: {caseworker} · Contact person: {contact}",
            caseworker=await _name(services, internship.caseworker_id),
            contact=await _name(services, internship.employer_contact_id),
        ),
        context._(
            "Schedule: {days}, {start} – {end}",
            days=", ".join(_weekday_names(t)[d] for d in sorted(schedule.days)),
            start=t.time(schedule.start),
            end=t.time(schedule.end),
        ),
        context._(
            "From {first} to {last}: {count} workdays ({extra} added)",
            first=t.date(days[0], "EEE d MMM yyyy"),
            last=t.date(days[-1], "EEE d MMM yyyy"),
            count=internship.total_workdays,
            extra=internship.extension_workdays,
        ),
        context._(
            "Evaluation due: {day}, before noon",
            day=t.date(workdays.due_day(internship), "EEE d MMM"),
        ),
    ]
    parts.append("")
    parts.extend(await _reports(context, internship))
    hours_lines, can_lock = await _hours(context, internship)
    parts.extend(hours_lines)
    parts.extend(await _evaluation(context, internship))
    parts.append("")
    parts.extend(await _reminders(context, internship))
    parts.extend(await _history(context, internship))
    return _within_limit(parts), _actions(t, internship, can_lock)


def _within_limit(lines: list[str]) -> str:
    """Whole lines up to Telegram's message size: cutting inside a line could split a tag."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > MAX_MESSAGE:
            kept.append("…")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def _closed(context: BotContext, internship: Internship) -> str:
    t = context.translator
    if internship.status == InternshipStatus.CANCELLED:
        return context._("cancelled")
    outcome = (
        t.plain(OUTCOME_TEXT[internship.outcome]) if internship.outcome in OUTCOME_TEXT else ""
    )
    return context._("closed {outcome}", outcome=outcome)


def _weekday_names(t: Translator) -> list[str]:
    names = get_day_names("abbreviated", locale=t.locale)
    return [names[i] for i in range(7)]


async def _reports(context: BotContext, internship: Internship) -> list[str]:
    t = context.translator
    lines = []
    for report in await caseload.sick_reports(context.services.db, internship.id):
        until = (
            t.date(report.expected_last_day, "EEE d MMM")
            if report.expected_last_day
            else context._("unknown")
        )
        if report.status == "open":
            lines.append(
                context._(
                    "🤒 Sick since {first}, expected until {until}",
                    first=t.date(report.first_day, "EEE d MMM"),
                    until=until,
                )
            )
        else:
            lines.append(
                context._(
                    "🤒 Was sick from {first} (back {back})",
                    first=t.date(report.first_day, "EEE d MMM"),
                    back=t.date(report.recovered_on, "EEE d MMM") if report.recovered_on else "—",
                )
            )
    for absence in await caseload.absences(context.services.db, internship.id):
        lines.append(
            context._(
                "📅 {kind}: {day}",
                kind=t.plain(ABSENCE_TEXT.get(absence.kind, absence.kind)),
                day=t.date(absence.day, "EEE d MMM"),
            )
        )
    return lines or [context._("No sick reports or absences.")]


async def _hours(context: BotContext, internship: Internship) -> tuple[list[str], bool]:
    t = context.translator
    db = context.services.db
    submitted = (await caseload.latest_hours(db, [internship.id])).get(internship.id)
    if submitted is None:
        return [context._("⏱ Hours: not submitted yet")], False
    locked = internship.id in await caseload.hours_locks(db, [internship.id])
    hours, minutes = divmod(submitted.total_minutes, 60)
    text = context._(
        "⏱ Hours: {hours}:{minutes} (version {version}, {when}), premium {premium}",
        hours=hours,
        minutes=f"{minutes:02d}",
        version=submitted.version,
        when=t.date(submitted.submitted_at.astimezone(t.tz).date(), "d MMM"),
        premium=t.money(
            premium_cents(submitted.total_minutes, context.services.settings.premium_per_hour_cents)
        ),
    )
    text += " · " + (context._("🔒 locked") if locked else context._("not locked"))
    return [text], not locked


async def _evaluation(context: BotContext, internship: Internship) -> list[str]:
    t = context.translator
    evaluation = (await caseload.evaluations(context.services.db, [internship.id])).get(
        internship.id
    )
    closing = await caseload.closing(context.services.db, internship.id)
    lines = []
    if evaluation is None or evaluation.status != "submitted":
        lines.append(context._("📝 Evaluation: not submitted yet"))
    else:
        lines.append(
            context._(
                "📝 Evaluation: {outcome}",
                outcome=t.plain(OUTCOME_TEXT.get(evaluation.outcome or "", "?")),
            )
        )
    if closing.contract_signed_on:
        lines.append(
            context._(
                "✍️ Contract signed on {day}", day=t.date(closing.contract_signed_on, "d MMM yyyy")
            )
        )
    if closing.second_chance:
        lines.append(context._("🔁 Second chance at another workplace"))
    return lines


async def _reminders(context: BotContext, internship: Internship) -> list[str]:
    t = context.translator
    services = context.services
    done = [
        r for r in await services.reminders.history(services, internship.id) if r.status == "sent"
    ]
    if not done:
        return [context._("🔔 No reminders sent yet.")]
    lines = [context._("🔔 Reminders sent:")]
    for reminder in done[-SHOWN_HISTORY:]:
        lines.append(
            f"· {t.datetime(reminder.done_at or reminder.due_at, 'd MMM HH:mm')} "
            f"{html.escape(t.plain(services.reminders.label(reminder.kind)))}"
        )
    return lines


async def _history(context: BotContext, internship: Internship) -> list[str]:
    t = context.translator
    entries = await audit.for_subject(context.services.db, "internship", internship.id)
    lines = [context._("🗂 History:")]
    names: dict[int, str] = {}
    for entry in entries[-SHOWN_HISTORY:]:
        if entry.actor_id is not None and entry.actor_id not in names:
            names[entry.actor_id] = await _name(context.services, entry.actor_id)
        actor = names.get(entry.actor_id, "") if entry.actor_id is not None else "bot"
        lines.append(
            f"· {t.datetime(entry.at, 'd MMM HH:mm')} {entry.action} ({html.escape(actor)})"
        )
    return lines


def _actions(t: Translator, internship: Internship, can_lock: bool) -> InlineKeyboardMarkup:
    i = internship.id
    rows: list[list[InlineKeyboardButton]] = []
    if internship.is_open:
        rows.append(
            [
                button(t.plain("➕ Extend"), f"cl:ext:{i}"),
                button(t.plain("📅 Move start"), f"cl:move:{i}"),
            ]
        )
        rows.append(
            [
                button(t.plain("🏁 Close with outcome"), f"cl:close:{i}"),
                button(t.plain("🔁 Second chance"), f"cl:again:{i}"),
            ]
        )
    rows.append(
        [
            button(t.plain("👤 Reassign"), f"cl:reas:{i}"),
            button(t.plain("🔗 New invite link"), f"cl:link:{i}"),
        ]
    )
    if can_lock:
        rows.append([button(t.plain("🔒 Lock the hours"), f"cl:lock:{i}")])
    if internship.is_open:
        rows.append([button(t.plain("✖️ Cancel the internship"), f"cl:cancel:{i}")])
    rows.append([button(t.plain(flows.LATER), f"cw:later:{i}")])
    return InlineKeyboardMarkup(rows)


async def _answer(update: Update, text: str | None = None) -> None:
    """Answer the button press once (a second answer is refused by Telegram: ignored)."""
    if update.callback_query is not None:
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer(text)


# Extending


async def ask_extension(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:ext:<id>`: by how many workdays?"""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    _, internship = found
    if not await _still_open(update, context, internship):
        return ConversationHandler.END
    await _answer(update)
    context.data[KEY] = {"internship_id": internship.id}
    buttons = [button(str(n), f"cw:extend:{internship.id}:{n}") for n in (1, 2, 3, 5)]
    await say(
        update,
        context,
        context._("By how many workdays do you extend the internship? Pick or type a number."),
        InlineKeyboardMarkup([buttons]),
    )
    return EXTEND_DAYS


async def extension_typed(update: Update, context: BotContext) -> int | None:
    """Typed: the number of workdays to add."""
    text = folded_text(update)
    internship_id = context.data.get(KEY, {}).get("internship_id")
    if internship_id is None:
        return ConversationHandler.END
    extra = parse_number(text, 1, MAX_WORKDAYS)
    if extra is None:
        await say(
            update,
            context,
            context._("Please type a number of workdays from 1 to {most}.", most=MAX_WORKDAYS),
        )
        return EXTEND_DAYS
    return await confirm_extension(update, context, int(internship_id), extra)


async def confirm_extension(
    update: Update, context: BotContext, internship_id: int, extra: int
) -> int | None:
    """`cw:extend:<id>:<n>` (also from a notification): confirm with the new dates."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    _, internship = found
    if not await _still_open(update, context, internship):
        return ConversationHandler.END
    if not 1 <= extra <= MAX_WORKDAYS:
        await _answer(update)
        return ConversationHandler.END
    await _answer(update)
    t = context.translator
    total = internship.total_workdays + extra
    last = workdays.workdays_from(internship.start_date, internship.schedule, total)[-1]
    due = workdays.evaluation_due_day(internship.start_date, internship.schedule, total)
    await say(
        update,
        context,
        context.ngettext(
            "Extend the internship of {client} by {n} workday? The last day becomes {last}, "
            "the evaluation is due on {due}.",
            "Extend the internship of {client} by {n} workdays? The last day becomes {last}, "
            "the evaluation is due on {due}.",
            extra,
            client=await _name(context.services, internship.client_id),
            last=t.date(last, "EEEE d MMMM"),
            due=t.date(due, "EEEE d MMMM"),
        ),
        _confirm(
            t,
            t.plain("✅ Extend"),
            # The current extension rides along, so a second tap extends nothing.
            f"cl:ext!:{internship.id}:{extra}:{internship.extension_workdays}",
            internship.id,
        ),
    )
    context.data.pop(KEY, None)
    return ConversationHandler.END


def _confirm(t: Translator, yes: str, yes_data: str, internship_id: int) -> InlineKeyboardMarkup:
    """A yes button for the action, and "No", which leaves everything as it is."""
    return InlineKeyboardMarkup(
        [[button(yes, yes_data), button(t.plain("✖️ No"), f"cl:no:{internship_id}")]]
    )


async def extend(
    update: Update, context: BotContext, internship_id: int, extra: int, seen: int
) -> int | None:
    """`cl:ext!:<id>:<n>:<extension seen>`: extend, replan, tell the workplace and the client."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    if not await _still_open(update, context, internship) or not 1 <= extra <= MAX_WORKDAYS:
        return ConversationHandler.END
    services = context.services
    now = services.clock.now()
    async with services.db.transaction():
        if not await internships.extend(services.db, internship.id, extra, now, expected=seen):
            # A second tap, or the internship changed since the question: nothing happens.
            await _answer(update, context.translator.plain(access.EXPIRED))
            await _remove_buttons(update)
            return ConversationHandler.END
        await audit.record(
            services.db,
            now,
            person.id,
            "internship.extended",
            "internship",
            internship.id,
            workdays=extra,
        )
        await services.reminders.replan_internship(services, internship.id)
        changed = await internships.get(services.db, internship.id)
        assert changed is not None
        await _tell_about_dates(services, changed, "extended")
    await _answer(update, context.translator.plain("Extended."))
    await _remove_buttons(update)
    return await _show_after(update, context, person, changed)


# Moving the start


async def ask_new_start(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:move:<id>`: the new first day."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    _, internship = found
    if not await _still_open(update, context, internship):
        return ConversationHandler.END
    if internship.start_date <= local_today(context.services):
        await _answer(update, context.translator.plain("This internship has already started."))
        return ConversationHandler.END
    await _answer(update)
    context.data[KEY] = {"internship_id": internship.id}
    t = context.translator
    first = workdays.workdays_from(
        local_today(context.services) + timedelta(days=1), internship.schedule, 5
    )
    buttons = [
        [button(t.date(day, "EEEE d MMMM"), f"cl:mv!:{internship.id}:{day.isoformat()}")]
        for day in first
    ]
    await say(
        update,
        context,
        context._("What is the new first day? Pick it, or type the date (30/11/2026)."),
        InlineKeyboardMarkup(buttons),
    )
    return MOVE_DATE


async def new_start_typed(update: Update, context: BotContext) -> int | None:
    """Typed: the new first day."""
    internship_id = context.data.get(KEY, {}).get("internship_id")
    if internship_id is None:
        return ConversationHandler.END
    day = parse_day(folded_text(update), local_today(context.services), Yearless.NEXT)
    if day is None:
        await say(
            update,
            context,
            context._("I do not understand this date. Please type it like this: 30/11/2026"),
        )
        return MOVE_DATE
    return await move_start(update, context, int(internship_id), day)


async def move_start(
    update: Update, context: BotContext, internship_id: int, day: date
) -> int | None:
    """`cl:mv!:<id>:<date>` or typed: move the start, replan, tell the others."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    if not await _still_open(update, context, internship):
        return ConversationHandler.END
    today = local_today(context.services)
    if day <= today or day > today + timedelta(days=366):
        await _answer(update)
        await say(update, context, context._("Please choose a day after today, within a year."))
        return MOVE_DATE
    if not workdays.is_workday(day, internship.schedule):
        await _answer(update)
        await say(
            update,
            context,
            context._(
                "{day} is not a workday of this schedule (or a public holiday). "
                "Please choose another day.",
                day=context.translator.date(day, "EEEE d MMMM yyyy"),
            ),
        )
        return MOVE_DATE
    services = context.services
    now = services.clock.now()
    async with services.db.transaction():
        await internships.move_start(services.db, internship.id, day, now)
        await audit.record(
            services.db,
            now,
            person.id,
            "internship.start_moved",
            "internship",
            internship.id,
            old=internship.start_date.isoformat(),
            new=day.isoformat(),
        )
        await services.reminders.replan_internship(services, internship.id)
        changed = await internships.get(services.db, internship.id)
        assert changed is not None
        await _tell_about_dates(services, changed, "moved")
    await _answer(update)
    await _remove_buttons(update)
    context.data.pop(KEY, None)
    return await _show_after(update, context, person, changed)


async def _tell_about_dates(services: Services, internship: Internship, what: str) -> None:
    """Tell the workplace and the client the new dates (inside the caller's transaction)."""
    client = await people.get(services.db, internship.client_id)
    client_name = client.name if client else ""
    first, last = workdays.internship_days(internship)[0], workdays.last_day(internship)

    def for_employer(t: Translator) -> str:
        if what == "extended":
            return t._(
                "The internship of {client} is extended. The last day is now {last}; the "
                "evaluation is due on {due}.",
                client=client_name,
                last=t.date(last, "EEEE d MMMM"),
                due=t.date(workdays.due_day(internship), "EEEE d MMMM"),
            )
        return t._(
            "The internship of {client} now starts on {first}.",
            client=client_name,
            first=t.date(first, "EEEE d MMMM"),
        )

    def for_client(t: Translator) -> str:
        if what == "extended":
            return t._(
                "Your internship is longer. Your last day is now {last}.",
                last=t.date(last, "EEEE d MMMM"),
            )
        return t._(
            "Your internship starts on another day: {first}.", first=t.date(first, "EEEE d MMMM")
        )

    await notify.about_internship(
        services, internship, for_employer, "internship", Audience.EMPLOYER
    )
    if client is not None:
        await notify.to_person(services, client, for_client, "internship")


# Cancelling


async def ask_cancel(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:cancel:<id>`: are you sure?"""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    if not await _still_open(update, context, found[1]):
        return ConversationHandler.END
    await _answer(update)
    t = context.translator
    await say(
        update,
        context,
        context._(
            "Cancel the internship of {client}? The reminders stop and the workplace and the "
            "client are told.",
            client=await _name(context.services, found[1].client_id),
        ),
        _confirm(t, t.plain("✅ Yes, cancel it"), f"cl:cancel!:{internship_id}", internship_id),
    )
    return ConversationHandler.END


async def cancel_internship(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:cancel!:<id>`: cancel, stop the reminders, tell the others."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    if not await _still_open(update, context, found[1]):
        return ConversationHandler.END
    person, internship = found
    services = context.services
    now = services.clock.now()
    client = await people.get(services.db, internship.client_id)
    place = await workplaces.get(services.db, internship.workplace_id)
    client_name, place_name = (client.name if client else ""), (place.name if place else "")
    async with services.db.transaction():
        await internships.cancel(services.db, internship.id, now)
        await audit.record(
            services.db, now, person.id, "internship.cancelled", "internship", internship.id
        )
        await services.reminders.replan_internship(services, internship.id)
        await notify.about_internship(
            services,
            internship,
            lambda t: t._("The internship of {client} is cancelled.", client=client_name),
            "internship",
            Audience.EMPLOYER,
        )
        if client is not None:
            await notify.to_person(
                services,
                client,
                lambda t: t._(
                    "Your internship at {workplace} will not take place. Your caseworker "
                    "will contact you.",
                    workplace=place_name,
                ),
                "internship",
            )
    await _answer(update)
    await _remove_buttons(update)
    await say(
        update, context, context._("The internship of {client} is cancelled.", client=client_name)
    )
    return ConversationHandler.END


# Closing with the outcome


async def ask_outcome(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:close:<id>`: which outcome?"""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    if not await _still_open(update, context, found[1]):
        return ConversationHandler.END
    await _answer(update)
    t = context.translator
    evaluation = (await caseload.evaluations(context.services.db, [internship_id])).get(
        internship_id
    )
    text = context._("What is the outcome of the internship?")
    if evaluation is not None and evaluation.status == "submitted" and evaluation.outcome:
        text += "\n" + context._(
            "The workplace's evaluation: {outcome}.",
            outcome=t.plain(OUTCOME_TEXT.get(evaluation.outcome, "?")),
        )
    buttons = [
        [
            button(
                f"{OUTCOME_ICONS[code]} {t.plain(OUTCOME_TEXT[outcome])}",
                f"cl:out:{internship_id}:{code}",
            )
        ]
        for code, outcome in OUTCOME_CODES.items()
    ]
    await say(update, context, text, InlineKeyboardMarkup(buttons))
    return ConversationHandler.END


async def outcome_chosen(
    update: Update, context: BotContext, internship_id: int, code: str
) -> int | None:
    """`cl:out:<id>:<f|l|n>`: favourable asks the signing date; the others close at once."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    if not await _still_open(update, context, found[1]):
        return ConversationHandler.END
    outcome = OUTCOME_CODES.get(code)
    if outcome is None:
        await _answer(update)
        return ConversationHandler.END
    await _answer(update)
    await _remove_buttons(update)
    if outcome != "favourable":
        return await close(update, context, internship_id, outcome, None)
    context.data[KEY] = {"internship_id": internship_id}
    t = context.translator
    today = local_today(context.services)
    await say(
        update,
        context,
        context._(
            "On which day is (or was) the contract signed? Pick it, or type the date (30/11/2026)."
        ),
        InlineKeyboardMarkup(
            [
                [button(t.date(day, "EEEE d MMMM"), f"cl:sign:{internship_id}:{day.isoformat()}")]
                for day in [
                    today,
                    *workdays.workdays_from(today + timedelta(days=1), workdays.OFFICE_WEEK, 3),
                ]
            ]
        ),
    )
    return CONTRACT_DATE


async def contract_date_typed(update: Update, context: BotContext) -> int | None:
    """Typed: the contract-signing day."""
    internship_id = context.data.get(KEY, {}).get("internship_id")
    if internship_id is None:
        return ConversationHandler.END
    day = parse_day(
        folded_text(update), local_today(context.services) - timedelta(days=60), Yearless.NEXT
    )
    if day is None:
        await say(
            update,
            context,
            context._("I do not understand this date. Please type it like this: 30/11/2026"),
        )
        return CONTRACT_DATE
    return await close(update, context, int(internship_id), "favourable", day)


async def close(
    update: Update,
    context: BotContext,
    internship_id: int,
    outcome: str,
    signed_on: date | None,
    second_chance: bool = False,
) -> int | None:
    """Close the internship with its outcome; the reminders stop."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    if not await _still_open(update, context, found[1]):
        return ConversationHandler.END
    person, internship = found
    services = context.services
    now = services.clock.now()
    async with services.db.transaction():
        await internships.close(services.db, internship.id, outcome, signed_on, now, second_chance)
        await audit.record(
            services.db,
            now,
            person.id,
            "internship.closed",
            "internship",
            internship.id,
            outcome=outcome,
            contract_signed_on=signed_on.isoformat() if signed_on else None,
            second_chance=second_chance,
        )
        await services.reminders.replan_internship(services, internship.id)
    await _answer(update)
    context.data.pop(KEY, None)
    t = context.translator
    client = await _name(services, internship.client_id)
    text = context._(
        "The internship of {client} is closed: {outcome}.",
        client=client,
        outcome=t.plain(OUTCOME_TEXT[outcome]),
    )
    if signed_on is not None:
        text += "\n" + context._(
            "Contract signed on {day}; the client starts the next workday.",
            day=t.date(signed_on, "EEEE d MMMM"),
        )
    buttons = None
    if outcome != "favourable" or second_chance:
        buttons = InlineKeyboardMarkup(
            [
                [
                    button(
                        t.plain("➕ New internship for {client}", client=client)[:60],
                        f"ni:again:{internship.id}",
                    )
                ]
            ]
        )
        if not second_chance:
            buttons = InlineKeyboardMarkup(
                [[button(t.plain("🔁 Second chance"), f"cl:again:{internship.id}")]]
            )
    await say(update, context, text, buttons)
    return ConversationHandler.END


# Second chance


async def ask_second_chance(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:again:<id>`: mark a second chance and start a new internship for the client."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    await _answer(update)
    t = context.translator
    client = await _name(context.services, found[1].client_id)
    await say(
        update,
        context,
        context._(
            "Second chance for {client}: this internship is closed (if it is still open) and "
            "you enter a new internship at another workplace. Go on?",
            client=client,
        ),
        _confirm(t, t.plain("✅ Yes"), f"cl:again!:{internship_id}", internship_id),
    )
    return ConversationHandler.END


async def second_chance(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:again!:<id>`: record it, close when open, offer the new internship."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    await _remove_buttons(update)
    if internship.is_open:
        return await close(
            update, context, internship_id, internship.outcome or "negative", None, True
        )
    services = context.services
    now = services.clock.now()
    async with services.db.transaction():
        await internships.close(
            services.db,
            internship.id,
            internship.outcome or "negative",
            (await caseload.closing(services.db, internship.id)).contract_signed_on,
            now,
            second_chance=True,
        )
        await audit.record(
            services.db, now, person.id, "internship.second_chance", "internship", internship.id
        )
    await _answer(update)
    t = context.translator
    client = await _name(services, internship.client_id)
    await say(
        update,
        context,
        context._("Second chance recorded for {client}.", client=client),
        InlineKeyboardMarkup(
            [
                [
                    button(
                        t.plain("➕ New internship for {client}", client=client)[:60],
                        f"ni:again:{internship.id}",
                    )
                ]
            ]
        ),
    )
    return ConversationHandler.END


# Reassigning


async def ask_reassign(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:reas:<id>`: to which caseworker?"""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    await _answer(update)
    others = [
        p
        for p in await people.by_role(context.services.db, Role.CASEWORKER)
        if p.id != found[1].caseworker_id
    ]
    if not others:
        await say(update, context, context._("There is no other caseworker yet."))
        return ConversationHandler.END
    await say(
        update,
        context,
        context._("Who follows this internship from now on?"),
        InlineKeyboardMarkup(
            [[button(f"👤 {p.name}", f"cl:to:{internship_id}:{p.id}")] for p in others[:20]]
        ),
    )
    return ConversationHandler.END


async def reassign(
    update: Update, context: BotContext, internship_id: int, to_id: int
) -> int | None:
    """`cl:to:<id>:<caseworker id>`: reassign, and tell the new caseworker."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    services = context.services
    new = await people.get(services.db, to_id)
    if new is None or new.role != Role.CASEWORKER or new.id == internship.caseworker_id:
        await refuse(update, context)
        return None
    now = services.clock.now()
    client = await _name(services, internship.client_id)
    async with services.db.transaction():
        await internships.reassign(services.db, internship.id, new.id, now)
        await audit.record(
            services.db,
            now,
            person.id,
            "internship.reassigned",
            "internship",
            internship.id,
            old=internship.caseworker_id,
            new=new.id,
        )
        await services.reminders.replan_internship(services, internship.id)
        await notify.to_person(
            services,
            new,
            lambda t: t._(
                "👤 {by} gave you the internship of {client}.", by=person.name, client=client
            ),
            "internship",
            buttons=lambda t: notify.caseworker_buttons(t, internship.id),
        )
    await _answer(update)
    await _remove_buttons(update)
    await say(
        update,
        context,
        context._(
            "{caseworker} now follows the internship of {client}.",
            caseworker=new.name,
            client=client,
        ),
    )
    return ConversationHandler.END


# New invite links


async def ask_relink(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:link:<id>`: whose link?"""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    internship = found[1]
    await _answer(update)
    t = context.translator
    rows = [
        [
            button(
                t.plain("Client: {name}", name=await _name(context.services, internship.client_id)),
                f"cl:rl:{internship_id}:c",
            )
        ]
    ]
    if internship.employer_contact_id is not None:
        rows.append(
            [
                button(
                    t.plain(
                        "Contact person: {name}",
                        name=await _name(context.services, internship.employer_contact_id),
                    ),
                    f"cl:rl:{internship_id}:e",
                )
            ]
        )
    await say(
        update,
        context,
        context._(
            "Whose Telegram link do you replace? Their current connection stops (a lost "
            "phone, for instance) and you get a new link to forward."
        ),
        InlineKeyboardMarkup(rows),
    )
    return ConversationHandler.END


async def relink(update: Update, context: BotContext, internship_id: int, who: str) -> int | None:
    """`cl:rl:<id>:<c|e>`: revoke the link and make a new invite."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    target_id = internship.client_id if who == "c" else internship.employer_contact_id
    services = context.services
    target = await people.get(services.db, target_id) if target_id is not None else None
    if target is None:
        await refuse(update, context)
        return None
    username = services.settings.bot_username or context.bot.username
    async with services.db.transaction():
        await accounts.unlink(services, target, person.id)
        token = await accounts.create_invite(services, target, person.id)
        await audit.record(
            services.db,
            services.clock.now(),
            person.id,
            "invite.renewed",
            "internship",
            internship.id,
            person=target.id,
        )
        # Through the outbox, with the token: a link is only handed out once it is stored.
        await services.outbox.message(
            person,
            context._(
                "{name} is disconnected. Forward the next message to them:", name=target.name
            ),
            kind="invite",
        )
        await services.outbox.message(
            person,
            invite_message(services, target, accounts.deep_link(username, token)),
            kind="invite",
        )
    await _answer(update)
    await _remove_buttons(update)
    return ConversationHandler.END


# Hours


async def lock_hours(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:lock:<id>`: the caseworker checked the hours; the workplace can no longer change them."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    answer = await lock(context, person, internship)
    await _answer(update, answer)
    return ConversationHandler.END


async def lock(context: BotContext, person: Person, internship: Internship) -> str:
    """Lock the hours of an internship; the answer for the caseworker."""
    services = context.services
    if not (await caseload.latest_hours(services.db, [internship.id])):
        return context.translator.plain("No hours were submitted yet.")
    now = services.clock.now()
    async with services.db.transaction():
        locked = await caseload.lock_hours(services.db, internship.id, person.id, now)
        if locked:
            await audit.record(
                services.db, now, person.id, "hours.locked", "internship", internship.id
            )
    if not locked:
        return context.translator.plain("These hours were already locked.")
    return context.translator.plain("🔒 Hours locked.")


# Later


async def ask_later(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cw:later:<id>`: when to come back to it."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    await _answer(update)
    t = context.translator
    await say(
        update,
        context,
        context._("When shall I remind you?"),
        InlineKeyboardMarkup(
            [
                [
                    button(t.plain("In 2 hours"), f"cl:snz:{internship_id}:2h"),
                    button(t.plain("Tomorrow 9:00"), f"cl:snz:{internship_id}:tm"),
                ]
            ]
        ),
    )
    return ConversationHandler.END


async def snooze(update: Update, context: BotContext, internship_id: int, when: str) -> int | None:
    """`cl:snz:<id>:<2h|tm>`: plan the reminder."""
    found = await _internship(update, context, internship_id)
    if found is None:
        return None
    person, internship = found
    services = context.services
    now = services.clock.now()
    if when == "2h":
        due = now + timedelta(hours=2)
    else:
        due = local_moment(
            local_today(services) + timedelta(days=1), time(9, 0), services.settings.timezone
        )
    async with services.db.transaction():
        await services.reminders.plan(
            services, LATER_KIND, internship.id, due, due + timedelta(days=1)
        )
        await audit.record(
            services.db,
            now,
            person.id,
            "internship.remind_later",
            "internship",
            internship.id,
            due=due.isoformat(),
        )
    await _answer(update)
    await _remove_buttons(update)
    await say(
        update,
        context,
        context._(
            "OK, I will remind you on {when}.",
            when=context.translator.datetime(due, "EEEE d MMMM HH:mm"),
        ),
    )
    return ConversationHandler.END


async def send_later_reminder(services: Services, reminder: reminders.Reminder) -> str | None:
    """The `caseworker_later` reminder: back to an internship, with its buttons."""
    internship = await internships.get(services.db, reminder.subject_id)
    if internship is None or not internship.is_open:
        return "internship closed"
    caseworker = await people.get(services.db, internship.caseworker_id)
    if caseworker is None:
        return "no caseworker"
    client = await _name(services, internship.client_id)
    sent = await notify.to_person(
        services,
        caseworker,
        lambda t: t._("⏰ You wanted to come back to the internship of {client}.", client=client),
        "reminder",
        buttons=lambda t: notify.caseworker_buttons(t, internship.id),
        dedupe_key=f"later:{reminder.id}",
    )
    return None if sent else "caseworker not reachable"


# Dispatching the buttons


# How many parts each `cw:`/`cl:` action has after the internship id (the page number
# for `page`); anything else (forged, or cut short) is refused before an action reads it.
SHAPES = {
    "page": 0,
    "open": 0,
    "ext": 0,
    "move": 0,
    "cancel": 0,
    "cancel!": 0,
    "close": 0,
    "again": 0,
    "again!": 0,
    "reas": 0,
    "link": 0,
    "lock": 0,
    "later": 0,
    "no": 0,
    "extend": 1,
    "ext!": 2,
    "mv!": 1,
    "sign": 1,
    "out": 1,
    "to": 1,
    "rl": 1,
    "snz": 1,
}


async def on_button(update: Update, context: BotContext) -> int | None:
    """Every `cw:` and `cl:` button: parse, then the action (each checks access again).

    A button that does not parse is refused, and the step stays as it is.
    """
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    number = parse_number(parts[2], low=0) if len(parts) > 2 else None
    args = parts[3:]
    if action not in SHAPES or number is None or len(args) != SHAPES[action]:
        await refuse(update, context)
        return None
    if action == "page":
        person = await staff(update, context)
        if person is None:
            return None
        await query.answer()
        await send_list(update, context, person, number)
        return ConversationHandler.END
    simple = {
        "open": open_internship,
        "ext": ask_extension,
        "move": ask_new_start,
        "cancel": ask_cancel,
        "cancel!": cancel_internship,
        "close": ask_outcome,
        "again": ask_second_chance,
        "again!": second_chance,
        "reas": ask_reassign,
        "link": ask_relink,
        "lock": lock_hours,
        "later": ask_later,
        "no": _dismiss,
    }
    if action in simple:
        return await simple[action](update, context, number)
    arg = args[0]
    day = parse_iso_day(arg)
    extra = parse_number(arg, 1, MAX_WORKDAYS)
    if action == "extend" and extra is not None:
        return await confirm_extension(update, context, number, extra)
    if action == "ext!" and extra is not None:
        seen = parse_number(args[1], low=0)
        if seen is not None:
            return await extend(update, context, number, extra, seen)
    if action == "mv!" and day is not None:
        return await move_start(update, context, number, day)
    if action == "sign" and day is not None:
        return await close(update, context, number, "favourable", day)
    if action == "out" and arg in OUTCOME_CODES:
        return await outcome_chosen(update, context, number, arg)
    to_id = parse_number(arg)
    if action == "to" and to_id is not None:
        return await reassign(update, context, number, to_id)
    if action == "rl" and arg in ("c", "e"):
        return await relink(update, context, number, arg)
    if action == "snz" and arg in ("2h", "tm"):
        return await snooze(update, context, number, arg)
    await refuse(update, context)
    return None


async def _dismiss(update: Update, context: BotContext, internship_id: int) -> int | None:
    """`cl:no:<id>`: nothing happens."""
    if await _internship(update, context, internship_id) is None:
        return None
    await _answer(update, context.translator.plain("Nothing was changed."))
    await _remove_buttons(update)
    context.data.pop(KEY, None)
    return ConversationHandler.END


async def _still_open(update: Update, context: BotContext, internship: Internship) -> bool:
    """Whether the internship is open; otherwise say so on the button."""
    if internship.is_open:
        return True
    await _answer(update, context.translator.plain(NO_LONGER_OPEN))
    return False


async def _remove_buttons(update: Update) -> None:
    """Take the buttons off the message whose button was pressed."""
    if update.callback_query is not None:
        await remove_buttons(update.callback_query.message)


async def _show_after(
    update: Update, context: BotContext, person: Person, internship: Internship
) -> int:
    """Show the internship's detail again after a change."""
    text, buttons = await detail(context, person, internship)
    await say(update, context, text, buttons)
    return ConversationHandler.END


# Leaving


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button while the caseload waits for typed input."""
    context.data.pop(KEY, None)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._("Stopped. Nothing was changed."))


async def leave(update: Update, context: BotContext) -> int:
    """Another menu button, command or button: end quietly so that flow starts."""
    context.data.pop(KEY, None)
    return ConversationHandler.END


def register_reminders(reminders_: Reminders) -> None:
    reminders_.register(LATER_KIND, send_later_reminder, label=N_("come back to it later"))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    typed = typed_text(i18n)
    buttons: BaseHandler[Update, Any, Any] = CallbackQueryHandler(on_button, pattern=r"^c[wl]:")
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        EXTEND_DAYS: [buttons, MessageHandler(typed, extension_typed)],
        MOVE_DATE: [buttons, MessageHandler(typed, new_start_typed)],
        CONTRACT_DATE: [buttons, MessageHandler(typed, contract_date_typed)],
    }
    conversation: ConversationHandler[Any] = ConversationHandler(
        name="caseload",
        persistent=True,
        per_message=False,
        entry_points=[*menus.entry_points(i18n, Action.CASELOAD, show_caseload), buttons],
        states=states,
        # The menu button and the buttons work at any step.
        allow_reentry=True,
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            MessageHandler(leaving(i18n), leave),
            CallbackQueryHandler(leave),
        ],
    )
    return [conversation]
