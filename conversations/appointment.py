"""Appointments and other absence requests: the client asks, the workplace decides.

- Client, menu "📅 Absent / appointment" (`/absence`): what kind → which day (the
  next workdays of their schedule, or a typed date) → what time (whole day,
  morning, afternoon from their schedule, or typed like 9:00-11:30 / 9u-11u30) →
  an optional short remark (text, or a voice message that is forwarded as it is)
  → check and send. The request goes to the workplace contact(s) with ✅ Approve
  / ❌ Decline buttons and to the caseworker.
- Employer contact: one tap approves; Decline asks for an optional reason. The
  client hears the decision, the caseworker too.
- Not answered within a workday (the same time on the client's next workday):
  the request goes to the caseworker, who can decide too (`appointment_unanswered`).
- The next workday morning after an approved appointment the client is asked for
  a proof (`appointment_proof`); its button starts the upload of a photo or PDF,
  which goes to the workplace contact(s) and the caseworker.
- A photo or PDF the client sends outside any flow is offered as the proof of an
  approved appointment by `conversations.loose_files`.

Callback data: `appt:ok:<id>`, `appt:no:<id>` (decide), `appt:proof:<id>` (start the
proof upload), and `appt:<step>:...` inside the client's flow.

The other absence flows (`late`, `accident`, `no_show`) share the small helpers
at the end of this module.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, files, flows, menus, notify, trainees, workdays
from bot.clock import local_moment
from bot.context import BotContext
from bot.files import forward_file, photo_or_pdf
from bot.flows import (
    back_to_menu,
    callback_arg,
    callback_id,
    cancel_button,
    client_internship,
    close_buttons,
    leaving,
    local_today,
    refuse,
    remove_buttons,
    say,
    text_of,
    typed_answer,
    typed_text,
    use_the_buttons,
)
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.notify import Audience
from bot.parsing import Yearless, date_example, parse_day, parse_iso_day, parse_time_span
from bot.services import Services
from bot.store import absences, audit, internships, people
from bot.store.absences import Absence, AbsenceKind, AbsenceStatus, Category, NewAbsence
from bot.store.models import Internship, Person, Role
from bot.store.reminders import Reminder

log = logging.getLogger(__name__)

NAME = "appointment"
KIND, DAY, SPAN, REMARK, CONFIRM, DECLINE_REASON, PROOF = range(7)

# Reminder kinds (subject: the absence id).
UNANSWERED = "appointment_unanswered"
PROOF_DUE = "appointment_proof"
# "The next workday morning": when the proof reminder goes out, local time.
PROOF_REMINDER_TIME = time(8, 0)
# Days offered as buttons; a typed date may lie this far ahead at most.
DAYS_OFFERED = 5
MAX_DAYS_AHEAD = 180
# An approved appointment up to this many days ago still takes a proof.
PROOF_WINDOW_DAYS = 30
MAX_REMARK = 200
MAX_REASON = 300
NOON = time(12, 0)

FLOW = "appointment"
DECLINING = "appointment_declining"
PROOF_FOR = "appointment_proof_for"

CATEGORIES: dict[Category, tuple[str, str]] = {
    Category.DOCTOR: ("🩺", N_("Doctor or hospital")),
    Category.OCMW: ("🏛", N_("OCMW or social centre")),
    Category.DUTCH_LESSON: ("📚", N_("Dutch lesson")),
    Category.COURT_POLICE: ("⚖️", N_("Court or police")),
    Category.CHILDCARE_SCHOOL: ("🧒", N_("Child care or school")),
    Category.OTHER: ("📌", N_("Something else")),
}

SPANS = ("whole", "morning", "afternoon")


def category_label(t: Translator, category: Category | None) -> str:
    icon, text = CATEGORIES[category or Category.OTHER]
    return f"{icon} {t.plain(text)}"


# The client's request


async def ask_kind(update: Update, context: BotContext) -> int:
    """Menu "Absent / appointment": what kind of appointment?"""
    clear(context)
    internship = await client_internship(update, context)
    if internship is None:
        return ConversationHandler.END
    context.data[FLOW] = {"internship": internship.id}
    t = context.translator
    rows = [
        [InlineKeyboardButton(category_label(t, c), callback_data=f"appt:kind:{c.value}")]
        for c in Category
    ]
    rows.append([cancel_button(context, "appt:cancel")])
    await say(update, context, context._("📅 What is the appointment?"), InlineKeyboardMarkup(rows))
    return KIND


async def choose_kind(update: Update, context: BotContext) -> int | None:
    """A kind was chosen: which day?"""
    value = callback_arg(update)
    if value not in {c.value for c in Category}:
        await refuse(update, context)
        return None
    await close_buttons(update)
    flow = context.data.get(FLOW)
    if flow is None or not await still_client(update, context):
        return await expired(update, context)
    flow["category"] = value
    return await ask_day(update, context)


async def ask_day(update: Update, context: BotContext) -> int:
    """Which day? The next workdays of the client's schedule, or another day."""
    internship = await flow_internship(context)
    if internship is None:
        return await expired(update, context)
    t = context.translator
    today = local_today(context.services)
    first = max(today, internship.start_date)
    days = workdays.workdays_from(first, internship.schedule, DAYS_OFFERED)
    rows = [
        [InlineKeyboardButton(day_label(t, day, today), callback_data=f"appt:day:{day}")]
        for day in days
    ]
    rows.append([InlineKeyboardButton(t.plain(flows.ANOTHER_DAY), callback_data="appt:day:other")])
    rows.append([cancel_button(context, "appt:cancel")])
    await say(update, context, context._("Which day?"), InlineKeyboardMarkup(rows))
    return DAY


