"""Runs first for every update: who is this, which language, and is this chat for us."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.handlers_util import flows_will_take
from bot.store import people

log = logging.getLogger(__name__)


async def identify(update: Update, context: BotContext) -> None:
    """Load the person behind the update and their language; stop what is not for us."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await leave_group(update, context)
        raise ApplicationHandlerStop
    if chat is None:
        # Inline queries, buttons on inline messages, polls: no private chat to act in.
        if update.callback_query is not None:
            await update.callback_query.answer(
                context.translator.plain("This button has expired. Please use the menu.")
            )
        raise ApplicationHandlerStop
    if update.edited_message is not None:
        # Edits of earlier messages carry no new request; acting on them twice would be wrong.
        raise ApplicationHandlerStop
    context.taken = flows_will_take(context.application, update)
    user = update.effective_user
    if user is None:
        return
    services = context.services
    person = await people.by_telegram_id(services.db, user.id)
    context.person = person
    language = services.i18n.pick(person.language if person else None, user.language_code)
    context.translator = services.i18n.translator(language)
    if person is not None and person.blocked_at is not None:
        # They are writing to us again, so messages reach them again.
        await people.clear_blocked(services.db, person.id)


async def leave_group(update: Update, context: BotContext) -> None:
    """The bot is for private chats only: say so once in a group, then leave it."""
    chat = update.effective_chat
    if chat is None:
        return
    log.info("Leaving non-private chat %s (%s)", chat.id, chat.type)
    try:
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
            await context.bot.send_message(
                chat.id,
                context.translator.plain(
                    "I only work in private chats. Please write to me directly."
                ),
            )
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.info("Could not leave chat %s: %s", chat.id, type(exc).__name__)
