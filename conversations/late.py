"""I will be late: the client says how late, the workplace and the caseworker hear it at once.

Menu "⏰ I will be late" (`/late`): how late (15 min, 30 min, 1 hour, or typed
minutes such as 45 or 1u30) → stored, and the workplace contact(s) and the
caseworker are told at once (`bot.actions.absences.report_late`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import flows, menus, notify
from bot.absence_texts import minutes_label
from bot.actions import absences
from bot.actions.refusals import Refusal
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    cancel_button,
    client_internship,
    close_buttons,
    expired,
    leaving,
    refuse,
    say,
    text_of,
    typed_text,
)
from bot.i18n import I18n
from bot.menus import Action
from bot.parsing import parse_minutes

NAME = "late"
# Scratch data: the id of the internship the client is late for.
FLOW = "late"
CHOICES = (15, 30, 60)


class State(StrEnum):
    # Buttons, or typed minutes (also after «Other»).
    HOW_LATE = "how_late"


@dataclass(frozen=True)
class Minutes(Button, prefix="late"):
    """15, 30 or 60 minutes."""

    minutes: int


@dataclass(frozen=True)
class OtherMinutes(Button, prefix="late:other"):
    """⌨️ Other: type the minutes."""


@dataclass(frozen=True)
class Cancel(Button, prefix="late:cancel"):
    pass


async def ask_how_late(update: Update, context: BotContext) -> State | int:
    """Menu "I will be late": how late?"""
    context.data.pop(FLOW, None)
    internship = await client_internship(update, context)
    if internship is None:
        return ConversationHandler.END
    context.data[FLOW] = internship.id
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(minutes_label(t, m), callback_data=Minutes(m).pack())
                for m in CHOICES
            ],
            [InlineKeyboardButton(t.plain("⌨️ Other"), callback_data=OtherMinutes().pack())],
            [cancel_button(context, Cancel().pack())],
        ]
    )
    await say(update, context, context._("⏰ How late will you be?"), keyboard)
    return State.HOW_LATE


async def choose(update: Update, context: BotContext) -> int | None:
    """A button: 15, 30 or 60 minutes."""
    press = Minutes.of(update)
    if press is None or press.minutes not in CHOICES:
        await refuse(update, context)
        return None
    await close_buttons(update)
    return await report(update, context, press.minutes)


async def ask_minutes(update: Update, context: BotContext) -> State:
    """«Other»: type the minutes."""
    await close_buttons(update)
    await say(
        update,
        context,
        context._("How many minutes? Type a number. For example: 45"),
        InlineKeyboardMarkup([[cancel_button(context, Cancel().pack())]]),
    )
    return State.HOW_LATE


async def type_minutes(update: Update, context: BotContext) -> State | int:
    """Typed minutes."""
    minutes = parse_minutes(text_of(update))
    if minutes is None or not 0 < minutes <= absences.MAX_MINUTES_LATE:
        await say(update, context, context._("Please type a number of minutes. For example: 45"))
        return State.HOW_LATE
    return await report(update, context, minutes)


async def report(update: Update, context: BotContext, minutes: int) -> int:
    """Store the late arrival; the workplace and the caseworker hear it at once."""
    person = context.person
    internship_id = context.data.pop(FLOW, None)
    if person is None or not isinstance(internship_id, int):
        return await expired(update, context)
    try:
        reported = await absences.report_late(context.services, person, internship_id, minutes)
    except Refusal:
        return await expired(update, context)
    told = notify.told_text(context.translator, reported.told)
    return await back_to_menu(
        update,
        context,
        context._("✅ Thank you.") + f" {told}\n" + context._("Come as soon as you can."),
    )


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is sent."""
    return await flows.stop(update, context, FLOW, context._(flows.NOTHING_SENT))


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    return flows.leave(context, FLOW)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        ConversationHandler(
            entry_points=menus.entry_points(i18n, Action.LATE, ask_how_late),
            states={
                State.HOW_LATE: [
                    CallbackQueryHandler(ask_minutes, pattern=OtherMinutes.matches),
                    CallbackQueryHandler(choose, pattern=Minutes.matches),
                    MessageHandler(typed_text(i18n), type_minutes),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=Cancel.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name=NAME,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
