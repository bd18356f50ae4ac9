"""I had an accident at work: first what to do now, then when and what happened.

Menu "🚑 Accident at work" (`/accident`): the bot first says what to do now (tell
your boss at once, get first aid or a doctor, keep all papers), then asks when
it happened (just now, earlier today, yesterday, another day; then the time) and
a short description (text, or a voice message that is forwarded as it is). The
workplace contact(s) and the caseworker are told at once, marked urgent
(notification kind "accident").
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, flows, menus, notify
from bot.context import BotContext
from bot.files import forward_file
from bot.flows import (
    back_to_menu,
    callback_arg,
    cancel_button,
    client_internship,
    close_buttons,
    expired,
    leaving,
    local_now,
    say,
    text_of,
    typed_answer,
    typed_text,
    use_the_buttons,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.parsing import Yearless, date_example, parse_clock, parse_day
from bot.store import absences, audit, internships
from bot.store.absences import AbsenceKind, NewAbsence
from bot.store.models import Role

WHEN, ON_DAY, AT_TIME, WHAT = range(4)
FLOW = "accident"
# An accident reported later than this is still reported, but not through the bot.
MAX_DAYS_AGO = 60
MAX_DESCRIPTION = 500


async def start(update: Update, context: BotContext) -> int:
    """Menu "Accident at work": what to do now, then when did it happen?"""
    context.data.pop(FLOW, None)
    if await access.require(update, context, Role.CLIENT) is None:
        return ConversationHandler.END
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(
        context._(
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
            [InlineKeyboardButton(t.plain("Just now"), callback_data="acc:now")],
            [InlineKeyboardButton(t.plain("Earlier today"), callback_data="acc:today")],
            [InlineKeyboardButton(t.plain("Yesterday"), callback_data="acc:yesterday")],
            [InlineKeyboardButton(t.plain(flows.ANOTHER_DAY), callback_data="acc:other")],
            [cancel_button(context, "acc:cancel")],
        ]
    )
    await say(update, context, context._("When did it happen?"), keyboard)
    return WHEN


async def choose_when(update: Update, context: BotContext) -> int:
    """Just now, earlier today, yesterday or another day."""
    await close_buttons(update)
    flow = context.data.get(FLOW)
    if flow is None:
        return await expired(update, context)
    now = local_now(context.services)
    choice = callback_arg(update)
    if choice == "now":
        flow["day"] = now.date().isoformat()
        flow["time"] = now.strftime("%H:%M")
        return await ask_what(update, context)
    if choice == "other":
        await say(
            update,
            context,
            context._(
                "Which day? Type the date. For example: {example}",
                example=date_example(now.date() - timedelta(days=2)),
            ),
            InlineKeyboardMarkup([[cancel_button(context, "acc:cancel")]]),
        )
        return ON_DAY
    day = now.date() if choice == "today" else now.date() - timedelta(days=1)
    return await set_day(update, context, day)


async def type_day(update: Update, context: BotContext) -> int:
    """A typed date (today or earlier)."""
    today = local_now(context.services).date()
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
        return ON_DAY
    if day > today:
        await say(
            update, context, context._("That day has not come yet. Please type an earlier date.")
        )
        return ON_DAY
    if day < today - timedelta(days=MAX_DAYS_AGO):
        await say(
            update,
            context,
            context._("That is too long ago. Please call your caseworker about it."),
        )
        return ON_DAY
    return await set_day(update, context, day)


async def set_day(update: Update, context: BotContext, day: date) -> int:
    """Keep the day of the accident; ask at what time."""
    flow = context.data.get(FLOW)
    if flow is None:
        return await expired(update, context)
    flow["day"] = day.isoformat()
    await say(
        update,
        context,
        context._("At what time, about? For example: 10:30"),
        InlineKeyboardMarkup([[cancel_button(context, "acc:cancel")]]),
    )
    return AT_TIME


async def type_time(update: Update, context: BotContext) -> int:
    """A typed time."""
    flow = context.data.get(FLOW)
    if flow is None or "day" not in flow:
        return await expired(update, context)
    at = parse_clock(text_of(update))
    if at is None:
        await say(update, context, context._("Please type the time like this: 10:30"))
        return AT_TIME
    now = local_now(context.services)
    if date.fromisoformat(flow["day"]) == now.date() and at > now.time():
        await say(
            update, context, context._("That time has not come yet. Please type an earlier time.")
        )
        return AT_TIME
    flow["time"] = at.strftime("%H:%M")
    return await ask_what(update, context)


async def ask_what(update: Update, context: BotContext) -> int:
    """Ask what happened (a few words or a voice message)."""
    await say(
        update,
        context,
        context._("What happened? Write a few words, or send a voice message."),
        InlineKeyboardMarkup([[cancel_button(context, "acc:cancel")]]),
    )
    return WHAT


async def type_what(update: Update, context: BotContext) -> int:
    """A typed description."""
    text = await typed_answer(update, context, MAX_DESCRIPTION, multiline=True)
    if text is None:
        return WHAT
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
    """Store the accident and tell the workplace and the caseworker at once, as urgent."""
    person = context.person
    flow = context.data.pop(FLOW, None)
    services = context.services
    if person is None or flow is None or "time" not in flow:
        return await expired(update, context)
    internship = await internships.get(services.db, int(flow["internship"]))
    if internship is None or internship.client_id != person.id:
        return await expired(update, context)
    day = date.fromisoformat(flow["day"])
    at = time.fromisoformat(flow["time"])
    now = services.clock.now()

    def text_for(t: Translator) -> str:
        lines = [
            t._("🚨 <b>URGENT: accident at work</b>"),
            t._(
                "{client} had an accident at work on {day} at {time}.",
                client=person.name,
                day=t.date(day),
                time=t.time(at),
            ),
        ]
        if text:
            lines.append(t._("What happened: {description}", description=text))
        else:
            lines.append(t._("What happened: see the voice message below."))
        lines += [
            "",
            t._("Please make sure {client} gets help. Keep all papers.", client=person.name),
        ]
        return "\n".join(lines)

    async with services.db.transaction():
        absence = await absences.add(
            services.db,
            NewAbsence(
                internship_id=internship.id,
                client_id=person.id,
                kind=AbsenceKind.ACCIDENT,
                day=day,
                reported_by=person.id,
                remark=text,
                remark_voice_file_id=voice,
                accident_time=at,
            ),
            now,
        )
        await audit.record(services.db, now, person.id, "absence.accident", "absence", absence.id)
        reached = await notify.about_internship(
            services, internship, text_for, kind="accident", urgent=True
        )
        if voice:
            await forward_file(
                services,
                reached,
                "sendVoice",
                voice,
                lambda t: t._(
                    "🚨 Voice message from {client} about the accident", client=person.name
                ),
                kind="accident",
            )
    told = notify.told_text(context.translator, notify.Told.of(reached))
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
                WHEN: [
                    CallbackQueryHandler(choose_when, pattern=r"^acc:(now|today|yesterday|other)$"),
                    MessageHandler(text, use_the_buttons),
                ],
                ON_DAY: [MessageHandler(text, type_day)],
                AT_TIME: [MessageHandler(text, type_time)],
                WHAT: [
                    MessageHandler(text, type_what),
                    MessageHandler(filters.VOICE, voice_what),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=r"^acc:cancel$"),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="accident",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
