"""An employer contact's trainees: which internships are theirs, and one button per trainee.

The hours, the evaluation and "trainee did not come" each start by picking one
of the workplace's open internships; a button names one by its id, and that id
is checked again on the server (callback data can be forged).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardButton, Update
from telegram.ext import ConversationHandler

from bot import access
from bot.actions.refusals import Refusal
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import button, callback_id, close_buttons
from bot.i18n import N_
from bot.services import Services
from bot.store import internships, people, workplaces
from bot.store.models import Internship, Person, Role

NO_TRAINEE = N_("There is no trainee in an internship with you now.")

T = TypeVar("T")


async def employer_and_trainees(
    update: Update, context: BotContext
) -> tuple[Person, list[Internship]] | None:
    """The employer contact behind the update and their workplace's open internships.

    None (and the person is refused) when they are not an employer contact.
    """
    person = await access.require(update, context, Role.EMPLOYER)
    if person is None:
        return None
    if person.workplace_id is None:
        return person, []
    return person, await internships.open_for_workplace(context.services.db, person.workplace_id)


async def employer_internship(
    update: Update, context: BotContext, internship_id: int | None
) -> tuple[Person, Internship] | None:
    """The employer contact and the internship, when it is an open one of their workplace.

    Anything else is refused (`access.deny`) and gives None.
    """
    person = await access.require(update, context, Role.EMPLOYER)
    if person is None:
        return None
    internship = (
        await internships.get(context.services.db, internship_id) if internship_id else None
    )
    if (
        internship is None
        or not internship.is_open
        or not access.can_see_internship(person, internship)
    ):
        await access.deny(update, context)
        return None
    return person, internship


async def as_employer(
    update: Update,
    context: BotContext,
    internship_id: int | None,
    action: Callable[[Person, int], Awaitable[T]],
) -> T | None:
    """`action(person, internship_id)` for the employer contact behind the update: its
    result, or None after a short refusal (not an employer contact, no internship, or the
    action refused: another workplace's trainee, an internship no longer open, ...)."""
    person = await access.require(update, context, Role.EMPLOYER)
    if person is None:
        return None
    try:
        if internship_id is not None:
            return await action(person, internship_id)
    except Refusal:
        pass
    await access.deny(update, context)
    return None


async def leaving_for(
    context: BotContext,
    internship_id: int | None,
    action: Callable[[Person, int], Awaitable[object]],
) -> int | None:
    """A flow's answer to another flow's trainee button (a reminder's ⏱ or 📝): END, so
    that flow opens the trainee, when `action(person, internship_id)` allows it; None
    when it refuses, as that flow then does: this one goes on unchanged."""
    person = context.person
    if internship_id is None or person is None:
        return None
    try:
        await action(person, internship_id)
    except Refusal:
        return None
    return ConversationHandler.END


async def picked(update: Update, context: BotContext) -> Internship | None:
    """The internship of a pressed trainee button (`…:<id>`) once checked; its buttons closed.

    None when refused: whatever flow was going on goes on unchanged.
    """
    found = await employer_internship(update, context, callback_id(update))
    if found is None:
        return None
    await close_buttons(update)
    return found[1]


async def client_name(services: Services, internship: Internship) -> str:
    """The trainee's name ("?" when the person is gone)."""
    client = await people.get(services.db, internship.client_id)
    return client.name if client else "?"


async def workplace_name(services: Services, internship: Internship) -> str:
    """The name of the internship's workplace ("?" when it is gone)."""
    workplace = await workplaces.get(services.db, internship.workplace_id)
    return workplace.name if workplace else "?"


async def trainee_rows(
    services: Services,
    trainees: list[Internship],
    data: str | Callable[[int], Button],
    done: frozenset[int] = frozenset(),
) -> list[list[InlineKeyboardButton]]:
    """One button per trainee, `data(internship id)` (or `<data><internship id>`); ✅ before
    those in `done`."""
    rows = []
    for internship in trainees:
        mark = "✅ " if internship.id in done else ""
        name = await client_name(services, internship)
        pressed = f"{data}{internship.id}" if isinstance(data, str) else data(internship.id).pack()
        rows.append([button(mark + name, pressed)])
    return rows
