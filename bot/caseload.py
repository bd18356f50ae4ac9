"""The caseload as the caseworker flows show it: status at a glance, the detail of one
internship with its action buttons, and the short answers to a refused action.

Shared by the caseworker conversations (`conversations.caseload` and the flows of the
detail's actions), which show the detail again after a change.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, flows, internship_draft, menus, phones, workdays
from bot.actions import internships as actions
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    NothingSubmitted,
    Refusal,
    StaleState,
    require_open,
)
from bot.buttons import (
    AskCancel,
    AskExtension,
    AskNewStart,
    AskOutcome,
    AskPhone,
    AskReassign,
    AskRelink,
    AskSecondChance,
    Dismiss,
    LockHours,
    RemindLater,
)
from bot.callbacks import FAMILIES
from bot.context import BotContext
from bot.exports import premium_cents
from bot.flows import button, remove_buttons
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.services import Services
from bot.store import audit, caseload, internships, people, workplaces
from bot.store.models import Internship, InternshipStatus, Person, Role

CASEWORKER_PREFIXES = ("cw:", "cl:")
MAX_MESSAGE = 3900
SHOWN_HISTORY = 8

# The history of an internship in words (the audit log's actions), in the bot and on
# the desk: never an id like `hours.submitted`.
HISTORY = {
    "internship.created": N_("created"),
    "internship.extended": N_("extended by {workdays} workdays"),
    "internship.start_moved": N_("start moved"),
    "internship.cancelled": N_("cancelled"),
    "internship.closed": N_("closed"),
    "internship.second_chance": N_("second chance at another workplace"),
    "internship.reassigned": N_("reassigned"),
    "internship.remind_later": N_("reminder for later set"),
    "hours.submitted": N_("hours submitted (version {version})"),
    "hours.locked": N_("hours locked"),
    "evaluation.submitted": N_("evaluation submitted"),
    "invite.renewed": N_("new invite link"),
    "desk.workplace_reminded": N_("workplace reminded"),
    "privacy.purged": N_("personal data removed"),
}


def history_text(t: Translator, action: str, details: dict[str, Any]) -> str:
    """An audit entry in words; an action without words yet reads as itself."""
    what = HISTORY.get(action)
    if what is None:
        return action
    # A detail an older entry did not record reads as "?", not as the action's id.
    values = {name: "?" for name in re.findall(r"{(\w+)}", what)} | dict(details)
    return t.plain(what, **values)


# The answer on a button of an internship that was closed or cancelled since.
NO_LONGER_OPEN = N_("This internship is no longer open.")
ALREADY_LOCKED = N_("These hours were already locked.")
NO_HOURS_YET = N_("No hours were submitted yet.")
NOTHING_CHANGED = N_("Stopped. Nothing was changed.")


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


def glance_of(
    internship: Internship,
    now_local: datetime,
    deadline: time,
    sick: bool,
    outcome: str | None,
) -> Glance:
    """The status that matters most for the caseworker right now: a client who is sick
    now shows as sick, whatever else is true."""
    if sick:
        return Glance.SICK
    if outcome is not None or internship.status == InternshipStatus.EVALUATED:
        return Glance.EVALUATED
    today = now_local.date()
    due = workdays.due_day(internship)
    if today > due or (today == due and now_local.time() >= deadline):
        return Glance.EVALUATION_LATE
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
    now_local = services.now_local()
    deadline = services.settings.reminder_times.evaluation_deadline
    # Every name in two queries, not two per internship (a caseload of 60 is 120 trips).
    person_names = await people.names(
        db, [i.client_id for i in mine] + [i.caseworker_id for i in mine]
    )
    place_names = await workplaces.names(db, [i.workplace_id for i in mine])
    lines = []
    for internship in mine:
        evaluation = evaluations.get(internship.id)
        outcome = internship.outcome or (
            evaluation.outcome if evaluation and evaluation.status == "submitted" else None
        )
        lines.append(
            Line(
                internship=internship,
                glance=glance_of(
                    internship,
                    now_local,
                    deadline,
                    # Sick before the internship started is not "sick now" in it.
                    internship.id in sick and now_local.date() >= internship.start_date,
                    outcome,
                ),
                client=person_names.get(internship.client_id, "?"),
                workplace=place_names.get(internship.workplace_id, "?"),
                caseworker=person_names.get(internship.caseworker_id, "?"),
                last_day=workdays.last_day(internship),
                due_day=workdays.due_day(internship),
                outcome=outcome,
            )
        )
    lines.sort(key=lambda x: (GLANCE_ORDER.index(x.glance), x.due_day, x.internship.id))
    return lines


# An evaluated internship's icon says how it went: never a green tick on a bad result.
OUTCOME_ICON = {"favourable": "✅", "less_favourable": "⚠️", "negative": "❌"}


def glance_icon(line: Line) -> str:
    if line.glance == Glance.EVALUATED and line.outcome in OUTCOME_ICON:
        return OUTCOME_ICON[line.outcome]
    return GLANCE_TEXT[line.glance][0]


def glance_label(t: Translator, line: Line) -> str:
    label = f"{glance_icon(line)} {t.plain(GLANCE_TEXT[line.glance][1])}"
    if line.glance == Glance.EVALUATED and line.outcome in OUTCOME_TEXT:
        label += f": {t.plain(OUTCOME_TEXT[line.outcome])}"
    return label


async def name_of(services: Services, person_id: int | None, unknown: str = "?") -> str:
    if person_id is None:
        return "—"
    person = await people.get(services.db, person_id)
    return person.name if person else unknown


async def name_and_phone(services: Services, person_id: int | None) -> str:
    """A name with the phone number when one is known: "Mieke Janssens (+32 470 12 34 56)"."""
    person = await people.get(services.db, person_id) if person_id is not None else None
    if person is None or not person.phone:
        return await name_of(services, person_id)
    return f"{person.name} ({phones.shown(person.phone)})"


async def _workplace_name(services: Services, workplace_id: int) -> str:
    place = await workplaces.get(services.db, workplace_id)
    return place.name if place else "?"


# Answering a caseworker's button


async def answer(update: Update, text: str | None = None) -> None:
    """Answer the button press once (a second answer is refused by Telegram: ignored)."""
    if update.callback_query is not None:
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer(text)


async def take_buttons_off(update: Update) -> None:
    """Take the buttons off the message whose button was pressed."""
    if update.callback_query is not None:
        await remove_buttons(update.callback_query.message)


async def refused(update: Update, context: BotContext, refusal: Refusal) -> int | None:
    """A refused caseworker action in a few words: on the button, or as a reply.

    For a conversation, what to return: a step that no longer fits ends it; anything
    else (not theirs, forged) leaves it where it was.
    """
    await _say_refused(update, context, refusal)
    return ConversationHandler.END if isinstance(refusal, StaleState) else None


async def _say_refused(update: Update, context: BotContext, refusal: Refusal) -> None:
    if isinstance(refusal, StaleState):
        text = NO_LONGER_OPEN
    elif isinstance(refusal, AlreadyLocked):
        text = ALREADY_LOCKED
    elif isinstance(refusal, NothingSubmitted):
        text = NO_HOURS_YET
    elif isinstance(refusal, InvalidValue):
        # A value no button of ours carries: forged, or from an older version.
        await flows.refuse(update, context)
        return
    else:
        # Not theirs, or not there (any more).
        await access.deny(update, context)
        return
    if update.callback_query is not None:
        await answer(update, context.translator.plain(text))
    else:
        await flows.say(update, context, context._(text))


async def internship_for(
    update: Update, context: BotContext, internship_id: int, open_only: bool = False
) -> Internship | None:
    """The internship a caseworker's button is about, when they follow it (and with
    `open_only`, when it is still open); else None, after the refusal."""
    try:
        internship = await actions.followed(context.services, context.person, internship_id)
        return require_open(internship) if open_only else internship
    except Refusal as refusal:
        await _say_refused(update, context, refusal)
        return None


def conversation(
    i18n: I18n,
    name: str,
    buttons: list[BaseHandler[Any, Any, Any]],
    states: dict[object, list[BaseHandler[Any, Any, Any]]],
) -> ConversationHandler[Any]:
    """A caseworker flow that waits for typed text: its buttons work at any step (and
    from any notification), its scratch data is kept under its `name`."""
    return ConversationHandler(
        name=name,
        persistent=True,
        per_message=False,
        entry_points=buttons,
        states=states,
        allow_reentry=True,
        fallbacks=typed_step_fallbacks(i18n, name),
    )


def typed_step_fallbacks(i18n: I18n, scratch: str) -> list[BaseHandler[Any, Any, Any]]:
    """The fallbacks of a caseworker flow that waits for typed text (kept in `scratch`):
    /cancel stops it, another menu button or command ends it quietly, a forged
    caseworker button is refused and changes nothing, another flow's button ends it."""

    async def cancel(update: Update, context: BotContext) -> int:
        return await flows.stop(update, context, scratch, context._(NOTHING_CHANGED))

    async def leave(update: Update, context: BotContext) -> int:
        return flows.leave(context, scratch)

    return [
        *menus.entry_points(i18n, Action.CANCEL, cancel),
        MessageHandler(flows.leaving(i18n), leave),
        CallbackQueryHandler(flows.refuse, pattern=is_forged),
        CallbackQueryHandler(leave),
    ]


