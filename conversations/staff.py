"""Caseworkers, for an admin: see them, invite a new one, make a new link, revoke access.

- 👥 Caseworkers (`/caseworkers`, admins only) lists every caseworker and admin with
  whether they are connected, invited (the link still works) or neither, with a
  button per person (`st:who:<id>`) and ➕ Invite a caseworker (`st:new`).
- A person (`st:who:<id>`): their role, language and connection, and what fits:
  🔗 New invite link (`st:link:<id>`, not connected yet; older links stop working) or
  ⛔ Revoke access (`st:rev:<id>`, connected; asks first, `st:rev!:<id>`). Nobody
  revokes their own access.
- ➕ Invite a caseworker: the full name (typed, state `name`; a name a caseworker or
  admin already has is refused, with the way to a new link), then their language
  (`st:lang:<code>`, state `language`). The admin gets the invite to forward, in the
  new caseworker's language. The bot keeps no phone numbers, so it asks for none.

The actions are `bot.actions.people`: `staff_list`, `staff_member`, `invite_person`,
`new_invite` and `revoke_link`. Links go out through the outbox, in the transaction
that stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import access
from bot.actions import people as people_actions
from bot.actions.people import Invitation, StaffMember
from bot.actions.refusals import Refusal, SameName, StaleState
from bot.callbacks import FAMILIES, Button
from bot.caseload import answer, take_buttons_off, typed_step_fallbacks
from bot.context import BotContext
from bot.flows import button, refuse, say, typed_answer, typed_text, use_the_buttons
from bot.i18n import N_, I18n
from bot.menus import Action, entry_points
from bot.store.models import Person, Role
from bot.text import NAME_LONGEST

KEY = "staff"
PREFIX = "st:"
# Telegram shows at most 100 buttons under a message.
MAX_LISTED = 90
ROLE_NAMES = {Role.CASEWORKER: N_("caseworker"), Role.ADMIN: N_("admin")}
ASK_NAME = N_("What is the full name of the new caseworker?")


class State(StrEnum):
    NAME = "name"
    LANGUAGE = "language"


@dataclass(frozen=True)
class ShowList(Button, prefix="st:list"):
    pass


@dataclass(frozen=True)
class ShowMember(Button, prefix="st:who"):
    person_id: int


@dataclass(frozen=True)
class NewLink(Button, prefix="st:link"):
    person_id: int


@dataclass(frozen=True)
class AskRevoke(Button, prefix="st:rev"):
    person_id: int


@dataclass(frozen=True)
class Revoke(Button, prefix="st:rev!"):
    person_id: int


@dataclass(frozen=True)
class AskName(Button, prefix="st:new"):
    pass


@dataclass(frozen=True)
class ChooseLanguage(Button, prefix="st:lang"):
    code: str


async def _admin(update: Update, context: BotContext) -> Person | None:
    """The admin behind the update; anyone else is told it is not for them."""
    return await access.require(update, context, Role.ADMIN)


def _status(context: BotContext, member: StaffMember) -> str:
    t = context.translator
    if member.person.telegram_user_id is not None:
        return t.plain("✅ connected")
    if member.link_until is not None:
        return t.plain(
            "✉️ invited, the link works until {day}",
            day=t.date(member.link_until.astimezone(t.tz).date(), "d MMM"),
        )
    return t.plain("⚪ not connected, no link")


# The list


async def show_list(update: Update, context: BotContext) -> int | None:
    """Menu 👥 Caseworkers or `st:list`: everyone with their connection."""
    admin = await _admin(update, context)
    if admin is None:
        return None
    await _answered(update)
    context.data.pop(KEY, None)
    members = await people_actions.staff_list(context.services, admin)
    t = context.translator
    lines = [context._("<b>Caseworkers and admins</b>")]
    lines += [
        context._(
            "{name} ({role}): {status}",
            name=m.person.name,
            role=t.plain(ROLE_NAMES[m.person.role]),
            status=_status(context, m),
        )
        for m in members[:MAX_LISTED]
    ]
    if len(members) > MAX_LISTED:
        lines.append(context._("… and {count} more.", count=len(members) - MAX_LISTED))
    rows = [
        [button(f"👤 {m.person.name}", ShowMember(m.person.id).pack())]
        for m in members[:MAX_LISTED]
    ]
    rows.append([button(t.plain("➕ Invite a caseworker"), AskName().pack())])
    await say(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))
    return ConversationHandler.END


# One person


async def show_member(update: Update, context: BotContext) -> int | None:
    """`st:who:<id>`: one caseworker or admin, and what can be done."""
    press = ShowMember.of(update)
    assert press is not None
    about = await _about(update, context, press.person_id)
    if about is None:
        return None
    admin, member = about
    await _answered(update)
    t = context.translator
    person = member.person
    text = context._(
        "<b>{name}</b>\nRole: {role}\nLanguage: {language}\n{status}",
        name=person.name,
        role=t.plain(ROLE_NAMES[person.role]),
        language=context.services.i18n.name_of(person.language or "nl"),
        status=_status(context, member),
    )
    rows = []
    if person.telegram_user_id is None:
        rows.append([button(t.plain("🔗 New invite link"), NewLink(person.id).pack())])
    elif person.id != admin.id:
        rows.append([button(t.plain("⛔ Revoke access"), AskRevoke(person.id).pack())])
    rows.append([button(t.plain("⬅️ Back to the list"), ShowList().pack())])
    await say(update, context, text, InlineKeyboardMarkup(rows))
    return ConversationHandler.END


async def _about(
    update: Update, context: BotContext, person_id: int
) -> tuple[Person, StaffMember] | None:
    """The admin pressing, and the caseworker or admin their button is about; else None,
    after the refusal."""
    admin = await _admin(update, context)
    if admin is None:
        return None
    try:
        return admin, await people_actions.staff_member(context.services, admin, person_id)
    except Refusal:
        await access.deny(update, context, access.EXPIRED)
        return None


async def _refused(update: Update, context: BotContext, refusal: Refusal, stale: str) -> None:
    """On the button: `stale` when the step no longer fits, else that it expired."""
    if isinstance(refusal, StaleState):
        await answer(update, context.translator.plain(stale))
    else:
        await access.deny(update, context, access.EXPIRED)


async def _answered(update: Update) -> None:
    await answer(update)
    await take_buttons_off(update)


async def new_link(update: Update, context: BotContext) -> int | None:
    """`st:link:<id>`: a new invite for someone not connected yet; older links stop."""
    press = NewLink.of(update)
    assert press is not None
    about = await _about(update, context, press.person_id)
    if about is None:
        return None
    admin = about[0]
    try:
        invitation = await people_actions.new_invite(context.services, admin, press.person_id)
    except Refusal as refusal:
        await _refused(update, context, refusal, N_("They are connected already."))
        return None
    await _answered(update)
    await _hand_out(
        context,
        admin,
        invitation,
        context._(
            "A new link for {name}; their older links no longer work. Forward the next "
            "message to them:",
            name=invitation.person.name,
        ),
    )
    return ConversationHandler.END


async def ask_revoke(update: Update, context: BotContext) -> int | None:
    """`st:rev:<id>`: ask before the access goes."""
    press = AskRevoke.of(update)
    assert press is not None
    about = await _about(update, context, press.person_id)
    if about is None:
        return None
    admin, member = about
    if member.person.telegram_user_id is None or member.person.id == admin.id:
        await access.deny(update, context, access.EXPIRED)
        return None
    await _answered(update)
    t = context.translator
    await say(
        update,
        context,
        context._(
            "Revoke the access of {name}? Their Telegram account is disconnected at once "
            "(a lost phone, someone who left) and gets no more messages. A new link can "
            "connect them again.",
            name=member.person.name,
        ),
        InlineKeyboardMarkup(
            [
                [button(t.plain("⛔ Yes, revoke"), Revoke(member.person.id).pack())],
                [button(t.plain("✖️ No, keep it"), ShowList().pack())],
            ]
        ),
    )
    return ConversationHandler.END


async def revoke(update: Update, context: BotContext) -> int | None:
    """`st:rev!:<id>`: disconnect the account (`bot.actions.people.revoke_link`)."""
    press = Revoke.of(update)
    assert press is not None
    about = await _about(update, context, press.person_id)
    if about is None:
        return None
    try:
        person = await people_actions.revoke_link(context.services, about[0], press.person_id)
    except Refusal as refusal:
        await _refused(update, context, refusal, N_("They were disconnected already."))
        return None
    await _answered(update)
    await say(
        update,
        context,
        context._(
            "⛔ {name} is disconnected and can no longer use the bot. A new link in "
            "👥 Caseworkers connects them again.",
            name=person.name,
        ),
    )
    return ConversationHandler.END


# Inviting a caseworker


async def ask_name(update: Update, context: BotContext) -> State | None:
    """`st:new`: the new caseworker's name."""
    if await _admin(update, context) is None:
        return None
    await _answered(update)
    context.data[KEY] = {}
    await say(update, context, context._(ASK_NAME))
    return State.NAME


