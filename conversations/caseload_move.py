"""Move the start of an internship that has not started yet.

- 📅 Move start in the detail (`cl:move:<id>`) asks the new first day: one of the
  next five workdays of its schedule (`cl:mv!:<id>:<date>`), or typed (state
  `new_start`), after today and within a year.
- The day moves the start (`bot.actions.internships.move_start`: the reminders are
  planned again, the workplace and the client are told) and shows the detail again.
  A day that is no workday of the schedule (or a public holiday) is asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import workdays
from bot.actions import internships as actions
from bot.actions.refusals import InvalidValue, Refusal
from bot.buttons import AskNewStart
from bot.callbacks import Button
from bot.caseload import (
    answer,
    conversation,
    internship_for,
    refused,
    show_detail,
    take_buttons_off,
)
from bot.context import BotContext
from bot.flows import (
    button,
    folded_text,
    say,
    typed_text,
)
from bot.i18n import I18n
from bot.parsing import Yearless, parse_day

KEY = "caseload_move"
SHOWN_DAYS = 5


class State(StrEnum):
    NEW_START = "new_start"


@dataclass(frozen=True)
class MoveTo(Button, prefix="cl:mv!"):
    internship_id: int
    day: date


async def ask_new_start(update: Update, context: BotContext) -> State | int | None:
    """`cl:move:<id>`: the new first day."""
    press = AskNewStart.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id, open_only=True)
    if internship is None:
        return None
    today = context.services.today()
    if internship.start_date <= today:
        await answer(update, context.translator.plain("This internship has already started."))
        return ConversationHandler.END
    await answer(update)
    context.data[KEY] = {"internship_id": internship.id}
    t = context.translator
    first = workdays.workdays_from(today + timedelta(days=1), internship.schedule, SHOWN_DAYS)
    buttons = [
        [button(t.date(day, "EEEE d MMMM"), MoveTo(internship.id, day).pack())] for day in first
    ]
    await say(
        update,
        context,
        context._("What is the new first day? Pick it, or type the date (30/11/2026)."),
        InlineKeyboardMarkup(buttons),
    )
    return State.NEW_START


async def day_typed(update: Update, context: BotContext) -> State | int | None:
    """Typed: the new first day."""
    internship_id = context.data.get(KEY, {}).get("internship_id")
    if internship_id is None:
        return ConversationHandler.END
    day = parse_day(folded_text(update), context.services.today(), Yearless.NEXT)
    if day is None:
        await say(
            update,
            context,
            context._("I do not understand this date. Please type it like this: 30/11/2026"),
        )
        return State.NEW_START
    return await _move(update, context, int(internship_id), day)


async def day_pressed(update: Update, context: BotContext) -> State | int | None:
    """`cl:mv!:<id>:<date>`: one of the days offered."""
    press = MoveTo.of(update)
    assert press is not None
    return await _move(update, context, press.internship_id, press.day)


async def _move(
    update: Update, context: BotContext, internship_id: int, day: date
) -> State | int | None:
    """Move the start, then the detail again; a day that does not fit is asked again."""
    try:
        changed = await actions.move_start(context.services, context.person, internship_id, day)
    except InvalidValue as invalid:
        await answer(update)
        if invalid.reason == actions.NOT_A_WORKDAY:
            text = context._(
                "{day} is not a workday of this schedule (or a public holiday). "
                "Please choose another day.",
                day=context.translator.date(day, "EEEE d MMMM yyyy"),
            )
        else:
            text = context._("Please choose a day after today, within a year.")
        await say(update, context, text)
        return State.NEW_START
    except Refusal as refusal:
        return await refused(update, context, refusal)
    await answer(update)
    await take_buttons_off(update)
    context.data.pop(KEY, None)
    await show_detail(update, context, changed)
    return ConversationHandler.END


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons: list[BaseHandler[Any, Any, Any]] = [
        CallbackQueryHandler(ask_new_start, pattern=AskNewStart.matches),
        CallbackQueryHandler(day_pressed, pattern=MoveTo.matches),
    ]
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        State.NEW_START: [MessageHandler(typed_text(i18n), day_typed)]
    }
    return [conversation(i18n, KEY, buttons, states)]