async def choose_day(update: Update, context: BotContext) -> int | None:
    """A day button: what time?"""
    day = parse_iso_day(callback_arg(update))
    if day is None:
        await refuse(update, context)
        return None
    await close_buttons(update)
    return await set_day(update, context, day)


async def ask_day_text(update: Update, context: BotContext) -> int:
    """«Another day»: type the date."""
    await close_buttons(update)
    example = local_today(context.services) + timedelta(days=7)
    await say(
        update,
        context,
        context._("Type the date. For example: {example}", example=date_example(example)),
        InlineKeyboardMarkup([[cancel_button(context, "appt:cancel")]]),
    )
    return DAY


async def type_day(update: Update, context: BotContext) -> int:
    """A typed date."""
    today = local_today(context.services)
    day = parse_day(text_of(update), today, Yearless.NEXT)
    if day is None:
        await say(
            update,
            context,
            context._(
                flows.DATE_NOT_UNDERSTOOD,
                example=date_example(today + timedelta(days=7)),
            ),
        )
        return DAY
    return await set_day(update, context, day)


async def set_day(update: Update, context: BotContext, day: date) -> int:
    """Keep the day when it lies within reach; ask the time."""
    flow = context.data.get(FLOW)
    if flow is None or not await still_client(update, context):
        return await expired(update, context)
    today = local_today(context.services)
    if day < today:
        await say(
            update, context, context._("That day has passed. Please choose today or a later day.")
        )
        return DAY
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        await say(
            update, context, context._("That day is too far away. Please choose an earlier day.")
        )
        return DAY
    flow["day"] = day.isoformat()
    return await ask_span(update, context)


async def ask_span(update: Update, context: BotContext) -> int:
    """What time? Whole day, morning or afternoon of the client's schedule, or typed."""
    internship = await flow_internship(context)
    if internship is None:
        return await expired(update, context)
    t = context.translator
    labels = {
        "whole": N_("Whole day"),
        "morning": N_("Morning"),
        "afternoon": N_("Afternoon"),
    }
    rows = []
    for span in SPANS:
        times = span_times(internship, span)
        if times is None:
            continue
        text = f"{t.plain(labels[span])} · {span_text(t, *times)}"
        rows.append([InlineKeyboardButton(text, callback_data=f"appt:span:{span}")])
    rows.append([InlineKeyboardButton(t.plain("🕘 Other time"), callback_data="appt:span:other")])
    rows.append([cancel_button(context, "appt:cancel")])
    await say(update, context, context._("🕘 At what time?"), InlineKeyboardMarkup(rows))
    return SPAN