async def name_typed(update: Update, context: BotContext) -> State | None:
    """Typed: the name (the name rule of `bot.text`), then the language."""
    if await _admin(update, context) is None:
        return None
    name = await typed_answer(update, context, NAME_LONGEST, name=True, again=context._(ASK_NAME))
    if name is None:
        return State.NAME
    context.data[KEY] = {"name": name}
    await say(
        update,
        context,
        context._("Which language does {name} read best?", name=name),
        InlineKeyboardMarkup(
            [
                [button(lang.name, ChooseLanguage(lang.code).pack())]
                for lang in context.services.i18n.languages
            ]
        ),
    )
    return State.LANGUAGE


async def language_pressed(update: Update, context: BotContext) -> State | int | None:
    """`st:lang:<code>`: create the caseworker and hand out their link."""
    press = ChooseLanguage.of(update)
    assert press is not None
    admin = await _admin(update, context)
    if admin is None:
        return None
    name = context.data.get(KEY, {}).get("name")
    if not isinstance(name, str) or not context.services.i18n.is_shipped(press.code):
        await access.deny(update, context, access.EXPIRED)
        return None
    try:
        invitation = await people_actions.invite_person(
            context.services, admin, Role.CASEWORKER, name, language=press.code
        )
    except SameName as same:
        await _answered(update)
        context.data.pop(KEY, None)
        await say(
            update,
            context,
            context._(
                "There is already a {role} called {name}. Nothing was changed: open them in "
                "👥 Caseworkers for a new link, or use a name that tells the two apart.",
                role=context.translator.plain(ROLE_NAMES[same.person.role]),
                name=same.person.name,
            ),
        )
        return ConversationHandler.END
    except Refusal:
        await access.deny(update, context, access.EXPIRED)
        return None
    await _answered(update)
    context.data.pop(KEY, None)
    await _hand_out(
        context,
        admin,
        invitation,
        context._(
            "✅ {name} is invited as a caseworker. Forward the next message to them:",
            name=invitation.person.name,
        ),
    )
    return ConversationHandler.END