def is_forged(data: object) -> bool:
    """For `pattern=`: data that looks like a caseworker button (`cw:`, `cl:`) but is no
    press of any family (forged, or cut short). A flow waiting for typed text refuses it
    and stays where it is; a real button of another flow ends it."""
    if not isinstance(data, str) or not data.startswith(CASEWORKER_PREFIXES):
        return False
    return not any(
        family.matches(data)
        for prefix, family in FAMILIES.items()
        if prefix.startswith(CASEWORKER_PREFIXES)
    )


# The detail


async def show_detail(update: Update, context: BotContext, internship: Internship) -> None:
    """Send everything about one internship, with the actions."""
    assert context.person is not None
    text, buttons = await detail(context.services, context.translator, context.person, internship)
    await flows.say(update, context, text, buttons)


async def detail(
    services: Services, t: Translator, person: Person, internship: Internship
) -> tuple[str, InlineKeyboardMarkup]:
    line = next(
        (x for x in await caseload_lines(services, person) if x.internship.id == internship.id),
        None,
    )
    schedule = internship.schedule
    days = workdays.internship_days(internship)
    parts = [
        t._(
            "<b>{client}</b> · {workplace}",
            client=await name_of(services, internship.client_id),
            workplace=await _workplace_name(services, internship.workplace_id),
        ),
        t._(
            "Status: {status}",
            status=glance_label(t, line) if line else _closed(t, internship),
        ),
        t._(
            "Caseworker: {caseworker} · Contact person: {contact}",
            caseworker=await name_and_phone(services, internship.caseworker_id),
            contact=await name_and_phone(services, internship.employer_contact_id),
        ),
        t._(
            "Schedule: {days}, {start} – {end}",
            days=", ".join(_weekday_names(t)[d] for d in sorted(schedule.days)),
            start=t.time(schedule.start),
            end=t.time(schedule.end),
        ),
        internship_draft.break_line(t, schedule),
        t._(
            "From {first} to {last}: {count} workdays ({extra} added)",
            first=t.date(days[0], "EEE d MMM yyyy"),
            last=t.date(days[-1], "EEE d MMM yyyy"),
            count=internship.total_workdays,
            extra=internship.extension_workdays,
        ),
        t._(
            "Evaluation due: {day}, before noon",
            day=t.date(workdays.due_day(internship), "EEE d MMM"),
        ),
        "",
        *await _reports(services, t, internship),
    ]
    hours_lines, can_lock = await _hours(services, t, internship)
    parts.extend(hours_lines)
    parts.extend(await _evaluation(services, t, internship))
    parts.append("")
    parts.extend(await _reminders(services, t, internship))
    parts.extend(await _history(services, t, internship))
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