async def choose_span(update: Update, context: BotContext) -> int | None:
    """A span button: the times come from the schedule."""
    internship = await flow_internship(context)
    if internship is None:
        await close_buttons(update)
        return await expired(update, context)
    times = span_times(internship, callback_arg(update))
    if times is None:
        await refuse(update, context)
        return None
    await close_buttons(update)
    return await set_span(update, context, *times)


async def ask_span_text(update: Update, context: BotContext) -> int:
    """«Other time»: type it."""
    await close_buttons(update)
    await say(
        update,
        context,
        context._("Type the time. For example: 9:00-11:30"),
        InlineKeyboardMarkup([[cancel_button(context, "appt:cancel")]]),
    )
    return SPAN


async def type_span(update: Update, context: BotContext) -> int:
    """A typed time span."""
    span = parse_time_span(text_of(update))
    if span is None:
        await say(
            update,
            context,
            context._("I did not understand that. Type the time like this: 9:00-11:30"),
        )
        return SPAN
    return await set_span(update, context, *span)


async def set_span(update: Update, context: BotContext, start: time, end: time) -> int:
    """Keep the time span; ask for an optional short message."""
    flow = context.data.get(FLOW)
    if flow is None or not await still_client(update, context):
        return await expired(update, context)
    flow["start"] = start.strftime("%H:%M")
    flow["end"] = end.strftime("%H:%M")
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.plain("➡️ No message"), callback_data="appt:noremark")],
            [cancel_button(context, "appt:cancel")],
        ]
    )
    await say(
        update,
        context,
        context._(
            "💬 Do you want to add a short message? Type it, or send a voice message.\n"
            "Do not write about your health."
        ),
        keyboard,
    )
    return REMARK


async def type_remark(update: Update, context: BotContext) -> int:
    """A typed remark."""
    text = await typed_answer(update, context, MAX_REMARK, multiline=True)
    if text is None:
        return REMARK
    return await set_remark(update, context, text=text)


async def voice_remark(update: Update, context: BotContext) -> int:
    """A voice remark: kept as it is, forwarded, never transcribed."""
    message = update.effective_message
    assert message is not None and message.voice is not None
    return await set_remark(update, context, voice=message.voice.file_id)


async def no_remark(update: Update, context: BotContext) -> int:
    """«No message»."""
    await close_buttons(update)
    return await set_remark(update, context)


async def set_remark(
    update: Update, context: BotContext, text: str | None = None, voice: str | None = None
) -> int:
    """Keep the message (if any); show the request to check and send."""
    flow = context.data.get(FLOW)
    if flow is None or "end" not in flow or not await still_client(update, context):
        return await expired(update, context)
    flow["remark"] = text or None
    flow["voice"] = voice
    t = context.translator
    lines = [
        context._("Your request:"),
        category_label(t, Category(flow["category"])),
        "🗓 " + day_text(t, date.fromisoformat(flow["day"])),
        "🕘 " + span_text(t, time.fromisoformat(flow["start"]), time.fromisoformat(flow["end"])),
    ]
    if text:
        lines.append(context._("💬 {remark}", remark=text))
    if voice:
        lines.append(context._("🎤 Voice message"))
    lines += ["", context._("Send it to your workplace?")]
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.plain("✅ Send"), callback_data="appt:send")],
            [cancel_button(context, "appt:cancel")],
        ]
    )
    await say(update, context, "\n".join(lines), keyboard)
    return CONFIRM


async def send_request(update: Update, context: BotContext) -> int:
    """«Send»: store the request, tell the workplace and the caseworker, plan the escalation."""
    await close_buttons(update)
    flow = context.data.get(FLOW)
    person = context.person
    internship = await flow_internship(context)
    if flow is None or "end" not in flow or person is None or internship is None:
        return await expired(update, context)
    if not await still_client(update, context):
        return await expired(update, context)
    services = context.services
    now = services.clock.now()
    async with services.db.transaction():
        absence = await absences.add(
            services.db,
            NewAbsence(
                internship_id=internship.id,
                client_id=person.id,
                kind=AbsenceKind.APPOINTMENT,
                day=date.fromisoformat(flow["day"]),
                reported_by=person.id,
                status=AbsenceStatus.PENDING,
                start_time=time.fromisoformat(flow["start"]),
                end_time=time.fromisoformat(flow["end"]),
                category=Category(flow["category"]),
                remark=flow.get("remark"),
                remark_voice_file_id=flow.get("voice"),
            ),
            now,
        )
        await audit.record(services.db, now, person.id, "absence.requested", "absence", absence.id)
        await tell_about_request(services, absence, internship, person)
    clear(context)
    return await back_to_menu(
        update,
        context,
        context._(
            "✅ Sent. Your workplace will answer here.\n"
            "Until then, your appointment is not approved yet."
        ),
    )


