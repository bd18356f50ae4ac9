"""Internship hours, entered and sent: per workday or one total, a summary, then sent.

`conversations.hours` has opened the hours of one trainee (its scratch data names
the internship); its "📅 Per day", "🧮 In total" and "▶️ Continue" buttons start
this flow. Per day, each workday is pre-filled with the scheduled hours, or with 0
on a reported sick or no-show day (shown on that day), so a normal day is one tap;
in total, the scheduled hours without those days are one tap. Hours are typed the
way Belgians write them: 7,5 / 7.5 / 7u30 / 7:30 / 7h30. A summary with the total
and the premium is confirmed before anything is stored; the confirmed hours are a
new version and the caseworker is told at once (`bot.actions.hours.submit`), unless
the caseworker locked them in the meantime.

State diagram: `conversations/hours_entry.mmd`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import flows, menus, trainees
from bot.absence_texts import minutes_label
from bot.actions import hours as actions
from bot.actions.hours import MAX_MINUTES_PER_DAY, Draft, Sheet, absence_mark, duration
from bot.actions.refusals import AlreadyLocked, InvalidValue, OutsideInternship, Refusal
from bot.buttons import EvaluationStart, HoursMode, HoursResume, HoursStart
from bot.callbacks import Button
from bot.context import BotContext
from bot.exports import premium_cents
from bot.flows import back_to_menu, button, close_buttons, end_silently, leaving, say, typed_text
from bot.i18n import I18n
from bot.menus import Action
from bot.parsing import HoursInput, HoursInputError, parse_hours_worked

# How much of a refused input the answer quotes back.
QUOTE_LIMIT = 40


class State(StrEnum):
    # Walking the workdays, one after the other.
    DAY = "day"
    # One day again, picked from the summary: then back to the summary.
    EDIT_DAY = "edit_day"
    PICK_DAY = "pick_day"
    TOTAL = "total"
    SUMMARY = "summary"


@dataclass(frozen=True)
class DayHours(Button, prefix="hours:day"):
    """A one-tap answer for the day at `index`: its minutes."""

    index: int
    minutes: int


@dataclass(frozen=True)
class PreviousDay(Button, prefix="hours:back"):
    """⬅️ Previous day."""


@dataclass(frozen=True)
class TotalHours(Button, prefix="hours:total"):
    """The one-tap total: the scheduled minutes without the absence days."""

    minutes: int


@dataclass(frozen=True)
class Confirm(Button, prefix="hours:confirm"):
    """✅ Confirm and send."""


@dataclass(frozen=True)
class Change(Button, prefix="hours:edit"):
    """✏️ Change a day (per day) or the total."""


@dataclass(frozen=True)
class PickDay(Button, prefix="hours:pick"):
    """The day at `index`, to change it."""

    index: int


@dataclass(frozen=True)
class Stop(Button, prefix="hours:cancel"):
    """✖️ Stop."""


# Helpers


async def current(update: Update, context: BotContext) -> tuple[Sheet, Draft] | None:
    """Re-check, on every step, that the hours being entered are still this person's."""
    draft = Draft.load(context.data)
    sheet = await trainees.as_employer(
        update,
        context,
        draft.internship_id if draft else None,
        partial(actions.sheet, context.services),
    )
    if sheet is None or draft is None:
        return None
    return sheet, draft


# Entry (from `conversations.hours`)


async def choose_mode(update: Update, context: BotContext) -> State | int | None:
    """📅 Per day or 🧮 in total, for hours opened just before (no progress yet)."""
    press = HoursMode.of(update)
    found = await current(update, context)
    if found is None or press is None:
        return ConversationHandler.END
    sheet, draft = found
    if draft.has_progress:
        # An old mode button: the hours entered since are not thrown away by it.
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    if press.mode == "total":
        Draft(sheet.internship.id).save(context.data)
        return await ask_total(update, context, sheet)
    draft = Draft(sheet.internship.id, days={})
    draft.save(context.data)
    return await ask_day(update, context, sheet, draft)


