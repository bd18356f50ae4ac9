"""Notification settings: which kinds reach a caseworker at once, which in a daily digest.

The menu button shows one button per kind of notification; a tap switches it
between "at once" (🔔) and "in the daily digest" (🗞). The digest goes out at a
local time the caseworker chooses (16:00 unless changed). Urgent kinds (sick
reports, work accidents) arrive at once unless the caseworker moves them.

`bot.notify` keeps digest notifications in `digest_items`; the `caseworker_digest`
reminder (`bot.notify.send_digest`) sends them together at that time. The choices
are stored by `bot.actions.people.choose_delivery` and `choose_digest_time`.

Buttons: `ns:k:<kind>` (switch a kind), `ns:time` and `ns:at:<HHMM>` (the digest
time), `ns:done`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import flows, menus, notify
from bot.actions import people as people_actions
from bot.actions.people import Delivery
from bot.actions.refusals import Refusal
from bot.callbacks import Button
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
from bot.i18n import I18n
from bot.menus import Action
from bot.parsing import parse_clock
from bot.store import caseload
from bot.store.models import Person


class State(StrEnum):
    CHOOSING = "choosing"
    TIME = "time"


@dataclass(frozen=True)
class SwitchKind(Button, prefix="ns:k"):
    kind: str


@dataclass(frozen=True)
class AskTime(Button, prefix="ns:time"):
    pass


@dataclass(frozen=True)
class DigestAt(Button, prefix="ns:at"):
    """The digest time as four digits (`1600`): the data has no room for a colon."""

    hhmm: str


@dataclass(frozen=True)
class Done(Button, prefix="ns:done"):
    pass


TIME_CHOICES = ["08:00", "12:00", "16:00", "17:00"]


async def _settings_view(context: BotContext, person: Person) -> tuple[str, InlineKeyboardMarkup]:
    t = context.translator
    db = context.services.db
    chosen = await caseload.preferences(db, person.id)
    at = await caseload.digest_time(db, person.id)
    rows = []
    for kind, label in notify.KINDS.items():
        digest = chosen.get(kind) == "digest"
        rows.append(
            [
                InlineKeyboardButton(
                    ("🗞 " if digest else "🔔 ") + t.plain(label),
                    callback_data=SwitchKind(kind).pack(),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t.plain("🕓 Digest time: {time}", time=t.time(at)), callback_data=AskTime().pack()
            )
        ]
    )
    rows.append([InlineKeyboardButton(t.plain(flows.DONE), callback_data=Done().pack())])
    text = context._(
        "<b>Notifications</b>\n🔔 = at once, 🗞 = in the daily digest at {time}.\n"
        "Tap a kind to switch it.",
        time=t.time(at),
    )
    return text, InlineKeyboardMarkup(rows)


async def show(update: Update, context: BotContext) -> State | int:
    """Menu "Notifications": the settings with their buttons."""
    person = await staff(update, context)
    if person is None:
        return ConversationHandler.END
    text, buttons = await _settings_view(context, person)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, reply_markup=buttons)
    return State.CHOOSING


async def toggle(update: Update, context: BotContext) -> State | None:
    """`ns:k:<kind>`: switch a kind between at once and the digest."""
    press = SwitchKind.of(update)
    person = await staff(update, context)
    query = update.callback_query
    if person is None or query is None or press is None:
        return None
    current = (await caseload.preferences(context.services.db, person.id)).get(press.kind)
    delivery = Delivery.NOW if current == Delivery.DIGEST else Delivery.DIGEST
    try:
        await people_actions.choose_delivery(context.services, person, press.kind, delivery)
    except Refusal:
        # An unknown kind, forged or from an older version: it must not open the settings.
        await refuse(update, context)
        return None
    await query.answer()
    text, buttons = await _settings_view(context, person)
    await query.edit_message_text(text, reply_markup=buttons)
    return State.CHOOSING


async def ask_time(update: Update, context: BotContext) -> State | None:
    """`ns:time`: at what time the digest comes."""
    person = await staff(update, context)
    query = update.callback_query
    if person is None or query is None:
        return None
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    buttons = [
        InlineKeyboardButton(choice, callback_data=DigestAt(choice.replace(":", "")).pack())
        for choice in TIME_CHOICES
    ]
    await context.bot.send_message(
        chat.id,
        context._("At what time do you want the daily digest? Pick it, or type it (16:30)."),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )
    return State.TIME


async def time_chosen(update: Update, context: BotContext) -> State | None:
    """`ns:at:<HHMM>` or typed: store the digest time and plan the next digest."""
    person = await staff(update, context)
    if person is None:
        return None
    press = DigestAt.of(update)
    if update.callback_query is not None:
        raw = press.hhmm if press is not None else ""
        at = parse_clock(f"{raw[:2]}:{raw[2:]}") if len(raw) == 4 and raw.isascii() else None
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
        return State.TIME
    await people_actions.choose_digest_time(context.services, person, at)
    text, buttons = await _settings_view(context, person)
    await context.bot.send_message(chat.id, text, reply_markup=buttons)
    return State.CHOOSING


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


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons: list[BaseHandler[Update, Any, Any]] = [
        CallbackQueryHandler(toggle, pattern=SwitchKind.matches),
        CallbackQueryHandler(ask_time, pattern=AskTime.matches),
        CallbackQueryHandler(time_chosen, pattern=DigestAt.matches),
        CallbackQueryHandler(done, pattern=Done.matches),
    ]
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        State.CHOOSING: buttons,
        State.TIME: [*buttons, MessageHandler(typed_text(i18n), time_chosen)],
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