async def tell_about_request(
    services: Services, absence: Absence, internship: Internship, client: Person
) -> None:
    """The request to the workplace (with the decision buttons) and to the caseworker."""

    def for_employer(t: Translator) -> str:
        return "\n".join(
            [
                t._("📅 <b>Request from {client}</b>", client=client.name),
                *request_lines(t, absence),
                "",
                t._("Do you agree?"),
            ]
        )

    reached = await notify.about_internship(
        services,
        internship,
        for_employer,
        kind="appointment",
        audience=Audience.EMPLOYER,
        employer_buttons=lambda t: decision_buttons(t, absence.id),
    )
    workplace = await trainees.workplace_name(services, internship)
    employer_can_decide = bool(reached)

    def for_caseworker(t: Translator) -> str:
        lines = [
            t._(
                "📅 <b>{client}</b> asks {workplace} for time off.",
                client=client.name,
                workplace=workplace,
            ),
            *request_lines(t, absence),
            "",
        ]
        if employer_can_decide:
            lines.append(t._("The workplace decides. You will hear their answer."))
        else:
            lines.append(t._("Nobody at the workplace can answer in the bot. Please decide."))
        return "\n".join(lines)

    if employer_can_decide:
        due = escalation_due(services, internship)
        await services.reminders.plan(
            services, UNANSWERED, absence.id, due, due + timedelta(days=3)
        )
        reached += await notify.about_internship(
            services, internship, for_caseworker, kind="appointment", audience=Audience.CASEWORKER
        )
    else:
        # Nobody at the workplace can answer: the caseworker decides, at once.
        caseworker = await notify.caseworker_of(services, internship)
        if caseworker is not None and await notify.to_person(
            services,
            caseworker,
            for_caseworker,
            kind="appointment",
            buttons=lambda t: caseworker_decision_buttons(t, absence, internship.id, True),
        ):
            reached.append(caseworker)
    if absence.remark_voice_file_id:
        await forward_file(
            services,
            reached,
            "sendVoice",
            absence.remark_voice_file_id,
            lambda t: t._("🎤 Voice message from {client}", client=client.name),
            kind="appointment",
        )


def request_lines(t: Translator, absence: Absence) -> list[str]:
    lines = [
        category_label(t, absence.category),
        "🗓 " + day_text(t, absence.day),
    ]
    if absence.start_time and absence.end_time:
        lines.append("🕘 " + span_text(t, absence.start_time, absence.end_time))
    if absence.remark:
        lines.append(t._("💬 {remark}", remark=absence.remark))
    if absence.remark_voice_file_id:
        lines.append(t._("🎤 Voice message (below)"))
    return lines


def decision_buttons(t: Translator, absence_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([decision_row(t, absence_id)])


def decision_row(t: Translator, absence_id: int) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(t.plain("✅ Approve"), callback_data=f"appt:ok:{absence_id}"),
        InlineKeyboardButton(t.plain("❌ Decline"), callback_data=f"appt:no:{absence_id}"),
    ]


def caseworker_decision_buttons(
    t: Translator, absence: Absence, internship_id: int, can_decide: bool
) -> InlineKeyboardMarkup:
    rows = [list(notify.caseworker_buttons(t, internship_id).inline_keyboard[0])]
    if can_decide:
        rows.insert(0, decision_row(t, absence.id))
    return InlineKeyboardMarkup(rows)


def escalation_due(services: Services, internship: Internship) -> datetime:
    """The same time on the client's next workday."""
    tz = services.settings.timezone
    now = services.clock.now().astimezone(tz)
    day = workdays.next_workday(now.date(), internship.schedule)
    return local_moment(day, now.time().replace(second=0, microsecond=0), tz)


# The workplace decides


