"""Who may do what. Every handler checks here; callback data is never trusted."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.store.models import Internship, Person, Role

NOT_FOR_YOU = N_("This is not available for you.")


def can_see_internship(person: Person, internship: Internship) -> bool:
    if person.role == Role.ADMIN:
        return True
    if person.role == Role.CASEWORKER:
        return internship.caseworker_id == person.id
    if person.role == Role.EMPLOYER:
        return person.workplace_id is not None and internship.workplace_id == person.workplace_id
    return internship.client_id == person.id


async def deny(update: Update, context: BotContext, message: str = NOT_FOR_YOU) -> None:
    """Tell the person, briefly, that this action is not theirs; nothing else happens."""
    text = context.translator.plain(message)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def require(update: Update, context: BotContext, *roles: Role) -> Person | None:
    """The linked person behind the update when they have one of `roles`, else deny."""
    person = context.person
    if person is None or person.role not in roles:
        await deny(update, context)
        return None
    return person