async def _hand_out(
    context: BotContext, admin: Person, invitation: Invitation, introduction: str
) -> None:
    """The introduction and the invite to forward, through the outbox: a link is only
    handed out once it is stored."""
    services = context.services
    username = services.settings.bot_username or context.bot.username
    link = people_actions.deep_link(username, invitation.token)
    await services.outbox.message(admin, introduction, kind="invite")
    await services.outbox.message(
        admin, people_actions.invite_message(services, invitation.person, link), kind="invite"
    )


def _forged(data: object) -> bool:
    """For `pattern=`: data that looks like one of these buttons but is none (forged, or
    cut short): refused, and the flow stays where it is."""
    if not isinstance(data, str) or not data.startswith(PREFIX):
        return False
    return not any(
        family.matches(data) for prefix, family in FAMILIES.items() if prefix.startswith(PREFIX)
    )


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    # Every button works at any step (as entry points), so an old list still answers.
    buttons: list[BaseHandler[Any, Any, Any]] = [
        *entry_points(i18n, Action.STAFF, show_list),
        CallbackQueryHandler(show_list, pattern=ShowList.matches),
        CallbackQueryHandler(show_member, pattern=ShowMember.matches),
        CallbackQueryHandler(new_link, pattern=NewLink.matches),
        CallbackQueryHandler(ask_revoke, pattern=AskRevoke.matches),
        CallbackQueryHandler(revoke, pattern=Revoke.matches),
        CallbackQueryHandler(ask_name, pattern=AskName.matches),
        CallbackQueryHandler(language_pressed, pattern=ChooseLanguage.matches),
    ]
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        State.NAME: [MessageHandler(typed_text(i18n), name_typed)],
        State.LANGUAGE: [MessageHandler(typed_text(i18n), use_the_buttons)],
    }
    return [
        ConversationHandler(
            name=KEY,
            persistent=True,
            per_message=False,
            entry_points=buttons,
            states=states,
            allow_reentry=True,
            fallbacks=[
                CallbackQueryHandler(refuse, pattern=_forged),
                *typed_step_fallbacks(i18n, KEY),
            ],
        )
    ]