async def approve(update: Update, context: BotContext) -> int | None:
    """✅ Approve on a request: one tap."""
    found = await request_to_decide(update, context)
    if found is None:
        return None
    absence, internship, person = found
    await decide(update, context, absence, internship, person, AbsenceStatus.APPROVED)
    return ConversationHandler.END


async def ask_decline_reason(update: Update, context: BotContext) -> int | None:
    """❌ Decline: an optional reason first."""
    found = await request_to_decide(update, context)
    if found is None:
        return None
    absence, _, _ = found
    clear(context)
    context.data[DECLINING] = absence.id
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.plain("➡️ No reason"), callback_data="appt:noreason")],
            [cancel_button(context, "appt:cancel")],
        ]
    )
    await say(
        update,
        context,
        context._("Why do you decline? Type a short reason, or press “No reason”."),
        keyboard,
    )
    return DECLINE_REASON


async def decline_without_reason(update: Update, context: BotContext) -> int:
    """«No reason»."""
    await close_buttons(update)
    return await decline(update, context, None)


async def decline_with_reason(update: Update, context: BotContext) -> int:
    """A typed reason."""
    reason = await typed_answer(update, context, MAX_REASON, multiline=True)
    if reason is None:
        return DECLINE_REASON
    return await decline(update, context, reason or None)


async def decline(update: Update, context: BotContext, reason: str | None) -> int:
    """Decline the request waiting for a reason, with `reason` (or none)."""
    absence_id = context.data.pop(DECLINING, None)
    if absence_id is None:
        return await expired(update, context)
    found = await request_to_decide(update, context, int(absence_id))
    if found is None:
        return ConversationHandler.END
    absence, internship, person = found
    await decide(update, context, absence, internship, person, AbsenceStatus.DECLINED, reason)
    return ConversationHandler.END


async def request_to_decide(
    update: Update, context: BotContext, absence_id: int | None = None
) -> tuple[Absence, Internship, Person] | None:
    """The pending request behind a button, when this person may decide it; else say why not."""
    person = await access.require(update, context, Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)
    if person is None:
        return None
    if absence_id is None:
        absence_id = callback_id(update)
    absence = await absences.get(context.services.db, absence_id) if absence_id else None
    internship = (
        await internships.get(context.services.db, absence.internship_id)
        if absence is not None and absence.internship_id is not None
        else None
    )
    if (
        absence is None
        or absence.kind != AbsenceKind.APPOINTMENT
        or internship is None
        or not access.can_see_internship(person, internship)
    ):
        await access.deny(update, context)
        return None
    if absence.status != AbsenceStatus.PENDING:
        await already_decided(update, context, absence)
        return None
    return absence, internship, person


async def already_decided(update: Update, context: BotContext, absence: Absence) -> None:
    """Say who already decided this request; take its buttons off."""
    decider = (
        await people.get(context.services.db, absence.decided_by) if absence.decided_by else None
    )
    name = decider.name if decider else "?"
    t = context.translator
    if absence.status == AbsenceStatus.APPROVED:
        text = t.plain("This request was already approved by {name}.", name=name)
    else:
        text = t.plain("This request was already declined by {name}.", name=name)
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
        await remove_buttons(query.message)
    else:
        await say(update, context, text)


async def decide(
    update: Update,
    context: BotContext,
    absence: Absence,
    internship: Internship,
    person: Person,
    status: AbsenceStatus,
    reason: str | None = None,
) -> None:
    """Store the decision, tell the client and the other side, and plan the proof reminder."""
    services = context.services
    now = services.clock.now()
    client = await people.get(services.db, absence.client_id)
    async with services.db.transaction():
        if not await absences.decide(services.db, absence.id, status, person.id, now, reason):
            decided = await absences.get(services.db, absence.id)
            assert decided is not None
            await already_decided(update, context, decided)
            return
        await services.reminders.cancel(services, [UNANSWERED], absence.id)
        if status == AbsenceStatus.APPROVED:
            due = local_moment(
                workdays.next_workday(absence.day, internship.schedule),
                PROOF_REMINDER_TIME,
                services.settings.timezone,
            )
            await services.reminders.plan(
                services, PROOF_DUE, absence.id, due, due + timedelta(days=3)
            )
        await audit.record(
            services.db, now, person.id, f"absence.{status.value}", "absence", absence.id
        )
        if client is not None:
            await tell_decision(services, absence, internship, client, person, status, reason)
    query = update.callback_query
    if query is not None:
        await query.answer()
        await remove_buttons(query.message)
    name = client.name if client else "?"
    approved = status == AbsenceStatus.APPROVED
    if person.role == Role.EMPLOYER and approved:
        text = context._("✅ Approved. We told {client} and the caseworker.", client=name)
    elif person.role == Role.EMPLOYER:
        text = context._("❌ Declined. We told {client} and the caseworker.", client=name)
    elif approved:
        text = context._("✅ Approved. We told {client} and the workplace.", client=name)
    else:
        text = context._("❌ Declined. We told {client} and the workplace.", client=name)
    await back_to_menu(update, context, text)


