"""Appointments and other absence requests: the client asks the workplace for time off.

Menu "📅 Absent / appointment" (`/absence`): what kind → which day (the next
workdays of their schedule, or a typed date) → what time (whole day, morning,
afternoon from their schedule, or typed like 9:00-11:30 / 9u-11u30) → an optional
short remark (text, or a voice message that is forwarded as it is) → check and
send (`bot.actions.absences.request_appointment`). The workplace contact(s) get it
with ✅ Approve / ❌ Decline, the caseworker too.

The decision is `conversations.appointment_decision`, the proof upload
`conversations.appointment_proof`; the notifications and reminders are in
`bot.notices.absences`.
A photo or PDF sent outside any flow is offered as an awaited proof by
`conversations.loose_files`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any, Literal

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import flows, menus, notify, workdays
from bot.absence_texts import category_label, day_text, span_text
from bot.actions import absences
from bot.actions.refusals import Refusal
from bot.buttons import AppointmentCancel
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    cancel_button,
    client_internship,
    close_buttons,
    leaving,
    refuse,
    say,
    text_of,
    typed_answer,
    typed_text,
    use_the_buttons,
)
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.parsing import Yearless, date_example, parse_day, parse_time_span
from bot.store import internships
from bot.store.absences import Category
from bot.store.models import Internship, Role

NAME = "appointment"
# Scratch data: the request so far, {"internship": id, "category": ..., "day": ISO date,
# "start": "HH:MM", "end": "HH:MM", "remark": text or None, "voice": file id or None}.
FLOW = "appointment"
# Scratch data: the loose file offered as a proof, {"absence": id, "file": ..., "method": ...}.
OFFERED = "appointment_offered"
# Days offered as buttons.
DAYS_OFFERED = 5
NOON = time(12, 0)


class State(StrEnum):
    KIND = "kind"
    # Day buttons, or a typed date (also after «Another day»).
    DAY = "day"
    # Span buttons, or a typed time span (also after «Other time»).
    SPAN = "span"
    REMARK = "remark"
    CONFIRM = "confirm"


Span = Literal["whole", "morning", "afternoon"]
SPANS: tuple[Span, ...] = ("whole", "morning", "afternoon")
SPAN_LABELS: dict[Span, str] = {
    "whole": N_("Whole day"),
    "morning": N_("Morning"),
    "afternoon": N_("Afternoon"),
}


@dataclass(frozen=True)
class Kind(Button, prefix="appt:kind"):
    category: Category


@dataclass(frozen=True)
class Day(Button, prefix="appt:day"):
    day: date


@dataclass(frozen=True)
class OtherDay(Button, prefix="appt:day:other"):
    """📅 Another day: type the date."""


@dataclass(frozen=True)
class SpanChoice(Button, prefix="appt:span"):
    span: Span


@dataclass(frozen=True)
class OtherSpan(Button, prefix="appt:span:other"):
    """🕘 Other time: type it."""


@dataclass(frozen=True)
class NoRemark(Button, prefix="appt:noremark"):
    pass


@dataclass(frozen=True)
class Send(Button, prefix="appt:send"):
    pass


def cancel_only(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[cancel_button(context, AppointmentCancel().pack())]])


# The client's request


async def ask_kind(update: Update, context: BotContext) -> State | int:
    """Menu "Absent / appointment": what kind of appointment?"""
    context.data.pop(FLOW, None)
    internship = await client_internship(update, context)
    if internship is None:
        return ConversationHandler.END
    context.data[FLOW] = {"internship": internship.id}
    t = context.translator
    rows = [
        [InlineKeyboardButton(category_label(t, c), callback_data=Kind(c).pack())] for c in Category
    ]
    rows.append([cancel_button(context, AppointmentCancel().pack())])
    await say(update, context, context._("📅 What is the appointment?"), InlineKeyboardMarkup(rows))
    return State.KIND


async def choose_kind(update: Update, context: BotContext) -> State | int:
    """A kind was chosen: which day?"""
    press = Kind.of(update)
    await close_buttons(update)
    flow = context.data.get(FLOW)
    if press is None or flow is None or not still_client(context):
        return await expired(update, context)
    flow["category"] = press.category.value
    return await ask_day(update, context)


async def ask_day(update: Update, context: BotContext) -> State | int:
    """Which day? The next workdays of the client's schedule, or another day."""
    internship = await flow_internship(context)
    if internship is None:
        return await expired(update, context)
    t = context.translator
    today = context.services.today()
    first = max(today, internship.start_date)
    days = workdays.workdays_from(first, internship.schedule, DAYS_OFFERED)
    rows = [
        [InlineKeyboardButton(day_label(t, day, today), callback_data=Day(day).pack())]
        for day in days
    ]
    rows.append([InlineKeyboardButton(t.plain(flows.ANOTHER_DAY), callback_data=OtherDay().pack())])
    rows.append([cancel_button(context, AppointmentCancel().pack())])
    await say(update, context, context._("Which day?"), InlineKeyboardMarkup(rows))
    return State.DAY


