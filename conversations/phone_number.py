"""Phone numbers: the caseworker changes the number of an internship's contact person, or
their own.

- 📞 Phone numbers in the detail (`cl:phone:<id>`, `bot.buttons.AskPhone`) asks whose:
  each contact person of the internship's workplace, and the caseworker themselves
  (`cl:tel:<id>:<person id>`), with the number known now.
- Whose, pressed: type the new number (state `number`), or 🗑 No number
  (`cl:tel0:<id>:<person id>`). A typed text that is no phone number is refused with an
  example and asked again (`bot.phones`); a good one is stored in E.164 and shown as
  clients see it (`bot.actions.people.set_phone`).

Clients read these numbers on their first-day card, in "My internship" and wherever the
bot asks them to call someone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import notify, phones
from bot.actions import people as people_actions
from bot.actions.refusals import Refusal
from bot.buttons import AskPhone
from bot.callbacks import Button
from bot.caseload import answer, conversation, internship_for, refused, take_buttons_off
from bot.context import BotContext
from bot.flows import button, refuse, say, text_of, typed_text
from bot.i18n import I18n, Translator
from bot.store.models import Internship, Person

KEY = "phone_number"


class State(StrEnum):
    NUMBER = "number"


@dataclass(frozen=True)
class PhoneOf(Button, prefix="cl:tel"):
    """Change the number of this person (a contact of the internship, or its caseworker)."""

    internship_id: int
    person_id: int


@dataclass(frozen=True)
class NoNumber(Button, prefix="cl:tel0"):
    """🗑 No number: the person's number is removed."""

    internship_id: int
    person_id: int


def now_text(t: Translator, person: Person) -> str:
    return phones.shown(person.phone) if person.phone else t.plain("no number")


async def whose(
    context: BotContext, internship: Internship, person_id: int | None = None
) -> list[Person]:
    """The people whose number the caseworker may change here (or the one of `person_id`)."""
    services = context.services
    found = list(await notify.employer_contacts(services, internship))
    if context.person is not None and context.person.is_staff:
        found.append(context.person)
    return [p for p in found if person_id is None or p.id == person_id]


async def ask_whose(update: Update, context: BotContext) -> None:
    """`cl:phone:<id>`: whose number?"""
    press = AskPhone.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return
    await answer(update)
    t = context.translator
    rows = [
        [
            button(
                f"📞 {person.name}: {now_text(t, person)}"[:60],
                PhoneOf(internship.id, person.id).pack(),
            )
        ]
        for person in await whose(context, internship)
    ]
    await say(
        update, context, context._("Whose phone number do you change?"), InlineKeyboardMarkup(rows)
    )


async def ask_number(update: Update, context: BotContext) -> State | None:
    """`cl:tel:<id>:<person>`: type the new number, or none."""
    press = PhoneOf.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return None
    found = await whose(context, internship, press.person_id)
    if not found:
        await refuse(update, context)
        return None
    person = found[0]
    await answer(update)
    context.data[KEY] = {"internship_id": internship.id, "person_id": person.id}
    t = context.translator
    await say(
        update,
        context,
        context._(
            "Type the phone number of {name} (now: {number}). For example: 0470 12 34 56 or "
            "03 123 45 67.",
            name=person.name,
            number=now_text(t, person),
        ),
        InlineKeyboardMarkup(
            [[button(t.plain("🗑 No number"), NoNumber(internship.id, person.id).pack())]]
        ),
    )
    return State.NUMBER


async def number_typed(update: Update, context: BotContext) -> State | int | None:
    """Typed: the number; refused with an example when it is none."""
    flow = context.data.get(KEY) or {}
    person_id = flow.get("person_id")
    if not isinstance(person_id, int):
        return ConversationHandler.END
    if phones.parse_phone(text_of(update)) is None:
        await say(update, context, phones.refusal_text(context.translator))
        return State.NUMBER
    return await _store(update, context, person_id, text_of(update))


async def no_number(update: Update, context: BotContext) -> int | None:
    """`cl:tel0:<id>:<person>`: remove the number."""
    press = NoNumber.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return None
    if not await whose(context, internship, press.person_id):
        await refuse(update, context)
        return None
    await answer(update)
    return await _store(update, context, press.person_id, None)


async def _store(
    update: Update, context: BotContext, person_id: int, typed: str | None
) -> int | None:
    try:
        changed = await people_actions.set_phone(context.services, context.person, person_id, typed)
    except Refusal as refusal:
        return await refused(update, context, refusal)
    context.data.pop(KEY, None)
    await take_buttons_off(update)
    if changed.phone:
        text = context._(
            "Saved: the phone number of {name} is {number}.",
            name=changed.name,
            number=phones.shown(changed.phone),
        )
    else:
        text = context._("Saved: {name} has no phone number now.", name=changed.name)
    await say(update, context, text)
    return ConversationHandler.END


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons: list[BaseHandler[Any, Any, Any]] = [
        CallbackQueryHandler(ask_whose, pattern=AskPhone.matches),
        CallbackQueryHandler(ask_number, pattern=PhoneOf.matches),
        CallbackQueryHandler(no_number, pattern=NoNumber.matches),
    ]
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        State.NUMBER: [MessageHandler(typed_text(i18n), number_typed)]
    }
    return [conversation(i18n, KEY, buttons, states)]