async def tell_decision(
    services: Services,
    absence: Absence,
    internship: Internship,
    client: Person,
    decider: Person,
    status: AbsenceStatus,
    reason: str | None,
) -> None:
    approved = status == AbsenceStatus.APPROVED

    def for_client(t: Translator) -> str:
        when = f"{day_text(t, absence.day)}, {absence_span(t, absence)}"
        if approved:
            return "\n".join(
                [
                    t._("✅ Your workplace says yes to your appointment."),
                    "🗓 " + when,
                    t._("Please send a proof after the appointment (a photo or a PDF)."),
                ]
            )
        lines = [t._("❌ Your workplace says no to your appointment."), "🗓 " + when]
        if reason:
            lines.append(t._("Reason: {reason}", reason=reason))
        lines.append(t._("Please go to work as usual, or talk to your workplace."))
        return "\n".join(lines)

    await notify.to_person(services, client, for_client, kind="appointment")

    def for_others(t: Translator) -> str:
        head = (
            t._(
                "✅ {name} approved the request of {client}.", name=decider.name, client=client.name
            )
            if approved
            else t._(
                "❌ {name} declined the request of {client}.", name=decider.name, client=client.name
            )
        )
        lines = [head, *request_lines(t, absence)]
        if reason:
            lines.append(t._("Reason: {reason}", reason=reason))
        return "\n".join(lines)

    audience = Audience.CASEWORKER if decider.role == Role.EMPLOYER else Audience.EMPLOYER
    await notify.about_internship(services, internship, for_others, "appointment", audience)


# Reminders


async def remind_unanswered(services: Services, reminder: Reminder) -> str | None:
    """A request the workplace did not answer within a workday goes to the caseworker."""
    absence = await absences.get(services.db, reminder.subject_id)
    if absence is None or absence.status != AbsenceStatus.PENDING:
        return "decided"
    internship = (
        await internships.get(services.db, absence.internship_id) if absence.internship_id else None
    )
    client = await people.get(services.db, absence.client_id)
    caseworker = await notify.caseworker_of(services, internship) if internship else None
    if internship is None or client is None or caseworker is None:
        return "nobody to tell"
    workplace = await trainees.workplace_name(services, internship)

    def text_for(t: Translator) -> str:
        return "\n".join(
            [
                t._(
                    "⏳ <b>{workplace} did not answer yet</b> to the request of {client}:",
                    workplace=workplace,
                    client=client.name,
                ),
                *request_lines(t, absence),
                "",
                t._("Please contact the workplace, or decide here."),
            ]
        )

    await absences.mark_escalated(services.db, absence.id, services.clock.now())
    sent = await notify.to_person(
        services,
        caseworker,
        text_for,
        kind="appointment",
        buttons=lambda t: caseworker_decision_buttons(t, absence, internship.id, True),
        dedupe_key=f"appointment:unanswered:{absence.id}",
    )
    return None if sent else "caseworker not on Telegram"


