"""The last word: answers what no flow took, so no message goes unanswered."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import access, menus
from bot.context import BotContext
from bot.i18n import I18n
from bot.menus import Action


async def unknown_message(update: Update, context: BotContext) -> None:
    """Anything no flow understood: a short answer and the way forward."""
    if context.taken or update.effective_message is None:
        return
    person = context.person
    if person is None:
        await access.explain_to_stranger(update, context)
        return
    chat_id = update.effective_message.chat_id
    if person.language is None:
        # Nothing is understood before the person has a language: ask for it first.
        await menus.ask_language(
            context.bot, chat_id, context.services.i18n, context._(menus.LANGUAGE_QUESTION)
        )
        return
    await menus.send_menu(
        context.bot,
        chat_id,
        person.role,
        context.translator,
        context._("Sorry, I did not understand that. Please use the buttons below."),
    )


async def cancel_outside_flow(update: Update, context: BotContext) -> None:
    """/cancel when no flow is running."""
    if context.taken or update.effective_message is None:
        return
    if context.person is None:
        await update.effective_message.reply_text(context._("There is nothing to stop."))
        return
    await menus.send_menu(
        context.bot,
        update.effective_message.chat_id,
        context.person.role,
        context.translator,
        context._("There is nothing to stop."),
    )


async def expired_button(update: Update, context: BotContext) -> None:
    """A button no flow knows (old or forged): say it expired, change nothing."""
    query = update.callback_query
    if query is None or context.taken:
        return
    await query.answer(context.translator.plain(access.EXPIRED), show_alert=True)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        *menus.entry_points(i18n, Action.CANCEL, cancel_outside_flow),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, unknown_message),
        CallbackQueryHandler(expired_button),
    ]