async def resume(update: Update, context: BotContext) -> State | int | None:
    """▶️ Continue the hours where the person stopped."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    sheet, draft = found
    if not draft.has_progress:
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    return await go_on(update, context, sheet, draft)


async def go_on(update: Update, context: BotContext, sheet: Sheet, draft: Draft) -> State:
    """The next question of the draft: a day, the summary when every day is given, or
    (in total) the total, asked again."""
    if not draft.per_day:
        return await ask_total(update, context, sheet)
    if len(draft.days or {}) >= len(sheet.days):
        return await show_summary(update, context, sheet, draft)
    draft.index = min(draft.index, len(sheet.days) - 1)
    return await ask_day(update, context, sheet, draft)


# Per day


async def ask_day(
    update: Update, context: BotContext, sheet: Sheet, draft: Draft, editing: bool = False
) -> State:
    """Ask the hours of the day at `draft.index`, the likely answer one tap away."""
    t = context.translator
    day = sheet.days[draft.index]
    away = sheet.away.get(day)
    offered = sheet.prefill(day, draft.entered())
    text = context._(
        "Day {number} of {count}: <b>{day}</b>\nScheduled: {start}–{end} ({scheduled}).",
        number=draft.index + 1,
        count=len(sheet.days),
        day=t.date(day, "full"),
        start=t.time(sheet.internship.schedule.start),
        end=t.time(sheet.internship.schedule.end),
        scheduled=duration(t, sheet.scheduled),
    )
    pause = sheet.internship.schedule.break_minutes
    if pause:
        text += "\n" + context._(
            "Without the break of {length}: it is not paid.", length=minutes_label(t, pause)
        )
    note = actions.absence_note(t, away)
    if note:
        text += "\n" + note
    text += "\n\n" + context._(
        "How many hours did {name} work? Tap the button, or type the hours (for example "
        "7,5 or 7u30).",
        name=sheet.client_name,
    )
    rows = [[button(t.plain("✅ {hours}", hours=duration(t, offered)), one_tap(draft, offered))]]
    if offered != sheet.scheduled:
        label = t.plain("🕗 {hours} (as scheduled)", hours=duration(t, sheet.scheduled))
        rows.append([button(label, one_tap(draft, sheet.scheduled))])
    if offered != 0:
        rows.append([button(t.plain("0 (did not work)"), one_tap(draft, 0))])
    if draft.index > 0 and not editing:
        rows.append([button(t.plain("⬅️ Previous day"), PreviousDay().pack())])
    await say(update, context, text, InlineKeyboardMarkup(rows))
    return State.EDIT_DAY if editing else State.DAY


def one_tap(draft: Draft, minutes: int) -> str:
    return DayHours(draft.index, minutes).pack()


async def day_button(update: Update, context: BotContext) -> State | int | None:
    """A one-tap answer for the day being asked."""
    return await day_pressed(update, context, editing=False)


async def edit_day_button(update: Update, context: BotContext) -> State | int | None:
    """A one-tap answer for the day picked on the summary."""
    return await day_pressed(update, context, editing=True)


async def day_pressed(update: Update, context: BotContext, editing: bool) -> State | int | None:
    press = DayHours.of(update)
    found = await current(update, context)
    if found is None or press is None:
        return ConversationHandler.END
    sheet, draft = found
    if not draft.per_day or press.index != draft.index or press.minutes > MAX_MINUTES_PER_DAY:
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    return await set_day(update, context, sheet, draft, press.minutes, editing)


async def day_typed(update: Update, context: BotContext) -> State | int | None:
    """Typed hours for the day being asked."""
    return await day_answered(update, context, editing=False)


async def edit_day_typed(update: Update, context: BotContext) -> State | int | None:
    """Typed hours for the day picked on the summary."""
    return await day_answered(update, context, editing=True)


async def day_answered(update: Update, context: BotContext, editing: bool) -> State | int | None:
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    sheet, draft = found
    if not draft.per_day or draft.index >= len(sheet.days):
        return await go_on(update, context, sheet, draft)
    minutes = await read_hours(update, context, MAX_MINUTES_PER_DAY, day=True)
    if minutes is None:
        return None
    return await set_day(update, context, sheet, draft, minutes, editing)


async def set_day(
    update: Update, context: BotContext, sheet: Sheet, draft: Draft, minutes: int, editing: bool
) -> State:
    """Keep a day's minutes; ask the next day, or show the summary after the last."""
    draft.days = {**(draft.days or {}), sheet.days[draft.index].isoformat(): minutes}
    if editing or draft.index + 1 >= len(sheet.days):
        draft.index = len(sheet.days)
        draft.save(context.data)
        return await show_summary(update, context, sheet, draft)
    draft.index += 1
    draft.save(context.data)
    return await ask_day(update, context, sheet, draft)


