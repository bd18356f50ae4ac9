"""Plumbing every conversation shares: what counts as typed text, replying, buttons, leaving.

A flow's typed-text states take `typed_text(i18n)`, so a menu button is never
read as an answer; its fallbacks end it silently on `leaving(i18n)` (another
menu button or a command), so the next flow, in a later handler group, can start.
"""

from __future__ import annotations

import contextlib
import html
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler, filters

from bot import access, menus
from bot.callbacks import Button
from bot.context import BotContext
from bot.i18n import N_, I18n
from bot.menus import Action, AnyMenuButton
from bot.store import internships
from bot.store.models import Internship, Person, Role
from bot.text import TOO_LONG as TOO_LONG
from bot.text import check_length, check_name, clean

# Texts several flows show, translated once (in the `bot` domain).
TODAY = N_("Today")
TOMORROW = N_("Tomorrow")
ANOTHER_DAY = N_("📅 Another day")
LATER = N_("⏰ Later")
YES_SEND_IT = N_("✅ Yes, send it")
NO = N_("❌ No")
DONE = N_("Done ✔️")
NOTHING_SENT = N_("Stopped. Nothing was sent.")
BUTTON_EXPIRED = N_("This button has expired.")
EXPIRED_STEP = N_("This step has expired. Please start again from the menu.")
DATE_NOT_UNDERSTOOD = N_("I did not understand that date. Type it like this: {example}")

# Ids are SQLite integers: 18 digits always fit.
MAX_ID = 10**18 - 1
_NUMBER = re.compile(r"[0-9]{1,18}")


# Filters


def typed_text(i18n: I18n) -> filters.BaseFilter:
    """Typed text that is not a command or a menu button: an answer to the question asked."""
    return filters.TEXT & ~filters.COMMAND & ~AnyMenuButton(i18n)


def leaving(i18n: I18n) -> filters.BaseFilter:
    """A command or a menu button: the person leaves the flow for another one."""
    return menus.Leaving(i18n)


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    return ConversationHandler.END


# Reading the update


def callback_arg(update: Update) -> str:
    """The last part of the pressed button's data (`appt:ok:12` → `12`)."""
    query = update.callback_query
    return (query.data or "").rsplit(":", 1)[-1] if query else ""


def parse_number(text: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """A whole number from callback data, from `low` to `high`; None for anything else.

    Callback data can be forged: only ASCII digits are read (`int` also takes "٣",
    `str.isdigit` also "²", which `int` refuses), and never more than an SQLite integer.
    """
    if not _NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def callback_id(update: Update) -> int | None:
    """The id at the end of the pressed button's data (`appt:ok:12` → 12), or None."""
    return parse_number(callback_arg(update))


def text_of(update: Update) -> str:
    """The typed text, as it was typed ("" for anything else)."""
    message = update.effective_message
    return (message.text or "") if message else ""


def folded_text(update: Update) -> str:
    """The typed text cleaned (`bot.text.clean`): one line, runs of white space one space."""
    return clean(text_of(update))


async def typed_answer(
    update: Update,
    context: BotContext,
    limit: int,
    name: bool = False,
    multiline: bool = False,
    too_long: str = TOO_LONG,
    again: str = "",
) -> str | None:
    """The typed answer, cleaned, when it keeps `limit` (and with `name`, the name rule);
    else None, after telling the person why (and `again`, what to do).

    Every typed text the bot stores comes through here: nothing is cut silently.
    `too_long` is a message id with `{limit}` and `{typed}`.
    """
    answer = clean(text_of(update), multiline)
    refusal = check_name(answer, limit) if name else check_length(answer, limit, too_long)
    if refusal is None:
        return answer
    reason = refusal.text(context.translator)
    await say(update, context, f"{reason}\n{again}" if again else reason)
    return None


# Replying


async def say(
    update: Update, context: BotContext, text: str, buttons: InlineKeyboardMarkup | None = None
) -> None:
    """Send `text` (and its inline buttons) to the chat of the update."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, reply_markup=buttons)


async def back_to_menu(update: Update, context: BotContext, text: str) -> int:
    """Send `text` with the person's menu keyboard, and end the flow."""
    person = context.person
    chat = update.effective_chat
    assert chat is not None
    if person is None:
        await context.bot.send_message(chat.id, text)
    else:
        await menus.send_menu(context.bot, chat.id, person.role, context.translator, text)
    return ConversationHandler.END


async def stop(update: Update, context: BotContext, scratch: str, text: str) -> int:
    """Cancel a flow: its buttons closed, its scratch data (`scratch`) dropped, `text`
    with the menu."""
    await close_buttons(update)
    context.data.pop(scratch, None)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, text)


