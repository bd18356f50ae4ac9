"""Language: every person chooses the language the bot speaks with them.

- A client who just linked their account (see `conversations.start`) is greeted
  by name and asked for their language first (`flows.greet_and_ask_language`); the
  menu follows in that language.
- `/language` or the 🌐 Language menu button, for every role: the language
  buttons, each with the language's own name ("Türkçe", "العربية").
- Pressing one stores the choice, then sends the menu keyboard and sets the
  Telegram commands of the chat in that language.

The buttons carry `lang:<code>` (`bot.buttons.ChooseLanguage`); the handler trusts
only the person behind the update (a linked person of any role) and a shipped
language code.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import access, flows, menus
from bot.actions import people as people_actions
from bot.buttons import ChooseLanguage
from bot.context import BotContext
from bot.i18n import I18n
from bot.menus import Action

log = logging.getLogger(__name__)


async def ask(update: Update, context: BotContext) -> None:
    """/language or the Language button: show the language buttons."""
    chat = update.effective_chat
    if await access.require(update, context, *access.ALL_ROLES) is None or chat is None:
        return
    await menus.ask_language(
        context.bot, chat.id, context.services.i18n, context._(menus.LANGUAGE_QUESTION)
    )


async def choose(update: Update, context: BotContext) -> None:
    """A language button: store the choice, then show the menu in that language."""
    query = update.callback_query
    chat = update.effective_chat
    press = ChooseLanguage.of(update)
    assert query is not None and press is not None
    person = await access.require(update, context, *access.ALL_ROLES)
    if person is None or chat is None:
        return
    i18n = context.services.i18n
    language = press.code
    if not i18n.is_shipped(language):
        await query.answer(context.translator.plain(access.EXPIRED), show_alert=True)
        return
    welcome_pending = bool(context.data.pop(flows.WELCOME_PENDING, False))
    first_choice = welcome_pending or person.language is None
    person = await people_actions.choose_language(context.services, person, language)
    context.person = person
    context.translator = i18n.translator(language)
    await query.answer()
    await _remove_buttons(update)
    if first_choice:
        text = context._("Welcome, {name}! Use the buttons below.", name=person.name)
    else:
        text = context._("✅ Done. Your language: {language}", language=i18n.name_of(language))
    await menus.send_menu(context.bot, chat.id, person.role, context.translator, text)


async def _remove_buttons(update: Update) -> None:
    """Take the language buttons off the question, so it is clear the choice is made."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:
        # Too old to edit, or already without buttons: the choice is stored anyway.
        log.debug("Could not remove the language buttons: %s", exc)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        *menus.entry_points(i18n, Action.LANGUAGE, ask),
        CallbackQueryHandler(choose, pattern=ChooseLanguage.matches),
    ]
