"""Extend an internship: by how many workdays, confirmed with the new dates.

- ➕ Extend in the detail (`cl:ext:<id>`) asks the number of workdays: a button
  (1, 2, 3, 5) or typed (state `days`).
- The number, or ➕ Extend n d on a notification (`cw:extend:<id>:<n>`), asks to
  confirm with the new last day and evaluation due day.
- ✅ Extend (`cl:ext!:<id>:<n>:<extension seen>`) extends (`bot.actions.internships
  .extend`: the workplace and the client are told, the reminders move) and shows the
  detail again. The extension seen rides along, so a second tap extends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, workdays
from bot.actions import internships as actions
from bot.actions.internships import MAX_WORKDAYS
from bot.actions.refusals import Refusal, StaleState
from bot.buttons import AskExtension, ExtendBy
from bot.callbacks import Button
from bot.caseload import (
    answer,
    confirm,
    conversation,
    internship_for,
    name_of,
    refused,
    show_detail,
    take_buttons_off,
)
from bot.context import BotContext
from bot.flows import (
    button,
    folded_text,
    parse_number,
    refuse,
    say,
    typed_text,
)
from bot.i18n import I18n

KEY = "caseload_extend"
CHOICES = (1, 2, 3, 5)


class State(StrEnum):
    DAYS = "days"


@dataclass(frozen=True)
class DoExtend(Button, prefix="cl:ext!"):
    """✅ Extend: the internship, the workdays, and the extension the question showed."""

    internship_id: int
    workdays: int
    seen: int


async def ask_extension(update: Update, context: BotContext) -> State | int | None:
    """`cl:ext:<id>`: by how many workdays?"""
    press = AskExtension.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id, open_only=True)
    if internship is None:
        return None
    await answer(update)
    context.data[KEY] = {"internship_id": internship.id}
    buttons = [button(str(n), ExtendBy(internship.id, n).pack()) for n in CHOICES]
    await say(
        update,
        context,
        context._("By how many workdays do you extend the internship? Pick or type a number."),
        InlineKeyboardMarkup([buttons]),
    )
    return State.DAYS


async def days_typed(update: Update, context: BotContext) -> State | int | None:
    """Typed: the number of workdays to add."""
    internship_id = context.data.get(KEY, {}).get("internship_id")
    if internship_id is None:
        return ConversationHandler.END
    extra = parse_number(folded_text(update), 1, MAX_WORKDAYS)
    if extra is None:
        await say(
            update,
            context,
            context._("Please type a number of workdays from 1 to {most}.", most=MAX_WORKDAYS),
        )
        return State.DAYS
    return await _confirm(update, context, int(internship_id), extra)


async def days_pressed(update: Update, context: BotContext) -> State | int | None:
    """`cw:extend:<id>:<n>` (a number above, or a notification's button): confirm."""
    press = ExtendBy.of(update)
    assert press is not None
    return await _confirm(update, context, press.internship_id, press.workdays)


async def _confirm(
    update: Update, context: BotContext, internship_id: int, extra: int
) -> State | int | None:
    """Ask to confirm, with the new last day and evaluation due day."""
    if not 1 <= extra <= MAX_WORKDAYS:
        # No button of ours says so: forged, or from an older version.
        await refuse(update, context)
        return None
    internship = await internship_for(update, context, internship_id, open_only=True)
    if internship is None:
        return None
    await answer(update)
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
            client=await name_of(context.services, internship.client_id),
            last=t.date(last, "EEEE d MMMM"),
            due=t.date(due, "EEEE d MMMM"),
        ),
        confirm(
            t,
            t.plain("✅ Extend"),
            DoExtend(internship.id, extra, internship.extension_workdays).pack(),
            internship.id,
        ),
    )
    context.data.pop(KEY, None)
    return ConversationHandler.END


async def extend(update: Update, context: BotContext) -> int | None:
    """`cl:ext!:<id>:<n>:<seen>`: extend, then the detail again."""
    press = DoExtend.of(update)
    assert press is not None
    try:
        changed = await actions.extend(
            context.services, context.person, press.internship_id, press.workdays, press.seen
        )
    except StaleState:
        # A second tap, or the internship changed since the question: nothing happens.
        await answer(update, context.translator.plain(access.EXPIRED))
        return ConversationHandler.END
    except Refusal as refusal:
        return await refused(update, context, refusal)
    await answer(update, context.translator.plain("Extended."))
    await take_buttons_off(update)
    await show_detail(update, context, changed)
    return ConversationHandler.END


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons: list[BaseHandler[Any, Any, Any]] = [
        CallbackQueryHandler(ask_extension, pattern=AskExtension.matches),
        CallbackQueryHandler(days_pressed, pattern=ExtendBy.matches),
        CallbackQueryHandler(extend, pattern=DoExtend.matches),
    ]
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        State.DAYS: [MessageHandler(typed_text(i18n), days_typed)]
    }
    return [conversation(i18n, KEY, buttons, states)]
