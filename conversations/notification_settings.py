"""Notification settings: which kinds reach a caseworker at once, which in a daily digest.

The menu button shows one button per kind of notification; a tap switches it
between "at once" (🔔) and "in the daily digest" (🗞). The digest goes out at a
local time the caseworker chooses (16:00 unless changed). Urgent kinds (sick
reports, work accidents) arrive at once unless the caseworker moves them.

`bot.notify` keeps digest notifications in `digest_items`; the `caseworker_digest`
reminder (`send_digest`, registered here) sends them together at that time.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import flows, menus, notify
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    end_silently,
    leaving,
    refuse,
    remove_buttons,
    staff,
    typed_text,
)
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.parsing import parse_clock
from bot.reminders import Reminders
from bot.services import Services
from bot.store import caseload, internships, people, reminders
from bot.store.models import Person

CHOOSING, TIME = range(2)

# Every kind of notification a caseworker gets, as `bot.notify` callers name them.
KINDS = {
    "sick": N_("Sick reports"),
    "certificate": N_("Medical certificates"),
    "late": N_("Late arrivals"),
    "appointment": N_("Appointments"),
    "accident": N_("Work accidents"),
    "no_show": N_("Did not come"),
    "hours": N_("Internship hours"),
    "evaluation": N_("Evaluations"),
    "reminder": N_("Reminders"),
    "first_day": N_("First workday"),
    "blocked": N_("Blocked the bot"),
}
TIME_CHOICES = ["08:00", "12:00", "16:00", "17:00"]
MAX_DIGEST_MESSAGE = 3500
MAX_OPEN_BUTTONS = 10


async def _settings_view(context: BotContext, person: Person) -> tuple[str, InlineKeyboardMarkup]:
    t = context.translator
    db = context.services.db
    chosen = await caseload.preferences(db, person.id)
    at = await caseload.digest_time(db, person.id)
    rows = []
    for kind, label in KINDS.items():
        digest = chosen.get(kind) == "digest"
        rows.append(
            [
                InlineKeyboardButton(
                    ("🗞 " if digest else "🔔 ") + t.plain(label), callback_data=f"ns:k:{kind}"
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t.plain("🕓 Digest time: {time}", time=t.time(at)), callback_data="ns:time"
            )
        ]
    )
    rows.append([InlineKeyboardButton(t.plain(flows.DONE), callback_data="ns:done")])
    text = context._(
        "<b>Notifications</b>\n🔔 = at once, 🗞 = in the daily digest at {time}.\n"
        "Tap a kind to switch it.",
        time=t.time(at),
    )
    return text, InlineKeyboardMarkup(rows)


async def show(update: Update, context: BotContext) -> int:
    """Menu "Notifications": the settings with their buttons."""
    person = await staff(update, context)
    if person is None:
        return ConversationHandler.END
    text, buttons = await _settings_view(context, person)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, reply_markup=buttons)
    return CHOOSING


async def toggle(update: Update, context: BotContext) -> int | None:
    """`ns:k:<kind>`: switch a kind between at once and the digest."""
    person = await staff(update, context)
    query = update.callback_query
    if person is None or query is None:
        return None
    kind = (query.data or "").rsplit(":", 1)[1]
    if kind not in KINDS:
        # Forged or from an older version: it must not open the settings either.
        await refuse(update, context)
        return None
    db = context.services.db
    current = (await caseload.preferences(db, person.id)).get(kind, "now")
    await caseload.set_preference(db, person.id, kind, "now" if current == "digest" else "digest")
    await query.answer()
    text, buttons = await _settings_view(context, person)
    await query.edit_message_text(text, reply_markup=buttons)
    return CHOOSING


async def ask_time(update: Update, context: BotContext) -> int | None:
    """`ns:time`: at what time the digest comes."""
    person = await staff(update, context)
    query = update.callback_query
    if person is None or query is None:
        return None
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    buttons = [
        InlineKeyboardButton(choice, callback_data=f"ns:at:{choice.replace(':', '')}")
        for choice in TIME_CHOICES
    ]
    await context.bot.send_message(
        chat.id,
        context._("At what time do you want the daily digest? Pick it, or type it (16:30)."),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )
    return TIME


async def time_chosen(update: Update, context: BotContext) -> int | None:
    """`ns:at:<HHMM>` or typed: store the digest time and plan the next digest."""
    person = await staff(update, context)
    if person is None:
        return None
    if update.callback_query is not None:
        raw = (update.callback_query.data or "").rsplit(":", 1)[1]
        at = parse_clock(f"{raw[:2]}:{raw[2:]}")
        if at is None:
            await refuse(update, context)
            return None
        await update.callback_query.answer()
    else:
        message = update.effective_message
        at = parse_clock(message.text or "") if message is not None else None
    chat = update.effective_chat
    assert chat is not None
    if at is None:
        await context.bot.send_message(
            chat.id, context._("I do not understand this time. Please type it like this: 16:30")
        )
        return TIME
    services = context.services
    async with services.db.transaction():
        await caseload.set_digest_time(services.db, person.id, at)
        await notify.plan_digest(services, person.id)
    text, buttons = await _settings_view(context, person)
    await context.bot.send_message(chat.id, text, reply_markup=buttons)
    return CHOOSING


async def done(update: Update, context: BotContext) -> int | None:
    """`ns:done`: close the settings."""
    query = update.callback_query
    if query is None or await staff(update, context) is None:
        return None
    await query.answer(context.translator.plain("Saved."))
    await remove_buttons(query.message)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: the settings are already saved."""
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._("Your notification settings are saved."))


