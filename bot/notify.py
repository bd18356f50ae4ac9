"""Notifications about an internship to its workplace contact(s) and its caseworker.

Every flow that tells other people something goes through here, so each
recipient gets the text in their own language, through the outbox, and every
caseworker notification carries the buttons to act on it. Call inside the
transaction that stores the fact being reported.

Callback data of the caseworker buttons (handled in the caseworker flows):
`cw:open:<internship id>`, `cw:extend:<internship id>:<workdays>`, `cw:later:<internship id>`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services import Services
from bot.store import people
from bot.store.models import Internship, Person

TextFor = Callable[[Translator], str]


class Audience(StrEnum):
    EMPLOYER = "employer"
    CASEWORKER = "caseworker"
    BOTH = "both"


def caseworker_buttons(
    t: Translator, internship_id: int, extend_by: int | None = None
) -> InlineKeyboardMarkup:
    """Open the internship, (optionally) extend it, or be reminded later."""
    row = [InlineKeyboardButton(t.plain("📂 Open"), callback_data=f"cw:open:{internship_id}")]
    if extend_by:
        row.append(
            InlineKeyboardButton(
                t.plain("➕ Extend {days} d", days=extend_by),
                callback_data=f"cw:extend:{internship_id}:{extend_by}",
            )
        )
    row.append(InlineKeyboardButton(t.plain("⏰ Later"), callback_data=f"cw:later:{internship_id}"))
    return InlineKeyboardMarkup([row])


async def employer_contacts(services: Services, internship: Internship) -> list[Person]:
    """The internship's own contact, or every contact of the workplace when none is set."""
    if internship.employer_contact_id is not None:
        contact = await people.get(services.db, internship.employer_contact_id)
        return [contact] if contact is not None else []
    return await people.employer_contacts(services.db, internship.workplace_id)


async def caseworker_of(services: Services, internship: Internship) -> Person | None:
    return await people.get(services.db, internship.caseworker_id)


async def about_internship(
    services: Services,
    internship: Internship,
    text_for: TextFor,
    kind: str,
    audience: Audience = Audience.BOTH,
    employer_buttons: Callable[[Translator], InlineKeyboardMarkup | None] | None = None,
    extend_by: int | None = None,
    dedupe_key: str | None = None,
) -> list[Person]:
    """Queue `text_for(translator)` for the employer contact(s) and/or the caseworker.

    Returns the people it was queued for (those without Telegram are skipped).
    """
    recipients: list[tuple[Person, InlineKeyboardMarkup | None]] = []
    if audience in (Audience.EMPLOYER, Audience.BOTH):
        for contact in await employer_contacts(services, internship):
            t = services.i18n.translator(contact.language)
            recipients.append((contact, employer_buttons(t) if employer_buttons else None))
    if audience in (Audience.CASEWORKER, Audience.BOTH):
        caseworker = await caseworker_of(services, internship)
        if caseworker is not None:
            t = services.i18n.translator(caseworker.language)
            recipients.append((caseworker, caseworker_buttons(t, internship.id, extend_by)))
    reached = []
    for person, buttons in recipients:
        t = services.i18n.translator(person.language)
        key = f"{dedupe_key}:{person.id}" if dedupe_key else None
        if await services.outbox.message(person, text_for(t), buttons, kind=kind, dedupe_key=key):
            reached.append(person)
    return reached


async def to_person(
    services: Services,
    person: Person,
    text_for: TextFor,
    kind: str,
    buttons: Callable[[Translator], InlineKeyboardMarkup | None] | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Queue a message for one person in their language."""
    t = services.i18n.translator(person.language)
    return await services.outbox.message(
        person, text_for(t), buttons(t) if buttons else None, kind=kind, dedupe_key=dedupe_key
    )