def _closed(t: Translator, internship: Internship) -> str:
    if internship.status == InternshipStatus.CANCELLED:
        return t._("cancelled")
    outcome = (
        t.plain(OUTCOME_TEXT[internship.outcome]) if internship.outcome in OUTCOME_TEXT else ""
    )
    return t._("closed {outcome}", outcome=outcome)


def _weekday_names(t: Translator) -> list[str]:
    names = get_day_names("abbreviated", locale=t.locale)
    return [names[i] for i in range(7)]


async def _reports(services: Services, t: Translator, internship: Internship) -> list[str]:
    lines = []
    for report in await caseload.sick_reports(services.db, internship.id):
        until = (
            t.date(report.expected_last_day, "EEE d MMM")
            if report.expected_last_day
            else t._("unknown")
        )
        if report.status == "open":
            lines.append(
                t._(
                    "🤒 Sick since {first}, expected until {until}",
                    first=t.date(report.first_day, "EEE d MMM"),
                    until=until,
                )
            )
        else:
            lines.append(
                t._(
                    "🤒 Was sick from {first} (back {back})",
                    first=t.date(report.first_day, "EEE d MMM"),
                    back=t.date(report.recovered_on, "EEE d MMM") if report.recovered_on else "—",
                )
            )
    for absence in await caseload.absences(services.db, internship.id):
        lines.append(
            t._(
                "📅 {kind}: {day}",
                kind=t.plain(ABSENCE_TEXT.get(absence.kind, absence.kind)),
                day=t.date(absence.day, "EEE d MMM"),
            )
        )
    return lines or [t._("No sick reports or absences.")]


