"""Start: link a Telegram account with an invite link, and welcome everyone else.

- `/start <token>` (the invite deep link): binds the account to the person the
  caseworker created and greets them by name. A client then chooses their
  language first (`conversations.language`) and gets the menu in it; employer
  contacts, caseworkers and admins get Dutch and their menu at once.
- A bad invite (malformed, unknown, used, expired, meant for someone already
  linked, or too many failures in a row) gets an answer that says what to do,
  and nothing changes. An account that is already linked is never switched.
- `/start` from a linked person: their menu again (or the language question when
  they have none yet); from anyone else: what the bot is and how to get access.
- `/help` outside any flow.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import access, flows, menus
from bot.actions.people import LinkResult, redeem
from bot.context import BotContext
from bot.i18n import N_, I18n
from bot.menus import Action
from bot.store.models import Person, Role

log = logging.getLogger(__name__)

ABOUT_THE_BOT = N_(
    "Hello! I am the work-experience bot of OCMW Antwerpen. I help people in a "
    "work-experience internship, their workplace and their caseworker.\n\n"
    "To use me, you need a personal link. Please ask your caseworker for it."
)

LINK_PROBLEMS = {
    LinkResult.MALFORMED: N_("This link does not work. Please ask your caseworker for a new link."),
    LinkResult.UNKNOWN: N_("This link does not work. Please ask your caseworker for a new link."),
    LinkResult.USED: N_(
        "This link was already used. Each link works only once. "
        "Please ask your caseworker for a new link."
    ),
    LinkResult.EXPIRED: N_("This link has expired. Please ask your caseworker for a new link."),
    LinkResult.PERSON_TAKEN: N_(
        "This link belongs to someone who is already connected with another Telegram "
        "account. Please ask your caseworker for a new link."
    ),
    LinkResult.TOO_MANY: N_(
        "Too many links that did not work. Please wait 15 minutes, then ask your "
        "caseworker for a new link."
    ),
}


async def start(update: Update, context: BotContext) -> None:
    """/start, with or without an invite token."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if context.args:
        await link(update, context, context.args[0])
        return
    if context.person is None:
        await access.explain_to_stranger(update, context, ABOUT_THE_BOT)
        return
    if context.person.language is None:
        await menus.ask_language(
            context.bot, message.chat_id, context.services.i18n, context._(menus.LANGUAGE_QUESTION)
        )
        return
    await show_menu(
        update,
        context,
        context.person,
        context._("Hello {name}! What do you want to do?", name=context.person.name),
    )


async def link(update: Update, context: BotContext, token: str) -> None:
    """Redeem an invite token."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    linking = await redeem(context.services, token, user.id)
    if linking.result is LinkResult.ALREADY_LINKED and linking.person is not None:
        await message.reply_text(
            context._(
                "This Telegram account is already connected to {name}. Nothing was changed. "
                "If this is not right, please ask your caseworker.",
                name=linking.person.name,
            )
        )
        return
    if linking.result is not LinkResult.LINKED or linking.person is None:
        await access.explain_to_stranger(update, context, LINK_PROBLEMS[linking.result])
        return
    person = linking.person
    context.person = person
    context.translator = context.services.i18n.translator(
        context.services.i18n.pick(person.language, user.language_code)
    )
    if person.role == Role.CLIENT:
        await flows.greet_and_ask_language(update, context, person)
        return
    await show_menu(
        update,
        context,
        person,
        context._("Welcome, {name}! Your account is now connected.", name=person.name),
    )


async def show_menu(update: Update, context: BotContext, person: Person, text: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    await menus.send_menu(context.bot, chat.id, person.role, context.translator, text)


async def help_command(update: Update, context: BotContext) -> None:
    """/help: what this person can do."""
    if context.person is None:
        await start(update, context)
        return
    await show_menu(
        update,
        context,
        context.person,
        context._("Choose what you want to do with the buttons below. Send /cancel to stop."),
    )


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("start", start),
        *menus.entry_points(i18n, Action.HELP, help_command),
    ]
