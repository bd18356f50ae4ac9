"""New internship, part one: the client, the workplace and its contact person.

A caseworker enters a client's internship step by step: the client (name, language),
the workplace (pick, search by typing, or add one: name, address, kind) and the
contact person (pick, add one with their phone number, or nobody yet), ending with
the question on which weekdays the client works. The answer to that question starts part two
(`conversations.new_internship_plan`: the schedule, the dates, the first day), and
✅ Create at its end part three (`conversations.new_internship_create`). All three
fill one draft (`bot.internship_draft`).

Also started from "➕ New internship for …" after a second chance
(`ni:again:<internship id>`, `bot.buttons.NewInternshipFor`): the same client, a new
workplace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import internship_draft, menus, phones
from bot.actions.internships import MAX_ADDRESS
from bot.buttons import NewInternshipFor, is_weekday_answer
from bot.callbacks import Button
from bot.caseload import internship_for
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    button,
    close_buttons,
    leaving,
    refuse,
    say,
    staff,
    text_of,
    typed_answer,
    typed_text,
    use_the_buttons,
)
from bot.i18n import I18n
from bot.menus import Action
from bot.store import people, workplaces
from bot.store.models import Role, WorkplaceKind
from bot.text import NAME_LONGEST

log = logging.getLogger(__name__)

KEY = internship_draft.KEY
MAX_WORKPLACE_BUTTONS = 8
# Shorter is no address ("Kaai 5" has six characters).
MIN_ADDRESS = 5


class State(StrEnum):
    CLIENT_NAME = "client_name"
    CLIENT_LANGUAGE = "client_language"
    WORKPLACE = "workplace"
    WORKPLACE_NAME = "workplace_name"
    WORKPLACE_ADDRESS = "workplace_address"
    WORKPLACE_KIND = "workplace_kind"
    CONTACT = "contact"
    CONTACT_NAME = "contact_name"
    CONTACT_PHONE = "contact_phone"
    # The weekdays are asked; the answer ends this part and starts part two.
    DAYS = "days"


@dataclass(frozen=True)
class ClientLanguage(Button, prefix="ni:lang"):
    code: str


@dataclass(frozen=True)
class PickWorkplace(Button, prefix="ni:wp"):
    workplace_id: int


@dataclass(frozen=True)
class NewWorkplace(Button, prefix="ni:wp:new"):
    pass


@dataclass(frozen=True)
class Kind(Button, prefix="ni:kind"):
    kind: WorkplaceKind


@dataclass(frozen=True)
class PickContact(Button, prefix="ni:ct"):
    contact_id: int


@dataclass(frozen=True)
class NewContact(Button, prefix="ni:ct:new"):
    pass


@dataclass(frozen=True)
class NoContact(Button, prefix="ni:ct:none"):
    pass


@dataclass(frozen=True)
class NoPhone(Button, prefix="ni:ph:none"):
    """The new contact's phone number is not known (yet)."""


_data = internship_draft.of