# The digest


def digest_messages(t: Translator, texts: list[str]) -> list[str]:
    """The digest's texts in as few messages as Telegram allows."""
    header = t.ngettext(
        "🗞 <b>Your daily digest</b>: {n} notification",
        "🗞 <b>Your daily digest</b>: {n} notifications",
        len(texts),
    )
    messages, current = [], header
    for text in texts:
        piece = f"\n\n— — —\n{text}"
        if len(current) + len(piece) > MAX_DIGEST_MESSAGE:
            messages.append(current)
            current = text[:MAX_DIGEST_MESSAGE]
        else:
            current += piece
    messages.append(current)
    return messages


async def send_digest(services: Services, reminder: reminders.Reminder) -> str | None:
    """The `caseworker_digest` reminder: everything waiting, in one go, with open buttons."""
    person = await people.get(services.db, reminder.subject_id)
    if person is None or person.telegram_user_id is None:
        return "caseworker not reachable"
    items = await caseload.pending_digest(services.db, person.id)
    if not items:
        return "nothing waiting"
    t = services.i18n.translator(person.language)
    seen: list[int] = []
    for item in items:
        if item.internship_id is not None and item.internship_id not in seen:
            seen.append(item.internship_id)
    buttons = []
    for internship_id in seen[:MAX_OPEN_BUTTONS]:
        internship = await internships.get(services.db, internship_id)
        client = await people.get(services.db, internship.client_id) if internship else None
        name = client.name if client else str(internship_id)
        buttons.append(
            [InlineKeyboardButton(f"📂 {name}"[:60], callback_data=f"cw:open:{internship_id}")]
        )
    messages = digest_messages(t, [item.text for item in items])
    for number, text in enumerate(messages, start=1):
        markup = InlineKeyboardMarkup(buttons) if number == len(messages) and buttons else None
        await services.outbox.message(
            person, text, markup, kind="digest", dedupe_key=f"digest:{reminder.id}:{number}"
        )
    await caseload.mark_digest_sent(services.db, [item.id for item in items], services.clock.now())
    return None


def register_reminders(reminders_: Reminders) -> None:
    reminders_.register(notify.DIGEST_KIND, send_digest, label=N_("daily digest"))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons: list[BaseHandler[Update, Any, Any]] = [
        CallbackQueryHandler(toggle, pattern=r"^ns:k:\w+$"),
        CallbackQueryHandler(ask_time, pattern=r"^ns:time$"),
        CallbackQueryHandler(time_chosen, pattern=r"^ns:at:\d{4}$"),
        CallbackQueryHandler(done, pattern=r"^ns:done$"),
    ]
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        CHOOSING: buttons,
        TIME: [*buttons, MessageHandler(typed_text(i18n), time_chosen)],
    }
    conversation: ConversationHandler[Any] = ConversationHandler(
        name="notification_settings",
        persistent=True,
        per_message=False,
        entry_points=[*menus.entry_points(i18n, Action.SETTINGS, show), *buttons],
        states=states,
        allow_reentry=True,
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            MessageHandler(leaving(i18n), end_silently),
        ],
    )
    return [conversation]
