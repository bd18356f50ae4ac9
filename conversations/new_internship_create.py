"""New internship, part three: ✅ Create under the summary (`ni:create`).

Everything of the draft (`bot.internship_draft`) is stored in one transaction by
`bot.actions.internships.create`: the client, a new workplace and contact, the
internship, the invites and the reminders. The caseworker then gets the summary and
the invite links, ready to forward, each in the invited person's language.

One tap, nothing typed: a plain handler, no conversation.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import internship_draft, menus
from bot.actions import internships as actions
from bot.actions import people as people_actions
from bot.actions.refusals import Refusal
from bot.buttons import CreateInternship
from bot.caseload import refused
from bot.context import BotContext
from bot.flows import close_buttons, refuse, staff
from bot.i18n import I18n
from bot.store.models import Person, Role

log = logging.getLogger(__name__)


async def create(update: Update, context: BotContext) -> None:
    """Button "Create": store everything, plan the reminders, give the links."""
    person = await staff(update, context)
    if person is None:
        return
    data = internship_draft.peek(context)
    if not internship_draft.is_complete(data):
        # The button of a draft that was created or stopped since.
        await refuse(update, context)
        return
    services = context.services
    try:
        created = await actions.create(
            services, person, internship_draft.draft_of(data, services.settings.break_minutes)
        )
    except Refusal as refusal:
        # The draft no longer fits (a workplace or a contact changed meanwhile).
        await refused(update, context, refusal)
        return
    await close_buttons(update)
    # Replies, held back and stored with the tokens in this update's transaction: if
    # Telegram fails halfway, no link is handed out that was never stored. As replies they
    # also keep their order: created, then each invite, then the menu.
    chat = update.effective_chat
    assert chat is not None
    summary = internship_draft.summary(services, context.translator, data)
    text = context._("✅ Internship created.") + "\n\n" + summary
    await context.bot.send_message(chat.id, text)
    username = services.settings.bot_username or context.bot.username
    for invitation in created.invitations:
        invited = invitation.person
        await context.bot.send_message(chat.id, _invite_intro(context, invited))
        link = people_actions.deep_link(username, invitation.token)
        await context.bot.send_message(
            chat.id, people_actions.invite_message(services, invited, link)
        )
    context.data.pop(internship_draft.KEY, None)
    await menus.send_menu(
        context.bot,
        chat.id,
        person.role,
        context.translator,
        context._("The reminders for this internship are planned. What next?"),
    )
    log.info("Internship %s created by person %s", created.internship.id, person.id)


def _invite_intro(context: BotContext, invited: Person) -> str:
    if invited.role == Role.CLIENT:
        return context._(
            "Forward the next message to the client {name} (or show the link on their phone):",
            name=invited.name,
        )
    return context._("Forward the next message to the contact person {name}:", name=invited.name)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [CallbackQueryHandler(create, pattern=CreateInternship.matches)]