async def previous_day(update: Update, context: BotContext) -> State | int | None:
    """Go back one day."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    sheet, draft = found
    if not draft.per_day:
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    draft.index = max(min(draft.index, len(sheet.days)) - 1, 0)
    draft.save(context.data)
    return await ask_day(update, context, sheet, draft)


async def read_hours(update: Update, context: BotContext, maximum: int, day: bool) -> int | None:
    """The typed minutes, or None after saying what is allowed (quoting what was typed)."""
    text = flows.text_of(update)
    # Quote enough to recognise, never so much that the answer outgrows a message.
    quoted = text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"
    try:
        minutes = parse_hours_worked(text, context.translator.locale)
    except HoursInputError as exc:
        problems = {
            HoursInput.UNREADABLE: context._(
                "I cannot read «{typed}» as a number of hours. Type for example 7,5 or 7u30 "
                "or 7:30.",
                typed=quoted,
            ),
            HoursInput.NEGATIVE: context._(
                "«{typed}»: hours cannot be negative. Type 0 for a day that was not worked.",
                typed=quoted,
            ),
            HoursInput.BAD_MINUTES: context._(
                "«{typed}»: the minutes must be from 0 to 59, for example 7u30.", typed=quoted
            ),
        }
        await say(update, context, problems[exc.problem])
        return None
    if minutes <= maximum:
        return minutes
    t = context.translator
    if day:
        refusal = context._(
            "«{typed}» is more than {maximum} in one day. Type a number from 0 to {maximum}, "
            "for example 7,5 or 7u30.",
            typed=quoted,
            maximum=duration(t, maximum),
        )
    else:
        refusal = context._(
            "«{typed}» is more than this internship can hold: at most {maximum} ({days} "
            "workdays of at most {per_day}). Please type the total again.",
            typed=quoted,
            maximum=duration(t, maximum),
            days=maximum // MAX_MINUTES_PER_DAY,
            per_day=duration(t, MAX_MINUTES_PER_DAY),
        )
    await say(update, context, refusal)
    return None


# In total


async def ask_total(update: Update, context: BotContext, sheet: Sheet) -> State:
    """Ask the total, offering the scheduled hours without the absence days."""
    t = context.translator
    text = context._(
        "How many hours did {name} work in total during the internship? It has {days} "
        "workdays, {scheduled} scheduled in all. Type the total (for example 68 or 67,5).",
        name=sheet.client_name,
        days=len(sheet.days),
        scheduled=duration(t, sheet.scheduled * len(sheet.days)),
    )
    away_lines = [
        context._("{day}: {absence}", day=t.date(d, "EEE d MMM"), absence=absence_mark(t, a))
        for d, a in sorted(sheet.away.items())
        if d in sheet.days
    ]
    if away_lines:
        text += "\n\n" + context._("Reported absences:") + "\n" + "\n".join(away_lines)
    expected = sheet.expected_total()
    label = t.plain("✅ {hours} (as scheduled)", hours=duration(t, expected))
    buttons = InlineKeyboardMarkup([[button(label, TotalHours(expected).pack())]])
    await say(update, context, text, buttons)
    return State.TOTAL


async def total_button(update: Update, context: BotContext) -> State | int | None:
    """The one-tap total: the scheduled hours, without the reported absence days."""
    press = TotalHours.of(update)
    found = await current(update, context)
    if found is None or press is None:
        return ConversationHandler.END
    sheet, draft = found
    # The button stands for the total it showed; any other number is typed.
    if draft.per_day or press.minutes != sheet.expected_total():
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    return await set_total(update, context, sheet, draft, press.minutes)


async def total_typed(update: Update, context: BotContext) -> State | int | None:
    """The typed total."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    sheet, draft = found
    minutes = await read_hours(update, context, sheet.max_total, day=False)
    if minutes is None:
        return None
    return await set_total(update, context, sheet, draft, minutes)


async def set_total(
    update: Update, context: BotContext, sheet: Sheet, draft: Draft, minutes: int
) -> State:
    """Keep the total; show the summary."""
    draft.days, draft.total = None, minutes
    draft.save(context.data)
    return await show_summary(update, context, sheet, draft)


# Summary and confirmation


async def show_summary(update: Update, context: BotContext, sheet: Sheet, draft: Draft) -> State:
    """Show the hours, the total and the premium to confirm."""
    t = context.translator
    minutes = draft.total_minutes()
    cents_per_hour = context.services.settings.premium_per_hour_cents
    lines = actions.day_lines(t, draft.entered() if draft.per_day else None, sheet.away)
    text = context._("Hours of {name}:", name=sheet.client_name)
    if lines:
        text += "\n\n" + "\n".join(lines)
    text += "\n\n" + context._(
        "<b>Total: {total}</b>\nPremium for {name}: {premium} ({rate} per hour).\n\n"
        "Is this right? Then I send it to the caseworker.",
        total=duration(t, minutes),
        name=sheet.client_name,
        premium=t.money(premium_cents(minutes, cents_per_hour)),
        rate=t.money(cents_per_hour),
    )
    change = t.plain("✏️ Change a day") if draft.per_day else t.plain("✏️ Change the total")
    await say(
        update,
        context,
        text,
        InlineKeyboardMarkup(
            [
                [button(t.plain("✅ Confirm and send"), Confirm().pack())],
                [button(change, Change().pack())],
                [button(t.plain("✖️ Stop"), Stop().pack())],
            ]
        ),
    )
    return State.SUMMARY


