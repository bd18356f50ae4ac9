"""Who is connected to an internship: another caseworker, and new Telegram links.

- 👤 Reassign (`cl:reas:<id>`) lists the other caseworkers (`cl:to:<id>:<person id>`);
  the new caseworker is told, with the internship's buttons
  (`bot.actions.internships.reassign`).
- 🔗 New invite link (`cl:link:<id>`) asks whose: the client's or the contact
  person's (`cl:rl:<id>:<c|e>`). Their current connection stops (a lost phone) and
  the caseworker gets a new invite to forward (`bot.actions.people.relink`).
- ✉️ New invite for … on a report the workplace could not get (`cw:inv:<id>:<person
  id>`, `bot.buttons.SendInvite`): a fresh link for that contact, who has not linked
  yet (`bot.actions.people.new_invite`); when they link, they get what is still open.

Each answer is one tap: plain handlers, no conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import notify
from bot.actions import internships as actions
from bot.actions import people as people_actions
from bot.actions.people import Whose
from bot.actions.refusals import Refusal
from bot.buttons import AskReassign, AskRelink, SendInvite
from bot.callbacks import Button
from bot.caseload import (
    answer,
    internship_for,
    name_of,
    refused,
    take_buttons_off,
)
from bot.context import BotContext
from bot.flows import button, refuse, say
from bot.i18n import I18n
from bot.store import people
from bot.store.models import Role

MAX_CASEWORKERS = 20
# The data keeps the letters of before: c(lient), e(mployer contact).
WHOSE = {"c": Whose.CLIENT, "e": Whose.CONTACT}


@dataclass(frozen=True)
class ReassignTo(Button, prefix="cl:to"):
    internship_id: int
    caseworker_id: int


@dataclass(frozen=True)
class Relink(Button, prefix="cl:rl"):
    internship_id: int
    whose: Literal["c", "e"]


# Reassigning


async def ask_reassign(update: Update, context: BotContext) -> None:
    """`cl:reas:<id>`: to which caseworker?"""
    press = AskReassign.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return
    await answer(update)
    others = [
        p
        for p in await people.by_role(context.services.db, Role.CASEWORKER)
        if p.id != internship.caseworker_id
    ]
    if not others:
        await say(update, context, context._("There is no other caseworker yet."))
        return
    await say(
        update,
        context,
        context._("Who follows this internship from now on?"),
        InlineKeyboardMarkup(
            [
                [button(f"👤 {p.name}", ReassignTo(internship.id, p.id).pack())]
                for p in others[:MAX_CASEWORKERS]
            ]
        ),
    )


async def reassign(update: Update, context: BotContext) -> None:
    """`cl:to:<id>:<caseworker id>`: reassign; the action tells the new caseworker."""
    press = ReassignTo.of(update)
    assert press is not None
    try:
        changed = await actions.reassign(
            context.services, context.person, press.internship_id, press.caseworker_id
        )
    except Refusal as refusal:
        await refused(update, context, refusal)
        return
    await answer(update)
    await take_buttons_off(update)
    await say(
        update,
        context,
        context._(
            "{caseworker} now follows the internship of {client}.",
            caseworker=await name_of(context.services, changed.caseworker_id),
            client=await name_of(context.services, changed.client_id),
        ),
    )


# New invite links


async def ask_relink(update: Update, context: BotContext) -> None:
    """`cl:link:<id>`: whose link?"""
    press = AskRelink.of(update)
    assert press is not None
    services = context.services
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return
    await answer(update)
    t = context.translator
    rows = [
        [
            button(
                t.plain("Client: {name}", name=await name_of(services, internship.client_id)),
                Relink(internship.id, "c").pack(),
            )
        ]
    ]
    if internship.employer_contact_id is not None:
        name = await name_of(services, internship.employer_contact_id)
        rows.append(
            [
                button(
                    t.plain("Contact person: {name}", name=name), Relink(internship.id, "e").pack()
                )
            ]
        )
    await say(
        update,
        context,
        context._(
            "Whose Telegram link do you replace? Their current connection stops (a lost "
            "phone, for instance) and you get a new link to forward."
        ),
        InlineKeyboardMarkup(rows),
    )


async def relink(update: Update, context: BotContext) -> None:
    """`cl:rl:<id>:<c|e>`: revoke the link and make a new invite to forward."""
    press = Relink.of(update)
    assert press is not None
    services = context.services
    try:
        invitation = await people_actions.relink(
            services, context.person, press.internship_id, WHOSE[press.whose]
        )
    except Refusal as refusal:
        await refused(update, context, refusal)
        return
    await _hand_out(
        update,
        context,
        invitation,
        context._(
            "{name} is disconnected. Forward the next message to them:",
            name=invitation.person.name,
        ),
    )
    await take_buttons_off(update)


async def send_invite(update: Update, context: BotContext) -> None:
    """`cw:inv:<id>:<person id>`: a new invite for a contact who has not linked yet."""
    press = SendInvite.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return
    contacts = await notify.employer_contacts(context.services, internship)
    if press.person_id not in [c.id for c in contacts]:
        await refuse(update, context)
        return
    try:
        invitation = await people_actions.new_invite(
            context.services, context.person, press.person_id
        )
    except Refusal as refusal:
        await refused(update, context, refusal)
        return
    await _hand_out(
        update,
        context,
        invitation,
        context._(
            "A new invite for {name}. Forward the next message to them:",
            name=invitation.person.name,
        ),
    )


async def _hand_out(
    update: Update, context: BotContext, invitation: people_actions.Invitation, intro: str
) -> None:
    """The invite, ready to forward, after a line that says what it is."""
    services = context.services
    # The action let them: a caseworker or an admin.
    person = context.person
    assert person is not None
    username = services.settings.bot_username or context.bot.username
    link = people_actions.deep_link(username, invitation.token)
    # Through the outbox, in the transaction that stores the token: a link is only handed
    # out once it is stored.
    await services.outbox.message(person, intro, kind="invite")
    await services.outbox.message(
        person, people_actions.invite_message(services, invitation.person, link), kind="invite"
    )
    await answer(update)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(ask_reassign, pattern=AskReassign.matches),
        CallbackQueryHandler(reassign, pattern=ReassignTo.matches),
        CallbackQueryHandler(ask_relink, pattern=AskRelink.matches),
        CallbackQueryHandler(relink, pattern=Relink.matches),
        CallbackQueryHandler(send_invite, pattern=SendInvite.matches),
    ]