async def choose_day(update: Update, context: BotContext) -> State | int:
    """A day button: what time?"""
    press = Day.of(update)
    assert press is not None
    await close_buttons(update)
    return await set_day(update, context, press.day)


async def ask_day_text(update: Update, context: BotContext) -> State:
    """«Another day»: type the date."""
    await close_buttons(update)
    example = context.services.today() + timedelta(days=7)
    await say(
        update,
        context,
        context._("Type the date. For example: {example}", example=date_example(example)),
        cancel_only(context),
    )
    return State.DAY


async def type_day(update: Update, context: BotContext) -> State | int:
    """A typed date."""
    today = context.services.today()
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
        return State.DAY
    return await set_day(update, context, day)


async def set_day(update: Update, context: BotContext, day: date) -> State | int:
    """Keep the day when it lies within reach; ask the time."""
    flow = context.data.get(FLOW)
    if flow is None or not still_client(context):
        return await expired(update, context)
    today = context.services.today()
    if day < today:
        await say(
            update, context, context._("That day has passed. Please choose today or a later day.")
        )
        return State.DAY
    if day > today + timedelta(days=absences.MAX_DAYS_AHEAD):
        await say(
            update, context, context._("That day is too far away. Please choose an earlier day.")
        )
        return State.DAY
    flow["day"] = day.isoformat()
    return await ask_span(update, context)


async def ask_span(update: Update, context: BotContext) -> State | int:
    """What time? Whole day, morning or afternoon of the client's schedule, or typed."""
    internship = await flow_internship(context)
    if internship is None:
        return await expired(update, context)
    t = context.translator
    rows = []
    for span in SPANS:
        times = span_times(internship, span)
        if times is None:
            continue
        text = f"{t.plain(SPAN_LABELS[span])} · {span_text(t, *times)}"
        rows.append([InlineKeyboardButton(text, callback_data=SpanChoice(span).pack())])
    rows.append([InlineKeyboardButton(t.plain("🕘 Other time"), callback_data=OtherSpan().pack())])
    rows.append([cancel_button(context, AppointmentCancel().pack())])
    await say(update, context, context._("🕘 At what time?"), InlineKeyboardMarkup(rows))
    return State.SPAN


async def choose_span(update: Update, context: BotContext) -> State | int | None:
    """A span button: the times come from the schedule."""
    press = SpanChoice.of(update)
    assert press is not None
    internship = await flow_internship(context)
    if internship is None:
        await close_buttons(update)
        return await expired(update, context)
    times = span_times(internship, press.span)
    if times is None:
        # Not offered: this schedule has no morning and afternoon.
        await refuse(update, context)
        return None
    await close_buttons(update)
    return await set_span(update, context, *times)


async def ask_span_text(update: Update, context: BotContext) -> State:
    """«Other time»: type it."""
    await close_buttons(update)
    await say(
        update,
        context,
        context._("Type the time. For example: 9:00-11:30"),
        cancel_only(context),
    )
    return State.SPAN


async def type_span(update: Update, context: BotContext) -> State | int:
    """A typed time span."""
    span = parse_time_span(text_of(update))
    if span is None:
        await say(
            update,
            context,
            context._("I did not understand that. Type the time like this: 9:00-11:30"),
        )
        return State.SPAN
    return await set_span(update, context, *span)


async def set_span(update: Update, context: BotContext, start: time, end: time) -> State | int:
    """Keep the time span; ask for an optional short message."""
    flow = context.data.get(FLOW)
    if flow is None or not still_client(context):
        return await expired(update, context)
    flow["start"] = start.strftime("%H:%M")
    flow["end"] = end.strftime("%H:%M")
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.plain("➡️ No message"), callback_data=NoRemark().pack())],
            [cancel_button(context, AppointmentCancel().pack())],
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
    return State.REMARK


