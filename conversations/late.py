"""I will be late: the client says how late, the workplace and the caseworker hear it at once.

Menu "⏰ I will be late" (`/late`): how late (15 min, 30 min, 1 hour, or typed
minutes such as 45 or 1u30) → stored, and the workplace contact(s) and the
caseworker are told at once (notification kind "late").
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import flows, menus, notify
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    callback_arg,
    cancel_button,
    client_internship,
    close_buttons,
    expired,
    leaving,
    local_now,
    parse_number,
    refuse,
    say,
    text_of,
    typed_text,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.parsing import parse_minutes
from bot.store import absences, audit, internships
from bot.store.absences import AbsenceKind, NewAbsence

HOW_LATE = 0
FLOW = "late"
CHOICES = (15, 30, 60)
MAX_MINUTES = 8 * 60


def minutes_label(t: Translator, minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return t.ngettext("{n} hour", "{n} hours", hours)
    return t.ngettext("{n} minute", "{n} minutes", minutes)


async def ask_how_late(update: Update, context: BotContext) -> int:
    """Menu "I will be late": how late?"""
    context.data.pop(FLOW, None)
    internship = await client_internship(update, context)
    if internship is None:
        return ConversationHandler.END
    context.data[FLOW] = internship.id
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(minutes_label(t, m), callback_data=f"late:{m}") for m in CHOICES],
            [InlineKeyboardButton(t.plain("⌨️ Other"), callback_data="late:other")],
            [cancel_button(context, "late:cancel")],
        ]
    )
    await say(update, context, context._("⏰ How late will you be?"), keyboard)
    return HOW_LATE


async def choose(update: Update, context: BotContext) -> int | None:
    """A button: 15, 30 or 60 minutes."""
    minutes = parse_number(callback_arg(update))
    if minutes not in CHOICES:
        await refuse(update, context)
        return None
    await close_buttons(update)
    return await report(update, context, minutes)


async def ask_minutes(update: Update, context: BotContext) -> int:
    """«Other»: type the minutes."""
    await close_buttons(update)
    await say(
        update,
        context,
        context._("How many minutes? Type a number. For example: 45"),
        InlineKeyboardMarkup([[cancel_button(context, "late:cancel")]]),
    )
    return HOW_LATE


async def type_minutes(update: Update, context: BotContext) -> int:
    """Typed minutes."""
    minutes = parse_minutes(text_of(update))
    if minutes is None or not 0 < minutes <= MAX_MINUTES:
        await say(update, context, context._("Please type a number of minutes. For example: 45"))
        return HOW_LATE
    return await report(update, context, minutes)


async def report(update: Update, context: BotContext, minutes: int) -> int:
    """Store the late arrival and tell the workplace and the caseworker at once."""
    person = context.person
    internship_id = context.data.pop(FLOW, None)
    services = context.services
    internship = await internships.get(services.db, int(internship_id)) if internship_id else None
    if person is None or internship is None or internship.client_id != person.id:
        return await expired(update, context)
    now = local_now(services)

    def text_for(t: Translator) -> str:
        return "\n".join(
            [
                t._("⏰ <b>{client} will be late today.</b>", client=person.name),
                t._("About {duration} late.", duration=minutes_label(t, minutes)),
            ]
        )

    async with services.db.transaction():
        absence = await absences.add(
            services.db,
            NewAbsence(
                internship_id=internship.id,
                client_id=person.id,
                kind=AbsenceKind.LATE,
                day=now.date(),
                reported_by=person.id,
                minutes_late=minutes,
            ),
            now,
        )
        await audit.record(services.db, now, person.id, "absence.late", "absence", absence.id)
        reached = await notify.about_internship(services, internship, text_for, kind="late")
    told = notify.told_text(context.translator, notify.Told.of(reached))
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
                HOW_LATE: [
                    CallbackQueryHandler(ask_minutes, pattern=r"^late:other$"),
                    CallbackQueryHandler(choose, pattern=r"^late:\d{1,18}$"),
                    MessageHandler(typed_text(i18n), type_minutes),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=r"^late:cancel$"),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="late",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