async def remind_proof(services: Services, reminder: Reminder) -> str | None:
    """The next workday morning after an approved appointment: ask the client for a proof."""
    absence = await absences.get(services.db, reminder.subject_id)
    if absence is None or absence.status != AbsenceStatus.APPROVED:
        return "not approved"
    if absence.proof_file_id is not None:
        return "proof already sent"
    client = await people.get(services.db, absence.client_id)
    if client is None:
        return "no client"

    def text_for(t: Translator) -> str:
        return "\n".join(
            [
                t._("📎 You had an appointment on {day}.", day=day_text(t, absence.day)),
                t._("Please send a proof: a photo or a PDF."),
            ]
        )

    def buttons(t: Translator) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.plain("📎 Send proof"), callback_data=f"appt:proof:{absence.id}"
                    )
                ]
            ]
        )

    sent = await notify.to_person(
        services,
        client,
        text_for,
        kind="appointment",
        buttons=buttons,
        dedupe_key=f"appointment:proof:{absence.id}",
    )
    return None if sent else "client not on Telegram"


# The proof


async def ask_proof(update: Update, context: BotContext) -> int | None:
    """«Send proof» (the reminder's button): send a photo or a PDF now."""
    absence = await own_approved_appointment(update, context, callback_id(update))
    if absence is None:
        return None
    await close_buttons(update, keep=True)
    clear(context)
    context.data[PROOF_FOR] = absence.id
    await say(
        update,
        context,
        context._("📎 Send a photo or a PDF of your proof now."),
        InlineKeyboardMarkup([[cancel_button(context, "appt:cancel")]]),
    )
    return PROOF


async def receive_proof(update: Update, context: BotContext) -> int:
    """A photo or document in the proof step."""
    message = update.effective_message
    proof = photo_or_pdf(message)
    if proof is None:
        if message is not None and message.document is not None:
            await say(update, context, context._(files.NOT_ACCEPTED))
        else:
            await say(update, context, context._("Please send a photo or a PDF."))
        return PROOF
    absence_id = context.data.pop(PROOF_FOR, None)
    if absence_id is None:
        return await expired(update, context)
    absence = await own_approved_appointment(update, context, int(absence_id))
    if absence is None:
        return ConversationHandler.END
    return await deliver_proof(update, context, absence, *proof)


async def own_approved_appointment(
    update: Update, context: BotContext, absence_id: int | None
) -> Absence | None:
    """The client's own approved appointment still awaiting its proof; else say why not."""
    person = await access.require(update, context, Role.CLIENT)
    if person is None:
        return None
    absence = await absences.get(context.services.db, absence_id) if absence_id else None
    if absence is None or absence.client_id != person.id or absence.kind != AbsenceKind.APPOINTMENT:
        await access.deny(update, context)
        return None
    if absence.proof_file_id is not None:
        await close_buttons(update, keep=True)
        await back_to_menu(update, context, context._("We already have your proof. Thank you!"))
        return None
    if absence.status != AbsenceStatus.APPROVED:
        await close_buttons(update, keep=True)
        await expired(update, context)
        return None
    return absence


async def deliver_proof(
    update: Update, context: BotContext, absence: Absence, file_id: str, method: str
) -> int:
    """Store the proof and send it on to the workplace contact(s) and the caseworker."""
    services = context.services
    person = context.person
    assert person is not None
    internship = (
        await internships.get(services.db, absence.internship_id) if absence.internship_id else None
    )
    now = services.clock.now()
    async with services.db.transaction():
        if not await absences.set_proof(services.db, absence.id, file_id, method, now):
            clear(context)
            return await back_to_menu(
                update, context, context._("We already have your proof. Thank you!")
            )
        await services.reminders.cancel(services, [PROOF_DUE], absence.id)
        await audit.record(services.db, now, person.id, "absence.proof", "absence", absence.id)
        if internship is not None:
            recipients = await notify.employer_contacts(services, internship)
            caseworker = await notify.caseworker_of(services, internship)
            if caseworker is not None:
                recipients.append(caseworker)

            def caption(t: Translator) -> str:
                return t._(
                    "📎 Proof of the appointment of {client} on {day}.",
                    client=person.name,
                    day=day_text(t, absence.day),
                )

            await forward_file(services, recipients, method, file_id, caption, "appointment")
    clear(context)
    return await back_to_menu(
        update,
        context,
        context._("✅ Thank you! We sent your proof to your workplace and your caseworker."),
    )


