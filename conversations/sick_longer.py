"""Sick longer: a client with an open sick report gives a new expected end.

Nested in the sick report (`conversations.sick_report`): started by "📅 I am sick
longer" on the open report, or by "🤒 I am still sick" under the "are you better?"
reminder. How much longer (1, 2, 3 more days, a week, not known yet, or until a day,
counted from the expected end), then the new end to confirm. On "send",
`bot.actions.sick_reports.prolong` stores it, tells the workplace and the caseworker
(with the workdays to extend by) and moves the "are you better?" question.

The diagram: `conversations/sick_longer.mmd`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, notify
from bot import sick_steps as steps
from bot.actions import sick_reports as actions
from bot.actions.refusals import Refusal
from bot.buttons import SickAgain, SickLength, SickLonger, SickSend, SickUntil
from bot.context import BotContext
from bot.flows import typed_text
from bot.i18n import N_, I18n
from bot.sick_steps import END, ask, pressed, until_line
from bot.store.models import Role

MORE_LABELS: dict[steps.Days, str] = {
    "1": N_("1 more day"),
    "2": N_("2 more days"),
    "3": N_("3 more days"),
    "7": N_("1 more week"),
}


class State(StrEnum):
    LENGTH = "length"
    LENGTH_DATE = "length_date"
    CONFIRM = "confirm"


async def longer(update: Update, context: BotContext) -> State | int | None:
    """Sick longer: ask the new expected end."""
    press = SickLonger.of(update)
    assert press is not None
    report = await steps.pressed_report(update, context, press.report_id)
    if report is None:
        return None
    if not report.is_open:
        return await steps.already_closed(update, context, report)
    steps.begin_change(update, context, steps.LONGER, report)
    return await ask_length(update, context)


async def ask_length(update: Update, context: BotContext) -> State:
    """How much longer?"""
    t = context.translator
    question = t._("How much longer do you think you will be sick?")
    await ask(update, context, question, steps.length_rows(t, MORE_LABELS))
    return State.LENGTH


async def length_choice(update: Update, context: BotContext) -> State | int | None:
    """1, 2, 3 more days, a week, not known yet, or until a day."""
    press = SickLength.of(update)
    assert press is not None
    client = await pressed(update, context)
    if client is None:
        return END
    found = steps.report_draft(context)
    if found is None:
        return await steps.expired(update, context)
    first = found.first_day
    if press.choice == "other":
        t = context.translator
        earliest = actions.last_day_window(first, steps.today(context), prolonging=True).earliest
        await ask(
            update,
            context,
            t._("Until which day do you think you will be sick? Choose a day, or type it."),
            steps.day_rows(t, steps.days_from(earliest), SickUntil),
        )
        return State.LENGTH_DATE
    if press.choice == "unknown":
        return await set_last_day(update, context, None)
    try:
        report = await actions.own_report(context.services, client, found.report_id)
    except Refusal as refusal:
        return await steps.refused(update, context, refusal)
    base = actions.prolong_base(report, steps.today(context))
    workdays = None if press.choice == "7" else int(press.choice)
    last = await actions.last_sick_day(context.services, client, base, workdays, after=True)
    return await set_last_day(update, context, last)


async def until_day(update: Update, context: BotContext) -> State | int:
    """The new expected last day from the day buttons."""
    press = SickUntil.of(update)
    assert press is not None
    if await pressed(update, context) is None:
        return END
    return await set_last_day(update, context, press.day)


async def until_typed(update: Update, context: BotContext) -> State | int:
    """A typed new expected last day."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    last = await steps.typed_day(update, context)
    if last is None:
        return State.LENGTH_DATE
    return await set_last_day(update, context, last)


async def set_last_day(update: Update, context: BotContext, last: date | None) -> State | int:
    """Keep the new expected end when it is within reach; show it to confirm."""
    found = steps.report_draft(context)
    if found is None:
        return await steps.expired(update, context)
    window = actions.last_day_window(found.first_day, steps.today(context), prolonging=True)
    if last is not None and last not in window:
        await steps.day_from(update, context, window.earliest)
        return State.LENGTH_DATE
    found.values["last_day"] = last.isoformat() if last else None
    t = context.translator
    text = "\n".join([until_line(t, last), "", t._("Is this right?")])
    await ask(update, context, text, steps.confirm_rows(t))
    return State.CONFIRM


async def again(update: Update, context: BotContext) -> State | int:
    """Change the new expected end."""
    if await pressed(update, context) is None:
        return END
    if steps.report_draft(context) is None:
        return await steps.expired(update, context)
    return await ask_length(update, context)


async def send(update: Update, context: BotContext) -> int | None:
    """Confirmed: store the new expected end, tell both, move the end check."""
    client = await pressed(update, context)
    if client is None:
        return END
    found = steps.report_draft(context)
    if found is None or "last_day" not in found.values:
        return await steps.expired(update, context)
    report_id = found.report_id
    last = found.values["last_day"]
    services = context.services
    try:
        prolonged = await actions.prolong(
            services, client, report_id, date.fromisoformat(last) if last else None
        )
    except Refusal as refusal:
        return await steps.refused(update, context, refusal, report_id)
    t = context.translator
    text = [t._("✅ Thank you. Get well soon!"), notify.told_text(t, prolonged.told)]
    return await steps.finish(update, context, "\n".join(text))


def conversation(i18n: I18n) -> ConversationHandler[Any]:
    """The sub-flow, for `conversations.sick_report` to nest: done, the sick report ends."""
    typed = typed_text(i18n)
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(longer, pattern=SickLonger.matches)],
        states={
            State.LENGTH: [CallbackQueryHandler(length_choice, pattern=SickLength.matches)],
            State.LENGTH_DATE: [
                CallbackQueryHandler(until_day, pattern=SickUntil.matches),
                MessageHandler(typed, until_typed),
            ],
            State.CONFIRM: [
                CallbackQueryHandler(send, pattern=SickSend.matches),
                CallbackQueryHandler(again, pattern=SickAgain.matches),
            ],
        },
        fallbacks=steps.fallbacks(i18n),
        map_to_parent={END: END},
        name=steps.LONGER,
        persistent=True,
        allow_reentry=True,
        per_message=False,
    )