def leave(context: BotContext, scratch: str) -> int:
    """Another menu button or command: drop the flow's scratch data so the next flow
    can start."""
    context.data.pop(scratch, None)
    return ConversationHandler.END


async def expired(update: Update, context: BotContext) -> int:
    """A step that no longer fits (an old button, a changed internship): start again."""
    return await back_to_menu(update, context, context._(EXPIRED_STEP))


async def refuse(update: Update, context: BotContext) -> None:
    """A button this step did not offer (forged, or from another question): say it
    expired, and change nothing. A conversation handler that returns this None stays in
    its step."""
    await access.deny(update, context, access.EXPIRED)


async def button_expired(update: Update, context: BotContext) -> None:
    """A button that does not stand for this step (an old one, or forged): say so on the
    button, and change nothing. A conversation handler that returns this None stays in
    its step."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.translator.plain(BUTTON_EXPIRED), show_alert=True)


async def use_the_buttons(update: Update, context: BotContext) -> None:
    """Typed text where a button is expected: say so, change nothing."""
    await say(update, context, context._("Please use the buttons above."))


# Buttons


def button(text: str, data: str) -> InlineKeyboardButton:
    """An inline button; `data` is at most 64 bytes (Telegram's limit)."""
    return InlineKeyboardButton(text, callback_data=data)


def cancel_button(context: BotContext, data: str) -> InlineKeyboardButton:
    """The menu's Cancel label on an inline button, so both look the same."""
    role = context.person.role if context.person else Role.CLIENT
    return button(menus.label(context.translator, Action.CANCEL, role), data)


async def close_buttons(update: Update, keep: bool = False) -> None:
    """Answer a button press and put the chosen answer in place of its message's
    buttons (unless `keep`).

    Taking the buttons off makes every button a one-time answer: a second tap finds
    nothing. Showing the answer under the question (one edit, as taking them off
    costs anyway) lets the chat read as questions with their answers.
    """
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if not keep:
        await show_answer(query.message, query.data)


def chosen_label(message: Message, data: str | None) -> str | None:
    """The label of the button of `message` that carries `data`."""
    markup = message.reply_markup
    if markup is None or data is None:
        return None
    for row in markup.inline_keyboard:
        for pressed in row:
            if pressed.callback_data == data:
                return pressed.text
    return None


async def show_answer(message: Any, data: str | None) -> None:
    """The question with the chosen answer under it and no buttons; a message that is
    no text (a photo's caption), or would grow too long, only loses its buttons."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    label = chosen_label(message, data)
    if label is None or message.text is None or len(message.text) + len(label) + 3 > 4096:
        await remove_buttons(message)
        return
    with contextlib.suppress(BadRequest):
        await message.edit_text(
            f"{message.text_html}\n<b>→ {html.escape(label)}</b>", reply_markup=None
        )


async def remove_buttons(message: Any) -> None:
    """Take the inline buttons off a message that still has them."""
    if isinstance(message, Message) and message.reply_markup is not None:
        # Already without buttons, or too old to edit: nothing to undo.
        with contextlib.suppress(BadRequest):
            await message.edit_reply_markup(reply_markup=None)


def resume_buttons(context: BotContext, resume: Button, restart: Button) -> InlineKeyboardMarkup:
    """Continue a saved draft (`resume`) or throw it away (`restart`)."""
    t = context.translator
    return InlineKeyboardMarkup(
        [
            [button(t.plain("▶️ Continue where you stopped"), resume.pack())],
            [button(t.plain("🔁 Start again"), restart.pack())],
        ]
    )


# Languages

# Set when a client links: their first language choice ends with a welcome.
WELCOME_PENDING = "language_welcome_pending"


async def greet_and_ask_language(update: Update, context: BotContext, person: Person) -> None:
    """Greet a client who just linked by name and ask their language (one question)."""
    chat = update.effective_chat
    assert chat is not None
    context.data[WELCOME_PENDING] = True
    await menus.ask_language(
        context.bot,
        chat.id,
        context.services.i18n,
        context._("Hello {name}! 👋\nWhich language do you want?", name=person.name),
    )


# Who and when


async def staff(update: Update, context: BotContext) -> Person | None:
    """The caseworker or admin behind the update; anyone else is refused."""
    return await access.require(update, context, Role.CASEWORKER, Role.ADMIN)


async def client_internship(update: Update, context: BotContext) -> Internship | None:
    """The client's open internship; a short answer (and the menu) when not a client or none."""
    person = await access.require(update, context, Role.CLIENT)
    if person is None:
        return None
    internship = await internships.current_for_client(context.services.db, person.id)
    if internship is None:
        await back_to_menu(
            update,
            context,
            context._("You have no internship at the moment. Please contact your caseworker."),
        )
    return internship