# Leaving


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is sent."""
    await close_buttons(update)
    declining = DECLINING in context.data
    clear(context)
    if context.person is None:
        return ConversationHandler.END
    if declining:
        return await back_to_menu(update, context, context._("Stopped. The request is still open."))
    return await back_to_menu(update, context, context._(flows.NOTHING_SENT))


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    clear(context)
    return ConversationHandler.END


async def expired(update: Update, context: BotContext) -> int:
    """A step that no longer fits: forget the request in progress, start again."""
    clear(context)
    return await flows.expired(update, context)


def clear(context: BotContext) -> None:
    for key in (FLOW, DECLINING, PROOF_FOR):
        context.data.pop(key, None)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.ABSENCE, ask_kind),
                CallbackQueryHandler(approve, pattern=r"^appt:ok:\d{1,18}$"),
                CallbackQueryHandler(ask_decline_reason, pattern=r"^appt:no:\d{1,18}$"),
                CallbackQueryHandler(ask_proof, pattern=r"^appt:proof:\d{1,18}$"),
            ],
            states={
                KIND: [
                    CallbackQueryHandler(choose_kind, pattern=r"^appt:kind:\w+$"),
                    MessageHandler(text, use_the_buttons),
                ],
                DAY: [
                    CallbackQueryHandler(ask_day_text, pattern=r"^appt:day:other$"),
                    CallbackQueryHandler(choose_day, pattern=r"^appt:day:[\d-]+$"),
                    MessageHandler(text, type_day),
                ],
                SPAN: [
                    CallbackQueryHandler(ask_span_text, pattern=r"^appt:span:other$"),
                    CallbackQueryHandler(choose_span, pattern=r"^appt:span:\w+$"),
                    MessageHandler(text, type_span),
                ],
                REMARK: [
                    CallbackQueryHandler(no_remark, pattern=r"^appt:noremark$"),
                    MessageHandler(text, type_remark),
                    MessageHandler(filters.VOICE, voice_remark),
                ],
                CONFIRM: [
                    CallbackQueryHandler(send_request, pattern=r"^appt:send$"),
                    MessageHandler(text, use_the_buttons),
                ],
                DECLINE_REASON: [
                    CallbackQueryHandler(decline_without_reason, pattern=r"^appt:noreason$"),
                    MessageHandler(text, decline_with_reason),
                ],
                PROOF: [
                    MessageHandler(filters.PHOTO | filters.Document.ALL, receive_proof),
                    MessageHandler(text, receive_proof),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=r"^appt:cancel$"),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name=NAME,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]


# Helpers


async def still_client(update: Update, context: BotContext) -> bool:
    """Whether the person behind the update is (still) a client."""
    person = context.person
    return person is not None and person.role == Role.CLIENT


async def flow_internship(context: BotContext) -> Internship | None:
    """The internship of the request in progress, when it is still this client's."""
    flow = context.data.get(FLOW)
    person = context.person
    if flow is None or person is None:
        return None
    internship = await internships.get(context.services.db, int(flow["internship"]))
    if internship is None or internship.client_id != person.id or not internship.is_open:
        return None
    return internship


def day_text(t: Translator, day: date) -> str:
    """The full date ("maandag 30 november 2026") in the person's language."""
    return t.date(day)


def day_label(t: Translator, day: date, today: date) -> str:
    """A day button: today, tomorrow, or the weekday and date."""
    short = format_skeleton("MMMEd", day, locale=t.locale)
    if day == today:
        return t.plain("Today · {day}", day=short)
    if day == today + timedelta(days=1):
        return t.plain("Tomorrow · {day}", day=short)
    return short


def span_text(t: Translator, start: time, end: time) -> str:
    """A time span in the person's language ("9:00–11:30")."""
    return f"{t.time(start)}–{t.time(end)}"


def absence_span(t: Translator, absence: Absence) -> str:
    """The appointment's time span, or "" when it has none."""
    if absence.start_time and absence.end_time:
        return span_text(t, absence.start_time, absence.end_time)
    return ""


def span_times(internship: Internship, span: str) -> tuple[time, time] | None:
    """The times of "whole", "morning" or "afternoon" on the client's schedule."""
    start, end = internship.schedule.start, internship.schedule.end
    if span == "whole":
        return start, end
    if not start < NOON < end:
        return None
    if span == "morning":
        return start, NOON
    if span == "afternoon":
        return NOON, end
    return None