async def _hours(
    services: Services, t: Translator, internship: Internship
) -> tuple[list[str], bool]:
    db = services.db
    submitted = (await caseload.latest_hours(db, [internship.id])).get(internship.id)
    if submitted is None:
        return [t._("⏱ Hours: not submitted yet")], False
    locked = internship.id in await caseload.hours_locks(db, [internship.id])
    hours, minutes = divmod(submitted.total_minutes, 60)
    text = t._(
        "⏱ Hours: {hours}:{minutes} (version {version}, {when}), premium {premium}",
        hours=hours,
        minutes=f"{minutes:02d}",
        version=submitted.version,
        when=t.date(submitted.submitted_at.astimezone(t.tz).date(), "d MMM"),
        premium=t.money(
            premium_cents(submitted.total_minutes, services.settings.premium_per_hour_cents)
        ),
    )
    text += " · " + (t._("🔒 locked") if locked else t._("not locked"))
    return [text], not locked


async def _evaluation(services: Services, t: Translator, internship: Internship) -> list[str]:
    evaluation = (await caseload.evaluations(services.db, [internship.id])).get(internship.id)
    closing = await caseload.closing(services.db, internship.id)
    lines = []
    if evaluation is None or evaluation.status != "submitted":
        lines.append(t._("📝 Evaluation: not submitted yet"))
    else:
        lines.append(
            t._(
                "📝 Evaluation: {outcome}",
                outcome=t.plain(OUTCOME_TEXT.get(evaluation.outcome or "", "?")),
            )
        )
    if closing.contract_signed_on:
        lines.append(
            t._("✍️ Contract signed on {day}", day=t.date(closing.contract_signed_on, "d MMM yyyy"))
        )
    if closing.second_chance:
        lines.append(t._("🔁 Second chance at another workplace"))
    return lines


async def _reminders(services: Services, t: Translator, internship: Internship) -> list[str]:
    done = [
        r for r in await services.reminders.history(services, internship.id) if r.status == "sent"
    ]
    if not done:
        return [t._("🔔 No reminders sent yet.")]
    lines = [t._("🔔 Reminders sent:")]
    for reminder in done[-SHOWN_HISTORY:]:
        lines.append(
            f"· {t.datetime(reminder.done_at or reminder.due_at, 'd MMM HH:mm')} "
            f"{html.escape(t.plain(services.reminders.label(reminder.kind)))}"
        )
    return lines


async def _history(services: Services, t: Translator, internship: Internship) -> list[str]:
    entries = await audit.for_subject(services.db, "internship", internship.id)
    lines = [t._("🗂 History:")]
    names: dict[int, str] = {}
    for entry in entries[-SHOWN_HISTORY:]:
        if entry.actor_id is not None and entry.actor_id not in names:
            names[entry.actor_id] = await name_of(services, entry.actor_id)
        actor = names.get(entry.actor_id, "") if entry.actor_id is not None else t.plain("the bot")
        what = history_text(t, entry.action, entry.details)
        lines.append(f"· {t.datetime(entry.at, 'd MMM HH:mm')} {what} ({html.escape(actor)})")
    return lines


def _actions(t: Translator, internship: Internship, can_lock: bool) -> InlineKeyboardMarkup:
    i = internship.id
    rows: list[list[InlineKeyboardButton]] = []
    if internship.is_open:
        rows.append(
            [
                button(t.plain("➕ Extend"), AskExtension(i).pack()),
                button(t.plain("📅 Move start"), AskNewStart(i).pack()),
            ]
        )
        rows.append(
            [
                button(t.plain("🏁 Close with outcome"), AskOutcome(i).pack()),
                button(t.plain("🔁 Second chance"), AskSecondChance(i).pack()),
            ]
        )
    rows.append(
        [
            button(t.plain("👤 Reassign"), AskReassign(i).pack()),
            button(t.plain("🔗 New invite link"), AskRelink(i).pack()),
        ]
    )
    rows.append([button(t.plain("📞 Phone numbers"), AskPhone(i).pack())])
    if can_lock:
        rows.append([button(t.plain("🔒 Lock the hours"), LockHours(i).pack())])
    if internship.is_open:
        rows.append([button(t.plain("✖️ Cancel the internship"), AskCancel(i).pack())])
        rows.append([button(t.plain(flows.LATER), RemindLater(i).pack())])
    return InlineKeyboardMarkup(rows)


def confirm(t: Translator, yes: str, yes_data: str, internship_id: int) -> InlineKeyboardMarkup:
    """A yes button for the action, and "No", which leaves everything as it is."""
    return InlineKeyboardMarkup(
        [[button(yes, yes_data), button(t.plain("✖️ No"), Dismiss(internship_id).pack())]]
    )
