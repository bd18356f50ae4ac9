"""New internship: a caseworker enters a client's internship step by step.

The client (name, language), the workplace (pick or add: name, address, kind),
the employer contact (pick, add or none), the weekdays and hours, the start date,
the length (9 workdays by default), the first-day details and the Dutch-lesson
moments. Buttons wherever an answer can be chosen; typed answers are checked and
kept (each answer is stored in the persisted scratch data, so nothing is lost).
At the end everything is stored in one transaction, the reminders are planned,
and the caseworker gets a summary and the invite links, ready to forward, for the
client and for a new employer contact.

Also started from the caseload's "second chance" button (`ni:again:<internship id>`):
the same client, a new workplace.
"""

from __future__ import annotations

import logging
from datetime import date, time, timedelta
from typing import Any

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import access, accounts, flows, menus, workdays
from bot.context import BotContext
from bot.exports import MAX_ADDRESS, MAX_FIRST_DAY_TEXT, MAX_WORKDAYS
from bot.flows import (
    back_to_menu,
    button,
    callback_arg,
    close_buttons,
    folded_text,
    leaving,
    local_today,
    parse_number,
    refuse,
    say,
    staff,
    typed_answer,
    typed_text,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.parsing import Yearless, parse_day, parse_iso_day, parse_time_span
from bot.services import Services
from bot.store import audit, internships, people, workplaces
from bot.store.internships import NewInternship
from bot.store.models import Person, Role, Schedule, WorkplaceKind
from bot.text import NAME_LONGEST

log = logging.getLogger(__name__)

(
    CLIENT_NAME,
    CLIENT_LANGUAGE,
    WORKPLACE,
    WORKPLACE_NAME,
    WORKPLACE_ADDRESS,
    WORKPLACE_KIND,
    CONTACT,
    CONTACT_NAME,
    DAYS,
    HOURS,
    START,
    LENGTH,
    MEETING_POINT,
    FIRST_DAY_CONTACT,
    WHAT_TO_BRING,
    DUTCH_LESSONS,
    CONFIRM,
) = range(17)

KEY = "new_internship"
MAX_WORKPLACE_BUTTONS = 8
# Shorter is no address ("Kaai 5" has six characters).
MIN_ADDRESS = 5
HOUR_CHOICES = ["08:30-16:30", "08:00-16:00", "09:00-17:00", "09:00-16:00"]
DEFAULT_DAYS = [0, 1, 2, 3, 4]
DEFAULT_LENGTH = 9


def _data(context: BotContext) -> dict[str, Any]:
    data: dict[str, Any] = context.data.setdefault(KEY, {})
    return data


def _rows(buttons: list[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


async def _pressed(update: Update) -> str:
    """Answer the button press, take the buttons off its message; the callback data."""
    query = update.callback_query
    assert query is not None
    await close_buttons(update)
    return query.data or ""


def _skip(t: Translator) -> InlineKeyboardMarkup:
    return _rows([button(t.plain("⏭ Skip"), "ni:skip")])


# Entry


async def start(update: Update, context: BotContext) -> int:
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
    return CLIENT_NAME


async def second_chance(update: Update, context: BotContext) -> int:
    """Button "New internship for …" after a second chance: same client, new workplace."""
    query = update.callback_query
    assert query is not None
    person = await staff(update, context)
    if person is None:
        return ConversationHandler.END
    previous_id = int((query.data or "").rsplit(":", 1)[1])
    previous = await internships.get(context.services.db, previous_id)
    if previous is None or not access.can_see_internship(person, previous):
        await access.deny(update, context)
        return ConversationHandler.END
    client = await people.get(context.services.db, previous.client_id)
    assert client is not None
    await _pressed(update)
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


async def client_name(update: Update, context: BotContext) -> int:
    """Typed: the client's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    name = await _typed_name(update, context, context._("Please type the client's full name."))
    if name is None:
        return CLIENT_NAME
    _data(context)["client_name"] = name
    languages = [
        button(lang.name, f"ni:lang:{lang.code}") for lang in context.services.i18n.languages
    ]
    await say(
        update,
        context,
        context._("Which language does {name} read best?", name=name),
        _rows(languages, 2),
    )
    return CLIENT_LANGUAGE


async def client_language(update: Update, context: BotContext) -> int | None:
    """Button: the client's language."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    language = callback_arg(update)
    if not context.services.i18n.is_shipped(language):
        await refuse(update, context)
        return None
    await _pressed(update)
    _data(context)["client_language"] = language
    return await ask_workplace(update, context)


# The workplace


async def ask_workplace(update: Update, context: BotContext, search: str = "") -> int:
    """Ask the workplace: buttons (found by `search`), or a new one."""
    places = await workplaces.all_workplaces(context.services.db)
    if search:
        places = [p for p in places if search.casefold() in p.name.casefold()]
    buttons = [button(f"🏢 {p.name}", f"ni:wp:{p.id}") for p in places[:MAX_WORKPLACE_BUTTONS]]
    buttons.append(button(context.translator.plain("➕ New workplace"), "ni:wp:new"))
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
    return WORKPLACE


async def workplace_search(update: Update, context: BotContext) -> int:
    """Typed at the workplace question: find workplaces by a part of their name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    # No workplace name is longer than a name can be.
    search = await typed_answer(update, context, NAME_LONGEST)
    if search is None:
        return WORKPLACE
    return await ask_workplace(update, context, search)


async def workplace_chosen(update: Update, context: BotContext) -> int | None:
    """Button: an existing workplace, or "new"."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    choice = callback_arg(update)
    data = _data(context)
    if choice == "new":
        await _pressed(update)
        await say(update, context, context._("What is the name of the new workplace?"))
        return WORKPLACE_NAME
    place_id = parse_number(choice)
    place = await workplaces.get(context.services.db, place_id) if place_id else None
    if place is None:
        await refuse(update, context)
        return None
    await _pressed(update)
    if place.kind == WorkplaceKind.PRIVATE:
        await say(update, context, _private_text(context))
        return await ask_workplace(update, context)
    data.update(workplace_id=place.id, workplace_name=place.name)
    data.pop("new_workplace", None)
    return await ask_contact(update, context)


def _private_text(context: BotContext) -> str:
    return context._(
        "A private employer has no internship: the client signs the contract and starts "
        "at once. An internship needs a non-profit workplace."
    )


async def workplace_name(update: Update, context: BotContext) -> int:
    """Typed: the new workplace's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    name = await _typed_name(update, context, context._("Please type the name of the workplace."))
    if name is None:
        return WORKPLACE_NAME
    _data(context)["new_workplace"] = {"name": name}
    await say(update, context, context._("What is the address of {name}?", name=name))
    return WORKPLACE_ADDRESS


async def workplace_address(update: Update, context: BotContext) -> int:
    """Typed: the new workplace's address."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    address = await typed_answer(update, context, MAX_ADDRESS)
    if address is None:
        return WORKPLACE_ADDRESS
    if len(address) < MIN_ADDRESS:
        await say(
            update,
            context,
            context._("Please type the address: street, number, postcode and town."),
        )
        return WORKPLACE_ADDRESS
    _data(context)["new_workplace"]["address"] = address
    t = context.translator
    await say(
        update,
        context,
        context._("Is it a non-profit (social) employer or a private one?"),
        _rows(
            [
                button(t.plain("Non-profit"), "ni:kind:nonprofit"),
                button(t.plain("Private"), "ni:kind:private"),
            ],
            2,
        ),
    )
    return WORKPLACE_KIND


async def workplace_kind(update: Update, context: BotContext) -> int | None:
    """Button: non-profit or private."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    kind = callback_arg(update)
    if kind not in {k.value for k in WorkplaceKind}:
        await refuse(update, context)
        return None
    await _pressed(update)
    data = _data(context)
    if kind != WorkplaceKind.NONPROFIT.value:
        data.pop("new_workplace", None)
        await say(update, context, _private_text(context))
        return await ask_workplace(update, context)
    data["new_workplace"]["kind"] = kind
    data.pop("workplace_id", None)
    data["workplace_name"] = data["new_workplace"]["name"]
    return await ask_contact(update, context)


# The employer contact


async def ask_contact(update: Update, context: BotContext) -> int:
    """Ask the workplace's contact person: pick, add one, or nobody yet."""
    data = _data(context)
    t = context.translator
    contacts = []
    if data.get("workplace_id"):
        contacts = await people.employer_contacts(context.services.db, data["workplace_id"])
    buttons = [button(f"👤 {c.name}", f"ni:ct:{c.id}") for c in contacts]
    buttons.append(button(t.plain("➕ New contact person"), "ni:ct:new"))
    buttons.append(button(t.plain("Nobody yet"), "ni:ct:none"))
    await say(
        update,
        context,
        context._(
            "Who is the contact person (mentor) at {workplace}?", workplace=data["workplace_name"]
        ),
        _rows(buttons),
    )
    return CONTACT


async def contact_chosen(update: Update, context: BotContext) -> int | None:
    """Button: an existing contact, a new one, or nobody yet."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    choice = callback_arg(update)
    data = _data(context)
    contact = None
    if choice not in ("new", "none"):
        contact_id = parse_number(choice)
        contact = await people.get(context.services.db, contact_id) if contact_id else None
        if (
            contact is None
            or contact.role != Role.EMPLOYER
            or contact.workplace_id != data.get("workplace_id")
        ):
            await refuse(update, context)
            return None
    await _pressed(update)
    data.pop("contact_id", None)
    data.pop("contact_name", None)
    if choice == "new":
        await say(update, context, context._("What is the contact person's full name?"))
        return CONTACT_NAME
    if contact is not None:
        data.update(contact_id=contact.id, contact_name=contact.name)
    return await ask_days(update, context)


async def contact_name(update: Update, context: BotContext) -> int:
    """Typed: the new contact's name."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    name = await _typed_name(
        update, context, context._("Please type the contact person's full name.")
    )
    if name is None:
        return CONTACT_NAME
    _data(context)["contact_name"] = name
    return await ask_days(update, context)


# The schedule


def _days_keyboard(t: Translator, chosen: list[int]) -> InlineKeyboardMarkup:
    names = get_day_names("wide", locale=t.locale)
    buttons = [
        button(("✅ " if day in chosen else "▫️ ") + names[day], f"ni:day:{day}") for day in range(7)
    ]
    rows = [buttons[0:3], buttons[3:5], buttons[5:7]]
    rows.append([button(t.plain(flows.DONE), "ni:days:ok")])
    return InlineKeyboardMarkup(rows)


async def ask_days(update: Update, context: BotContext) -> int:
    """Ask the weekdays of the schedule (Monday to Friday to start with)."""
    data = _data(context)
    data.setdefault("days", list(DEFAULT_DAYS))
    await say(
        update,
        context,
        context._("On which weekdays does the client work? Tap to change, then Done."),
        _days_keyboard(context.translator, data["days"]),
    )
    return DAYS


async def day_toggled(update: Update, context: BotContext) -> int | None:
    """Button: switch one weekday on or off."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    query = update.callback_query
    assert query is not None
    day = parse_number(callback_arg(update), 0, 6)
    if day is None:
        await refuse(update, context)
        return None
    data = _data(context)
    data["days"] = sorted(set(data.get("days", DEFAULT_DAYS)) ^ {day})
    await query.answer()
    await query.edit_message_reply_markup(_days_keyboard(context.translator, data["days"]))
    return DAYS


async def days_done(update: Update, context: BotContext) -> int:
    """Button: the weekdays are right."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    query = update.callback_query
    assert query is not None
    if not _data(context).get("days"):
        await query.answer(
            context.translator.plain("Choose at least one weekday."), show_alert=True
        )
        return DAYS
    await _pressed(update)
    buttons = [button(choice.replace("-", " – "), f"ni:hours:{choice}") for choice in HOUR_CHOICES]
    await say(
        update,
        context,
        context._("What are the working hours? Pick them, or type them like this: 8:30-16:30"),
        _rows(buttons, 2),
    )
    return HOURS


async def hours_typed(update: Update, context: BotContext) -> int | None:
    """Typed or button: the working hours."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    if update.callback_query is not None:
        text = (update.callback_query.data or "").removeprefix("ni:hours:")
        if text not in HOUR_CHOICES:
            await refuse(update, context)
            return None
        await _pressed(update)
    else:
        text = folded_text(update)
    hours = parse_time_span(text)
    if hours is None:
        await say(
            update,
            context,
            context._("I do not understand these hours. Please type them like this: 8:30-16:30"),
        )
        return HOURS
    _data(context)["hours"] = f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"
    return await ask_start(update, context)


def _schedule(data: dict[str, Any]) -> Schedule:
    start, end = data["hours"].split("-")
    return Schedule(frozenset(data["days"]), time.fromisoformat(start), time.fromisoformat(end))


# The dates


async def ask_start(update: Update, context: BotContext, text: str | None = None) -> int:
    """Ask the first internship day (`text` says what was wrong before)."""
    schedule = _schedule(_data(context))
    t = context.translator
    first = workdays.workdays_from(local_today(context.services) + timedelta(days=1), schedule, 5)
    buttons = [button(t.date(day, "EEEE d MMMM"), f"ni:start:{day.isoformat()}") for day in first]
    await say(
        update,
        context,
        text
        or context._("When is the first internship day? Pick it, or type the date (30/11/2026)."),
        _rows(buttons),
    )
    return START


async def start_date(update: Update, context: BotContext) -> int | None:
    """Typed or button: the first internship day."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    today = local_today(context.services)
    if update.callback_query is not None:
        day = parse_iso_day(callback_arg(update))
        if day is None:
            await refuse(update, context)
            return None
        await _pressed(update)
    else:
        day = parse_day(folded_text(update), today, Yearless.NEXT)
    t = context.translator
    if day is None:
        return await ask_start(
            update,
            context,
            context._("I do not understand this date. Please type it like this: 30/11/2026"),
        )
    if day < today or day > today + timedelta(days=366):
        return await ask_start(
            update,
            context,
            context._("Please choose a day from today until one year from now."),
        )
    schedule = _schedule(_data(context))
    if not workdays.is_workday(day, schedule):
        return await ask_start(
            update,
            context,
            context._(
                "{day} is not a workday of this schedule (or a public holiday). "
                "Please choose another day.",
                day=t.date(day, "EEEE d MMMM yyyy"),
            ),
        )
    _data(context)["start"] = day.isoformat()
    await say(
        update,
        context,
        context._(
            "How many workdays does the internship last? Usually 9. Pick it or type a number."
        ),
        _rows([button(t.plain("9 workdays"), f"ni:len:{DEFAULT_LENGTH}")]),
    )
    return LENGTH


async def length(update: Update, context: BotContext) -> int | None:
    """Typed or button: the number of workdays."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    if update.callback_query is not None:
        days = parse_number(callback_arg(update), 1, MAX_WORKDAYS)
        if days is None:
            await refuse(update, context)
            return None
        await _pressed(update)
    else:
        days = parse_number(folded_text(update), 1, MAX_WORKDAYS)
    if days is None:
        await say(
            update,
            context,
            context._("Please type a number of workdays from 1 to {most}.", most=MAX_WORKDAYS),
        )
        return LENGTH
    _data(context)["length"] = days
    await say(
        update,
        context,
        context._(
            "Where does the client go on the first day (meeting point)? "
            "For example: the reception at the main entrance."
        ),
        _skip(context.translator),
    )
    return MEETING_POINT


# The first day and the Dutch lessons


async def meeting_point(update: Update, context: BotContext) -> int:
    """Typed or skipped: the meeting point."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    answer = await _answer_or_skip(update, context)
    if answer is None:
        return MEETING_POINT
    data = _data(context)
    data["meeting_point"] = answer
    buttons = [button(t_name, "ni:fdc:contact") for t_name in [data.get("contact_name")] if t_name]
    buttons.append(button(context.translator.plain("⏭ Skip"), "ni:skip"))
    await say(
        update,
        context,
        context._("Whom does the client ask for on the first day? Type the name, or pick."),
        _rows(buttons),
    )
    return FIRST_DAY_CONTACT


async def first_day_contact(update: Update, context: BotContext) -> int:
    """Typed, the contact's name, or skipped: whom to ask for on the first day."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    data = _data(context)
    if update.callback_query is not None and update.callback_query.data == "ni:fdc:contact":
        await _pressed(update)
        data["first_day_contact"] = data.get("contact_name", "")
    else:
        answer = await _answer_or_skip(update, context)
        if answer is None:
            return FIRST_DAY_CONTACT
        data["first_day_contact"] = answer
    await say(
        update,
        context,
        context._(
            "What does the client bring on the first day? "
            "For example: identity card, safety shoes, lunch."
        ),
        _skip(context.translator),
    )
    return WHAT_TO_BRING


async def what_to_bring(update: Update, context: BotContext) -> int:
    """Typed or skipped: what to bring."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    answer = await _answer_or_skip(update, context)
    if answer is None:
        return WHAT_TO_BRING
    _data(context)["what_to_bring"] = answer
    await say(
        update,
        context,
        context._(
            "When are the Dutch lessons during the internship? "
            "For example: Tuesday 13:00-15:30. Or press “No lessons”."
        ),
        _rows([button(context.translator.plain("No lessons"), "ni:skip")]),
    )
    return DUTCH_LESSONS


async def dutch_lessons(update: Update, context: BotContext) -> int:
    """Typed or none: the Dutch-lesson moments; then the summary to confirm."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    answer = await _answer_or_skip(update, context)
    if answer is None:
        return DUTCH_LESSONS
    _data(context)["dutch_lessons"] = answer
    t = context.translator
    await say(
        update,
        context,
        summary(context, _data(context)) + "\n\n" + context._("Shall I create this internship?"),
        _rows(
            [
                button(t.plain("✅ Create"), "ni:create"),
                button(t.plain("✖️ Cancel"), "ni:cancel"),
            ],
            2,
        ),
    )
    return CONFIRM


async def _answer_or_skip(update: Update, context: BotContext) -> str | None:
    """The typed text, or "" for the skip button; None (after saying why) when too long."""
    if update.callback_query is not None:
        await _pressed(update)
        return ""
    return await typed_answer(update, context, MAX_FIRST_DAY_TEXT)


def summary(context: BotContext, data: dict[str, Any]) -> str:
    """The internship as entered, for the caseworker to check."""
    t = context.translator
    schedule = _schedule(data)
    start = date.fromisoformat(data["start"])
    days = workdays.workdays_from(start, schedule, data["length"])
    due = workdays.evaluation_due_day(start, schedule, data["length"])
    names = get_day_names("abbreviated", locale=t.locale)
    language = data.get("client_language") or context.services.i18n.default_language
    none = "—"
    lines = [
        context._(
            "<b>Client:</b> {name} ({language})",
            name=data["client_name"],
            language=context.services.i18n.name_of(language),
        ),
        context._("<b>Workplace:</b> {name}", name=data["workplace_name"]),
        context._("<b>Contact person:</b> {name}", name=data.get("contact_name") or none),
        context._(
            "<b>Schedule:</b> {days}, {start} – {end}",
            days=", ".join(names[d] for d in sorted(schedule.days)),
            start=t.time(schedule.start),
            end=t.time(schedule.end),
        ),
        context._(
            "<b>Dates:</b> {first} to {last} ({count} workdays)",
            first=t.date(days[0], "EEEE d MMMM yyyy"),
            last=t.date(days[-1], "EEEE d MMMM yyyy"),
            count=data["length"],
        ),
        context._("<b>Evaluation due:</b> {day}, before noon", day=t.date(due, "EEEE d MMMM")),
        context._("<b>Meeting point:</b> {text}", text=data.get("meeting_point") or none),
        context._("<b>Ask for:</b> {text}", text=data.get("first_day_contact") or none),
        context._("<b>Bring:</b> {text}", text=data.get("what_to_bring") or none),
        context._("<b>Dutch lessons:</b> {text}", text=data.get("dutch_lessons") or none),
    ]
    return "\n".join(lines)


# Creating it


async def create(update: Update, context: BotContext) -> int:
    """Button "Create": store everything, plan the reminders, give the links."""
    person = await staff(update, context)
    if person is None:
        return ConversationHandler.END
    await _pressed(update)
    data = _data(context)
    services = context.services
    created = await store_internship(services, person, data)
    internship_id, invitations = created
    # The summary and the links go through the outbox, in the update's transaction with
    # the tokens: if Telegram fails halfway, no link is handed out that was never stored.
    text = context._("✅ Internship created.") + "\n\n" + summary(context, data)
    await services.outbox.message(person, text, kind="invite")
    username = services.settings.bot_username or context.bot.username
    for invited, token in invitations:
        await services.outbox.message(person, _invite_intro(context, invited), kind="invite")
        link = accounts.deep_link(username, token)
        await services.outbox.message(
            person, invite_message(services, invited, link), kind="invite"
        )
    context.data.pop(KEY, None)
    chat = update.effective_chat
    assert chat is not None
    await menus.send_menu(
        context.bot,
        chat.id,
        person.role,
        context.translator,
        context._("The reminders for this internship are planned. What next?"),
    )
    log.info("Internship %s created by person %s", internship_id, person.id)
    return ConversationHandler.END


def _invite_intro(context: BotContext, invited: Person) -> str:
    if invited.role == Role.CLIENT:
        return context._(
            "Forward the next message to the client {name} (or show the link on their phone):",
            name=invited.name,
        )
    return context._("Forward the next message to the contact person {name}:", name=invited.name)


def invite_message(services: Services, person: Person, link: str) -> str:
    """The invite, in the invited person's language, ready to forward."""
    t = services.i18n.translator(person.language)
    return t._(
        "Hello {name}! This is your personal link to the work-experience bot of OCMW "
        "Antwerpen. Tap it to start. The link works once, for {days} days.\n\n{link}",
        name=person.name,
        days=services.settings.invite_days,
        link=link,
    )


async def store_internship(
    services: Services, caseworker: Person, data: dict[str, Any]
) -> tuple[int, list[tuple[Person, str]]]:
    """Everything in one transaction: people, workplace, internship, invites, reminders."""
    db, now = services.db, services.clock.now()
    invitations: list[tuple[Person, str]] = []
    async with db.transaction():
        client = await people.get(db, data["client_id"]) if data.get("client_id") else None
        if client is None:
            client = await people.create(
                db,
                Role.CLIENT,
                data["client_name"],
                now,
                language=data.get("client_language"),
                created_by=caseworker.id,
            )
        if client.telegram_user_id is None:
            invitations.append(
                (client, await accounts.create_invite(services, client, caseworker.id))
            )
        workplace_id = data.get("workplace_id")
        if workplace_id is None:
            new = data["new_workplace"]
            place = await workplaces.create(db, new["name"], now, address=new["address"])
            await audit.record(db, now, caseworker.id, "workplace.created", "workplace", place.id)
            workplace_id = place.id
        contact_id = data.get("contact_id")
        if contact_id is None and data.get("contact_name"):
            contact = await people.create(
                db,
                Role.EMPLOYER,
                data["contact_name"],
                now,
                workplace_id=workplace_id,
                created_by=caseworker.id,
            )
            invitations.append(
                (contact, await accounts.create_invite(services, contact, caseworker.id))
            )
            contact_id = contact.id
        internship = await internships.create(
            db,
            NewInternship(
                client_id=client.id,
                workplace_id=workplace_id,
                caseworker_id=caseworker.id,
                start_date=date.fromisoformat(data["start"]),
                employer_contact_id=contact_id,
                schedule=_schedule(data),
                length_workdays=data["length"],
                meeting_point=data.get("meeting_point", ""),
                first_day_contact=data.get("first_day_contact", ""),
                what_to_bring=data.get("what_to_bring", ""),
                dutch_lessons=data.get("dutch_lessons", ""),
            ),
            now,
        )
        if data.get("previous_id"):
            await internships.set_previous(db, internship.id, data["previous_id"])
        await audit.record(
            db,
            now,
            caseworker.id,
            "internship.created",
            "internship",
            internship.id,
            previous=data.get("previous_id"),
        )
        await services.reminders.replan_internship(services, internship.id)
    return internship.id, invitations


# Leaving the flow


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel, the Cancel button or "✖️ Cancel" at the end: nothing is stored."""
    if update.callback_query is not None:
        await _pressed(update)
    context.data.pop(KEY, None)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._("Stopped. No internship was created."))


async def leave(update: Update, context: BotContext) -> int:
    """Another menu button or command: end this flow quietly so the other one starts."""
    context.data.pop(KEY, None)
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> None:
    """Typed text where a button is expected."""
    await say(update, context, context._("Please use the buttons above, or /cancel to stop."))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    typed = typed_text(i18n)
    buttons_only = MessageHandler(typed, use_buttons)
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        CLIENT_NAME: [MessageHandler(typed, client_name)],
        CLIENT_LANGUAGE: [
            CallbackQueryHandler(client_language, pattern=r"^ni:lang:\w+$"),
            buttons_only,
        ],
        WORKPLACE: [
            CallbackQueryHandler(workplace_chosen, pattern=r"^ni:wp:(\d{1,18}|new)$"),
            MessageHandler(typed, workplace_search),
        ],
        WORKPLACE_NAME: [MessageHandler(typed, workplace_name)],
        WORKPLACE_ADDRESS: [MessageHandler(typed, workplace_address)],
        WORKPLACE_KIND: [
            CallbackQueryHandler(workplace_kind, pattern=r"^ni:kind:\w+$"),
            buttons_only,
        ],
        CONTACT: [
            CallbackQueryHandler(contact_chosen, pattern=r"^ni:ct:(\d{1,18}|new|none)$"),
            buttons_only,
        ],
        CONTACT_NAME: [MessageHandler(typed, contact_name)],
        DAYS: [
            CallbackQueryHandler(day_toggled, pattern=r"^ni:day:\d$"),
            CallbackQueryHandler(days_done, pattern=r"^ni:days:ok$"),
            buttons_only,
        ],
        HOURS: [
            CallbackQueryHandler(hours_typed, pattern=r"^ni:hours:"),
            MessageHandler(typed, hours_typed),
        ],
        START: [
            CallbackQueryHandler(start_date, pattern=r"^ni:start:\d{4}-\d{2}-\d{2}$"),
            MessageHandler(typed, start_date),
        ],
        LENGTH: [
            CallbackQueryHandler(length, pattern=r"^ni:len:\d{1,18}$"),
            MessageHandler(typed, length),
        ],
        MEETING_POINT: [
            CallbackQueryHandler(meeting_point, pattern=r"^ni:skip$"),
            MessageHandler(typed, meeting_point),
        ],
        FIRST_DAY_CONTACT: [
            CallbackQueryHandler(first_day_contact, pattern=r"^ni:(skip|fdc:contact)$"),
            MessageHandler(typed, first_day_contact),
        ],
        WHAT_TO_BRING: [
            CallbackQueryHandler(what_to_bring, pattern=r"^ni:skip$"),
            MessageHandler(typed, what_to_bring),
        ],
        DUTCH_LESSONS: [
            CallbackQueryHandler(dutch_lessons, pattern=r"^ni:skip$"),
            MessageHandler(typed, dutch_lessons),
        ],
        CONFIRM: [
            CallbackQueryHandler(create, pattern=r"^ni:create$"),
            buttons_only,
        ],
    }
    conversation: ConversationHandler[Any] = ConversationHandler(
        name="new_internship",
        persistent=True,
        per_message=False,
        entry_points=[
            *menus.entry_points(i18n, Action.NEW_INTERNSHIP, start),
            CallbackQueryHandler(second_chance, pattern=r"^ni:again:\d{1,18}$"),
        ],
        states=states,
        # The menu button or /newinternship again starts afresh.
        allow_reentry=True,
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            CallbackQueryHandler(cancel, pattern=r"^ni:cancel$"),
            MessageHandler(leaving(i18n), leave),
        ],
    )
    return [conversation]
