"""The one error handler: log the traceback, reassure the person, never leak internals."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import Translator
from bot.store import people

log = logging.getLogger(__name__)


async def _translator_for(update: Update, context: BotContext) -> Translator:
    """The person's language: the error handler gets a fresh context, without the gatekeeper."""
    services = context.services
    user = update.effective_user
    if user is None:
        return context.translator
    try:
        person = await people.by_telegram_id(services.db, user.id)
    except Exception:
        # The database may be what failed; the default language is still an answer.
        log.warning("Could not look up the language for the error message")
        return context.translator
    language = services.i18n.pick(person.language if person else None, user.language_code)
    return services.i18n.translator(language)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the person, in their language, that their data is safe."""
    log.error("Unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    translator = await _translator_for(update, context)
    text = translator.plain(
        "Sorry, something went wrong on our side. What you already sent is safe. "
        "Please try again, or send /cancel to start over."
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("Could not tell the user about the error")
