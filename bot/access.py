"""Who may do what. Every handler checks here; callback data is never trusted.

A button press is checked like a message: the role of the person behind the
update (never what the callback data claims), and for anything about an
internship, that it is theirs (`can_see_internship`). What is not theirs gets a
short answer and nothing happens.
"""

from __future__ import annotations

from telegram import Update

from bot import menus
from bot.actions.refusals import can_see_internship as can_see_internship
from bot.context import BotContext
from bot.i18n import N_
from bot.store.models import Person, Role

NOT_FOR_YOU = N_("This is not available for you.")
EXPIRED = N_("This button has expired. Please use the menu.")
STRANGER = N_(
    "Hello! This bot is for people in a work-experience internship of OCMW Antwerpen. "
    "To use it, you need a personal link from your caseworker."
)

ALL_ROLES = (Role.CLIENT, Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)


async def explain_to_stranger(update: Update, context: BotContext, text: str = STRANGER) -> None:
    """Someone not linked (or no longer): what the bot is, how to get access, and no menu."""
    chat = update.effective_chat
    if chat is None:
        return
    # An unlinked account may still have the old keyboard and commands: take them away.
    await menus.remove_menu(context.bot, chat.id, context.translator.plain(text))


async def deny(update: Update, context: BotContext, message: str = NOT_FOR_YOU) -> None:
    """Tell the person, briefly, that this action is not theirs; nothing else happens."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.translator.plain(message), show_alert=True)
    elif context.person is None:
        await explain_to_stranger(update, context)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(context.translator.plain(message))


async def require(update: Update, context: BotContext, *roles: Role) -> Person | None:
    """The linked person behind the update when they have one of `roles`, else deny."""
    person = context.person
    if person is None or person.role not in roles:
        await deny(update, context)
        return None
    return person