def _rows(buttons: list[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


# Entry


async def start(update: Update, context: BotContext) -> State | int:
    """Menu "New internship": ask the client's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    context.data[KEY] = {}
    await say(
        update,
        context,
        context._(
            "New internship. You can stop at any time with /cancel.\n\n"
            "What is the client's full name?"
        ),
    )
    return State.CLIENT_NAME


async def second_chance(update: Update, context: BotContext) -> State | int | None:
    """Button "New internship for …" after a second chance: same client, new workplace."""
    press = NewInternshipFor.of(update)
    assert press is not None
    previous = await internship_for(update, context, press.previous_id)
    if previous is None:
        return None
    client = await people.get(context.services.db, previous.client_id)
    assert client is not None
    await close_buttons(update)
    context.data[KEY] = {
        "client_id": client.id,
        "client_name": client.name,
        "client_language": client.language,
        "previous_id": previous.id,
        "days": sorted(previous.schedule.days),
        "hours": f"{previous.schedule.start:%H:%M}-{previous.schedule.end:%H:%M}",
    }
    await say(
        update,
        context,
        context._("A new internship for {name}, at another workplace.", name=client.name),
    )
    return await ask_workplace(update, context)


# The client


async def _typed_name(update: Update, context: BotContext, again: str) -> str | None:
    """A typed name that keeps the name rule; None after saying why, and `again`."""
    return await typed_answer(update, context, NAME_LONGEST, name=True, again=again)


async def client_name(update: Update, context: BotContext) -> State | int:
    """Typed: the client's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    name = await _typed_name(update, context, context._("Please type the client's full name."))
    if name is None:
        return State.CLIENT_NAME
    _data(context)["client_name"] = name
    languages = [
        button(lang.name, ClientLanguage(lang.code).pack())
        for lang in context.services.i18n.languages
    ]
    await say(
        update,
        context,
        context._("Which language does {name} read best?", name=name),
        _rows(languages, 2),
    )
    return State.CLIENT_LANGUAGE


async def client_language(update: Update, context: BotContext) -> State | int | None:
    """Button: the client's language."""
    press = ClientLanguage.of(update)
    assert press is not None
    if await staff(update, context) is None:
        return ConversationHandler.END
    if not context.services.i18n.is_shipped(press.code):
        await refuse(update, context)
        return None
    await close_buttons(update)
    _data(context)["client_language"] = press.code
    return await ask_workplace(update, context)


# The workplace


async def ask_workplace(update: Update, context: BotContext, search: str = "") -> State:
    """Ask the workplace: buttons (found by `search`), or a new one."""
    places = await workplaces.all_workplaces(context.services.db)
    if search:
        places = [p for p in places if search.casefold() in p.name.casefold()]
    buttons = [
        button(f"🏢 {p.name}", PickWorkplace(p.id).pack()) for p in places[:MAX_WORKPLACE_BUTTONS]
    ]
    buttons.append(button(context.translator.plain("➕ New workplace"), NewWorkplace().pack()))
    if search and not places:
        text = context._(
            "No workplace has “{search}” in its name. Type another part of the name, "
            "or add a new workplace.",
            search=search,
        )
    elif len(places) > MAX_WORKPLACE_BUTTONS:
        text = context._(
            "Where is the internship? Pick the workplace, or type a part of its name to find it."
        )
    else:
        text = context._("Where is the internship? Pick the workplace, or add a new one.")
    await say(update, context, text, _rows(buttons))
    return State.WORKPLACE


async def workplace_search(update: Update, context: BotContext) -> State | int:
    """Typed at the workplace question: find workplaces by a part of their name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    # No workplace name is longer than a name can be.
    search = await typed_answer(update, context, NAME_LONGEST)
    if search is None:
        return State.WORKPLACE
    return await ask_workplace(update, context, search)


async def new_workplace(update: Update, context: BotContext) -> State | int:
    """Button "New workplace": its name first."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    await say(update, context, context._("What is the name of the new workplace?"))
    return State.WORKPLACE_NAME


async def workplace_chosen(update: Update, context: BotContext) -> State | int | None:
    """Button: an existing workplace."""
    press = PickWorkplace.of(update)
    assert press is not None
    if await staff(update, context) is None:
        return ConversationHandler.END
    place = await workplaces.get(context.services.db, press.workplace_id)
    if place is None:
        await refuse(update, context)
        return None
    await close_buttons(update)
    if place.kind == WorkplaceKind.PRIVATE:
        await say(update, context, _private_text(context))
        return await ask_workplace(update, context)
    data = _data(context)
    data.update(workplace_id=place.id, workplace_name=place.name)
    data.pop("new_workplace", None)
    return await ask_contact(update, context)


def _private_text(context: BotContext) -> str:
    return context._(
        "A private employer has no internship: the client signs the contract and starts "
        "at once. An internship needs a non-profit workplace."
    )


async def workplace_name(update: Update, context: BotContext) -> State | int:
    """Typed: the new workplace's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    name = await _typed_name(update, context, context._("Please type the name of the workplace."))
    if name is None:
        return State.WORKPLACE_NAME
    _data(context)["new_workplace"] = {"name": name}
    await say(update, context, context._("What is the address of {name}?", name=name))
    return State.WORKPLACE_ADDRESS


async def workplace_address(update: Update, context: BotContext) -> State | int:
    """Typed: the new workplace's address."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    address = await typed_answer(update, context, MAX_ADDRESS)
    if address is None:
        return State.WORKPLACE_ADDRESS
    if len(address) < MIN_ADDRESS:
        await say(
            update,
            context,
            context._("Please type the address: street, number, postcode and town."),
        )
        return State.WORKPLACE_ADDRESS
    _data(context)["new_workplace"]["address"] = address
    t = context.translator
    await say(
        update,
        context,
        context._("Is it a non-profit (social) employer or a private one?"),
        _rows(
            [
                button(t.plain("Non-profit"), Kind(WorkplaceKind.NONPROFIT).pack()),
                button(t.plain("Private"), Kind(WorkplaceKind.PRIVATE).pack()),
            ],
            2,
        ),
    )
    return State.WORKPLACE_KIND


async def workplace_kind(update: Update, context: BotContext) -> State | int:
    """Button: non-profit or private."""
    press = Kind.of(update)
    assert press is not None
    if await staff(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    data = _data(context)
    if press.kind != WorkplaceKind.NONPROFIT:
        data.pop("new_workplace", None)
        await say(update, context, _private_text(context))
        return await ask_workplace(update, context)
    data["new_workplace"]["kind"] = press.kind.value
    data.pop("workplace_id", None)
    data["workplace_name"] = data["new_workplace"]["name"]
    return await ask_contact(update, context)


# The employer contact


async def ask_contact(update: Update, context: BotContext) -> State:
    """Ask the workplace's contact person: pick, add one, or nobody yet."""
    data = _data(context)
    t = context.translator
    contacts = []
    if data.get("workplace_id"):
        contacts = await people.employer_contacts(context.services.db, data["workplace_id"])
    buttons = [button(f"👤 {c.name}", PickContact(c.id).pack()) for c in contacts]
    buttons.append(button(t.plain("➕ New contact person"), NewContact().pack()))
    buttons.append(button(t.plain("Nobody yet"), NoContact().pack()))
    await say(
        update,
        context,
        context._(
            "Who is the contact person (mentor) at {workplace}?", workplace=data["workplace_name"]
        ),
        _rows(buttons),
    )
    return State.CONTACT


async def contact_chosen(update: Update, context: BotContext) -> State | int | None:
    """Button: an existing contact, a new one, or nobody yet."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    data = _data(context)
    picked = PickContact.of(update)
    contact = None
    if picked is not None:
        contact = await people.get(context.services.db, picked.contact_id)
        if (
            contact is None
            or contact.role != Role.EMPLOYER
            or contact.workplace_id != data.get("workplace_id")
        ):
            await refuse(update, context)
            return None
    await close_buttons(update)
    data.pop("contact_id", None)
    data.pop("contact_name", None)
    data.pop("contact_phone", None)
    if NewContact.of(update) is not None:
        await say(update, context, context._("What is the contact person's full name?"))
        return State.CONTACT_NAME
    if contact is not None:
        data.update(contact_id=contact.id, contact_name=contact.name)
    return await ask_days(update, context)


async def contact_name(update: Update, context: BotContext) -> State | int:
    """Typed: the new contact's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    name = await _typed_name(
        update, context, context._("Please type the contact person's full name.")
    )
    if name is None:
        return State.CONTACT_NAME
    _data(context)["contact_name"] = name
    t = context.translator
    await say(
        update,
        context,
        context._(
            "What is the phone number of {name}? Clients see it when they must call the "
            "workplace. For example: 0470 12 34 56 or 03 123 45 67.",
            name=name,
        ),
        _rows([button(t.plain("No number yet"), NoPhone().pack())]),
    )
    return State.CONTACT_PHONE


async def contact_phone(update: Update, context: BotContext) -> State | int:
    """Typed: the new contact's phone number (refused with an example when it is none)."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    number = phones.parse_phone(text_of(update))
    if number is None:
        await say(update, context, phones.refusal_text(context.translator))
        return State.CONTACT_PHONE
    _data(context)["contact_phone"] = number
    return await ask_days(update, context)


async def no_phone(update: Update, context: BotContext) -> State | int:
    """No number yet: the caseworker can add it later (📞 in the caseload)."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    _data(context).pop("contact_phone", None)
    return await ask_days(update, context)


# The question that hands over to part two


async def ask_days(update: Update, context: BotContext) -> State:
    """Ask the weekdays; part two takes the answer."""
    chat = update.effective_chat
    assert chat is not None
    await internship_draft.ask_weekdays(context, chat.id)
    return State.DAYS


async def handed_over(update: Update, context: BotContext) -> int:
    """An answer to the weekday question: part two takes it (and the draft) from here."""
    return ConversationHandler.END


# Leaving the flow


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is stored."""
    if update.callback_query is not None:
        await close_buttons(update)
    context.data.pop(KEY, None)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._("Stopped. No internship was created."))


async def leave(update: Update, context: BotContext) -> int:
    """Another menu button or command: end this flow quietly so the other one starts."""
    context.data.pop(KEY, None)
    return ConversationHandler.END


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    typed = typed_text(i18n)
    buttons_only = MessageHandler(typed, use_the_buttons)
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        State.CLIENT_NAME: [MessageHandler(typed, client_name)],
        State.CLIENT_LANGUAGE: [
            CallbackQueryHandler(client_language, pattern=ClientLanguage.matches),
            buttons_only,
        ],
        State.WORKPLACE: [
            CallbackQueryHandler(workplace_chosen, pattern=PickWorkplace.matches),
            CallbackQueryHandler(new_workplace, pattern=NewWorkplace.matches),
            MessageHandler(typed, workplace_search),
        ],
        State.WORKPLACE_NAME: [MessageHandler(typed, workplace_name)],
        State.WORKPLACE_ADDRESS: [MessageHandler(typed, workplace_address)],
        State.WORKPLACE_KIND: [
            CallbackQueryHandler(workplace_kind, pattern=Kind.matches),
            buttons_only,
        ],
        State.CONTACT: [
            *(
                CallbackQueryHandler(contact_chosen, pattern=family.matches)
                for family in (PickContact, NewContact, NoContact)
            ),
            buttons_only,
        ],
        State.CONTACT_NAME: [MessageHandler(typed, contact_name)],
        State.CONTACT_PHONE: [
            CallbackQueryHandler(no_phone, pattern=NoPhone.matches),
            MessageHandler(typed, contact_phone),
        ],
        State.DAYS: [buttons_only],
    }
    conversation: ConversationHandler[Any] = ConversationHandler(
        name=KEY,
        persistent=True,
        per_message=False,
        entry_points=[
            *menus.entry_points(i18n, Action.NEW_INTERNSHIP, start),
            CallbackQueryHandler(second_chance, pattern=NewInternshipFor.matches),
        ],
        states=states,
        # The menu button or /newinternship again starts afresh.
        allow_reentry=True,
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            MessageHandler(leaving(i18n), leave),
            # Part two starts on the answer; this part ends without a word.
            CallbackQueryHandler(handed_over, pattern=is_weekday_answer),
        ],
    )
    return [conversation]