async def type_remark(update: Update, context: BotContext) -> State | int:
    """A typed remark."""
    text = await typed_answer(update, context, absences.MAX_REMARK, multiline=True)
    if text is None:
        return State.REMARK
    return await set_remark(update, context, text=text)


async def voice_remark(update: Update, context: BotContext) -> State | int:
    """A voice remark: kept as it is, forwarded, never transcribed."""
    message = update.effective_message
    assert message is not None and message.voice is not None
    return await set_remark(update, context, voice=message.voice.file_id)


async def no_remark(update: Update, context: BotContext) -> State | int:
    """«No message»."""
    await close_buttons(update)
    return await set_remark(update, context)


async def set_remark(
    update: Update, context: BotContext, text: str | None = None, voice: str | None = None
) -> State | int:
    """Keep the message (if any); show the request to check and send."""
    flow = context.data.get(FLOW)
    if flow is None or "end" not in flow or not still_client(context):
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
            [InlineKeyboardButton(t.plain("✅ Send"), callback_data=Send().pack())],
            [cancel_button(context, AppointmentCancel().pack())],
        ]
    )
    await say(update, context, "\n".join(lines), keyboard)
    return State.CONFIRM


async def send_request(update: Update, context: BotContext) -> int:
    """«Send»: the request goes to the workplace and the caseworker."""
    await close_buttons(update)
    flow = context.data.pop(FLOW, None)
    person = context.person
    if not isinstance(flow, dict) or "end" not in flow or person is None:
        return await expired(update, context)
    try:
        reported = await absences.request_appointment(
            context.services,
            person,
            int(flow["internship"]),
            Category(flow["category"]),
            date.fromisoformat(flow["day"]),
            time.fromisoformat(flow["start"]),
            time.fromisoformat(flow["end"]),
            remark=flow.get("remark"),
            voice_file_id=flow.get("voice"),
        )
    except Refusal:
        # No longer this client's open internship, or the day has passed meanwhile.
        return await expired(update, context)
    if reported.told.workplace:
        text = context._(
            "✅ Sent. Your workplace will answer here.\n"
            "Until then, your appointment is not approved yet."
        )
    else:
        text = (
            context._(
                "✅ Sent. Your caseworker will answer here.\n"
                "Until then, your appointment is not approved yet."
            )
            + "\n"
            + notify.told_text(context.translator, reported.told)
        )
    return await back_to_menu(update, context, text)


# Leaving


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is sent."""
    return await flows.stop(update, context, FLOW, context._(flows.NOTHING_SENT))


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    return flows.leave(context, FLOW)


async def expired(update: Update, context: BotContext) -> int:
    """A step that no longer fits: forget the request in progress, start again."""
    context.data.pop(FLOW, None)
    return await flows.expired(update, context)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=menus.entry_points(i18n, Action.ABSENCE, ask_kind),
            states={
                State.KIND: [
                    CallbackQueryHandler(choose_kind, pattern=Kind.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.DAY: [
                    CallbackQueryHandler(ask_day_text, pattern=OtherDay.matches),
                    CallbackQueryHandler(choose_day, pattern=Day.matches),
                    MessageHandler(text, type_day),
                ],
                State.SPAN: [
                    CallbackQueryHandler(ask_span_text, pattern=OtherSpan.matches),
                    CallbackQueryHandler(choose_span, pattern=SpanChoice.matches),
                    MessageHandler(text, type_span),
                ],
                State.REMARK: [
                    CallbackQueryHandler(no_remark, pattern=NoRemark.matches),
                    MessageHandler(text, type_remark),
                    MessageHandler(filters.VOICE, voice_remark),
                ],
                State.CONFIRM: [
                    CallbackQueryHandler(send_request, pattern=Send.matches),
                    MessageHandler(text, use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=AppointmentCancel.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name=NAME,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        ),
    ]


# Helpers


def still_client(context: BotContext) -> bool:
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


def day_label(t: Translator, day: date, today: date) -> str:
    """A day button: today, tomorrow, or the weekday and date."""
    short = format_skeleton("MMMEd", day, locale=t.locale)
    if day == today:
        return t.plain("Today · {day}", day=short)
    if day == today + timedelta(days=1):
        return t.plain("Tomorrow · {day}", day=short)
    return short


def span_times(internship: Internship, span: Span) -> tuple[time, time] | None:
    """The times of "whole", "morning" or "afternoon" on the client's schedule."""
    start, end = internship.schedule.start, internship.schedule.end
    if span == "whole":
        return start, end
    if not start < NOON < end:
        return None
    if span == "morning":
        return start, NOON
    return NOON, end
