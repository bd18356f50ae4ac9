"""I had an accident at work: first what to do now, then when and what happened.

Menu "🚑 Accident at work" (`/accident`): the bot first says what to do now (tell
your boss at once, get first aid or a doctor, keep all papers), then asks when
it happened (just now, earlier today, yesterday, another day; then the time) and
a short description (text, or a voice message that is forwarded as it is). The
workplace contact(s) and the caseworker are told at once, marked urgent
(`bot.actions.absences.report_accident`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, flows, menus, notify, phones
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
    say,
    text_of,
    typed_answer,
    typed_text,
    use_the_buttons,
)
from bot.i18n import I18n
from bot.menus import Action
from bot.parsing import Yearless, date_example, parse_clock, parse_day
from bot.store import internships, people
from bot.store.models import Role

NAME = "accident"
# Scratch data: {"internship": id, "day": ISO date, "time": "HH:MM"} as far as known.
FLOW = "accident"


class State(StrEnum):
    WHEN = "when"
    ON_DAY = "on_day"
    AT_TIME = "at_time"
    WHAT = "what"


@dataclass(frozen=True)
class When(Button, prefix="acc"):
    """Just now, earlier today, yesterday, or another day (typed)."""

    when: Literal["now", "today", "yesterday", "other"]


@dataclass(frozen=True)
class Cancel(Button, prefix="acc:cancel"):
    pass


async def start(update: Update, context: BotContext) -> State | int:
    """Menu "Accident at work": what to do now, then when did it happen?"""
    context.data.pop(FLOW, None)
    if await access.require(update, context, Role.CLIENT) is None:
        return ConversationHandler.END
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(
        # First of all, in every language: 112 as a number Telegram lets people tap.
        context._("🆘 In an emergency call 112.")
        + "\n\n"
        + context._(
            "🚑 <b>An accident at work? Do this now:</b>\n"
            "1. Tell your boss at once.\n"
            "2. Get first aid, or go to a doctor.\n"
            "3. Keep all papers (from the doctor, the hospital, the pharmacy)."
        )
    )
    internship = await client_internship(update, context)
    if internship is None:
        return ConversationHandler.END
    context.data[FLOW] = {"internship": internship.id}
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.plain("Just now"), callback_data=When("now").pack())],
            [InlineKeyboardButton(t.plain("Earlier today"), callback_data=When("today").pack())],
            [InlineKeyboardButton(t.plain("Yesterday"), callback_data=When("yesterday").pack())],
            [InlineKeyboardButton(t.plain(flows.ANOTHER_DAY), callback_data=When("other").pack())],
            [cancel_button(context, Cancel().pack())],
        ]
    )
    await say(update, context, context._("When did it happen?"), keyboard)
    return State.WHEN


def cancel_only(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[cancel_button(context, Cancel().pack())]])


async def choose_when(update: Update, context: BotContext) -> State | int:
    """Just now, earlier today, yesterday or another day."""
    press = When.of(update)
    await close_buttons(update)
    flow = context.data.get(FLOW)
    if flow is None or press is None:
        return await expired(update, context)
    now = context.services.now_local()
    if press.when == "now":
        flow["day"] = now.date().isoformat()
        flow["time"] = now.strftime("%H:%M")
        return await ask_what(update, context)
    if press.when == "other":
        await say(
            update,
            context,
            context._(
                "Which day? Type the date. For example: {example}",
                example=date_example(now.date() - timedelta(days=2)),
            ),
            cancel_only(context),
        )
        return State.ON_DAY
    day = now.date() if press.when == "today" else now.date() - timedelta(days=1)
    return await set_day(update, context, day)


async def type_day(update: Update, context: BotContext) -> State | int:
    """A typed date (today or earlier)."""
    today = context.services.now_local().date()
    day = parse_day(text_of(update), today, Yearless.LAST)
    if day is None:
        await say(
            update,
            context,
            context._(
                flows.DATE_NOT_UNDERSTOOD,
                example=date_example(today - timedelta(days=2)),
            ),
        )
        return State.ON_DAY
    if day > today:
        await say(
            update, context, context._("That day has not come yet. Please type an earlier date.")
        )
        return State.ON_DAY
    if day < today - timedelta(days=absences.MAX_ACCIDENT_DAYS_AGO):
        internship_id = (context.data.get(FLOW) or {}).get("internship")
        internship = (
            await internships.get(context.services.db, int(internship_id))
            if internship_id
            else None
        )
        caseworker = (
            await people.get(context.services.db, internship.caseworker_id) if internship else None
        )
        await say(
            update,
            context,
            context._("That is too long ago.")
            + " "
            + phones.call_caseworker(context.translator, caseworker),
        )
        return State.ON_DAY
    return await set_day(update, context, day)


async def set_day(update: Update, context: BotContext, day: date) -> State | int:
    """Keep the day of the accident; ask at what time."""
    flow = context.data.get(FLOW)
    if flow is None:
        return await expired(update, context)
    flow["day"] = day.isoformat()
    await say(
        update,
        context,
        context._("At what time, about? For example: 10:30"),
        cancel_only(context),
    )
    return State.AT_TIME


async def type_time(update: Update, context: BotContext) -> State | int:
    """A typed time."""
    flow = context.data.get(FLOW)
    if flow is None or "day" not in flow:
        return await expired(update, context)
    at = parse_clock(text_of(update))
    if at is None:
        await say(update, context, context._("Please type the time like this: 10:30"))
        return State.AT_TIME
    now = context.services.now_local()
    if date.fromisoformat(flow["day"]) == now.date() and at > now.time():
        await say(
            update, context, context._("That time has not come yet. Please type an earlier time.")
        )
        return State.AT_TIME
    flow["time"] = at.strftime("%H:%M")
    return await ask_what(update, context)


async def ask_what(update: Update, context: BotContext) -> State:
    """Ask what happened (a few words or a voice message)."""
    await say(
        update,
        context,
        context._("What happened? Write a few words, or send a voice message."),
        cancel_only(context),
    )
    return State.WHAT


async def type_what(update: Update, context: BotContext) -> State | int:
    """A typed description."""
    text = await typed_answer(update, context, absences.MAX_DESCRIPTION, multiline=True)
    if text is None:
        return State.WHAT
    if not text:
        return await ask_what(update, context)
    return await report(update, context, text=text)


async def voice_what(update: Update, context: BotContext) -> int:
    """A voice description: forwarded as it is, never transcribed."""
    message = update.effective_message
    assert message is not None and message.voice is not None
    return await report(update, context, voice=message.voice.file_id)


async def report(
    update: Update, context: BotContext, text: str | None = None, voice: str | None = None
) -> int:
    """Store the accident; the workplace and the caseworker hear it at once, as urgent."""
    person = context.person
    flow = context.data.pop(FLOW, None)
    if person is None or flow is None or "time" not in flow:
        return await expired(update, context)
    try:
        reported = await absences.report_accident(
            context.services,
            person,
            int(flow["internship"]),
            date.fromisoformat(flow["day"]),
            time.fromisoformat(flow["time"]),
            description=text,
            voice_file_id=voice,
        )
    except Refusal:
        # No longer this client's open internship, or the day no longer fits (the
        # question was left open for days): start again.
        return await expired(update, context)
    told = notify.told_text(context.translator, reported.told)
    return await back_to_menu(
        update, context, f"✅ {told}\n" + context._("Keep all papers. Get well soon!")
    )


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is sent."""
    return await flows.stop(update, context, FLOW, context._(flows.NOTHING_SENT))


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    return flows.leave(context, FLOW)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=menus.entry_points(i18n, Action.ACCIDENT, start),
            states={
                State.WHEN: [
                    CallbackQueryHandler(choose_when, pattern=When.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.ON_DAY: [MessageHandler(text, type_day)],
                State.AT_TIME: [MessageHandler(text, type_time)],
                State.WHAT: [
                    MessageHandler(text, type_what),
                    MessageHandler(filters.VOICE, voice_what),
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