async def change(update: Update, context: BotContext) -> State | int:
    """Change one day (pick it first) or the total."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    sheet, draft = found
    if not draft.per_day:
        return await ask_total(update, context, sheet)
    t = context.translator
    entered = draft.entered()
    rows = [
        [button(actions.day_hours(t, day, entered.get(day, 0)), PickDay(index).pack())]
        for index, day in enumerate(sheet.days)
    ]
    await say(
        update, context, context._("Which day do you want to change?"), InlineKeyboardMarkup(rows)
    )
    return State.PICK_DAY


async def pick_day(update: Update, context: BotContext) -> State | int | None:
    """The day to change."""
    press = PickDay.of(update)
    found = await current(update, context)
    if found is None or press is None:
        return ConversationHandler.END
    sheet, draft = found
    if press.index >= len(sheet.days) or not draft.per_day:
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    draft.index = press.index
    draft.save(context.data)
    return await ask_day(update, context, sheet, draft, editing=True)


async def summary_typed(update: Update, context: BotContext) -> None:
    """Text on the summary: nothing changes silently; say how to change a day."""
    await say(
        update,
        context,
        context._(
            "Nothing was changed. To change the hours, press ✏️ first; to send them, "
            "press ✅ Confirm and send."
        ),
    )


async def confirm(update: Update, context: BotContext) -> State | int:
    """Send the hours: a new version, and the caseworker told (`actions.submit`)."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    sheet, draft = found
    await close_buttons(update)
    services, person = context.services, context.person
    assert person is not None
    try:
        if draft.per_day:
            sent = await actions.submit(
                services, person, sheet.internship.id, per_day=draft.entered()
            )
        else:
            sent = await actions.submit(services, person, sheet.internship.id, draft.total)
    except AlreadyLocked:
        return await locked_meanwhile(update, context)
    except (InvalidValue, OutsideInternship):
        # Not complete (or no longer fits the internship): ask what is missing.
        return await go_on(update, context, sheet, draft)
    except Refusal:
        await flows.refuse(update, context)
        return ConversationHandler.END
    context.data.pop(Draft.KEY, None)
    return await back_to_menu(
        update,
        context,
        context._(
            "✅ Thank you! The hours of {name} ({total}) were sent to the caseworker. You can "
            "still correct them until the caseworker locks them.",
            name=sheet.client_name,
            total=duration(context.translator, sent.submission.total_minutes),
        ),
    )


async def locked_meanwhile(update: Update, context: BotContext) -> int:
    """The caseworker locked the hours between the summary and the confirmation."""
    found = await current(update, context)
    context.data.pop(Draft.KEY, None)
    if found is None:
        return ConversationHandler.END
    sheet = found[0]
    return await back_to_menu(
        update,
        context,
        context._(
            "The caseworker {caseworker} has just locked the hours of {name}, so these were "
            "not sent. If something is wrong, please contact {caseworker}.",
            caseworker=sheet.locked_by or "?",
            name=sheet.client_name,
        ),
    )


# Leaving


async def leave_for_hours_of(update: Update, context: BotContext) -> int | None:
    """A trainee's ⏱ button: leave, so `conversations.hours` opens that trainee's hours
    (one that is not this person's is refused there and changes nothing here)."""
    press = HoursStart.of(update)
    internship_id = press.internship_id if press else None
    return await trainees.leaving_for(
        context, internship_id, partial(actions.sheet, context.services)
    )


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel, the Cancel button or ✖️ Stop: nothing is stored."""
    return await flows.stop(update, context, Draft.KEY, context._("Stopped. No hours were sent."))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=[
                CallbackQueryHandler(choose_mode, pattern=HoursMode.matches),
                CallbackQueryHandler(resume, pattern=HoursResume.matches),
            ],
            states={
                State.DAY: [
                    CallbackQueryHandler(day_button, pattern=DayHours.matches),
                    CallbackQueryHandler(previous_day, pattern=PreviousDay.matches),
                    MessageHandler(text, day_typed),
                ],
                State.EDIT_DAY: [
                    CallbackQueryHandler(edit_day_button, pattern=DayHours.matches),
                    MessageHandler(text, edit_day_typed),
                ],
                State.PICK_DAY: [
                    CallbackQueryHandler(pick_day, pattern=PickDay.matches),
                    MessageHandler(text, flows.use_the_buttons),
                ],
                State.TOTAL: [
                    CallbackQueryHandler(total_button, pattern=TotalHours.matches),
                    MessageHandler(text, total_typed),
                ],
                State.SUMMARY: [
                    CallbackQueryHandler(confirm, pattern=Confirm.matches),
                    CallbackQueryHandler(change, pattern=Change.matches),
                    MessageHandler(text, summary_typed),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=Stop.matches),
                CallbackQueryHandler(leave_for_hours_of, pattern=HoursStart.matches),
                # The evaluation opened from a reminder button: leave the hours (kept).
                CallbackQueryHandler(end_silently, pattern=EvaluationStart.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="hours_entry",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
