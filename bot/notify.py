"""Notifications about an internship to its workplace contact(s) and its caseworker.

Every flow that tells other people something goes through here, so each
recipient gets the text in their own language, through the outbox, and every
caseworker notification carries the buttons to act on it. Call inside the
transaction that stores the fact being reported.

The caseworker buttons are `bot.buttons.OpenInternship`, `ExtendBy` and `RemindLater`
(`cw:open:<id>`, `cw:extend:<id>:<workdays>`, `cw:later:<id>`), pressed in the
caseworker flows.

A report the workplace must hear, about a workplace none of whose contacts uses the bot
yet (`Unreached`), says so in the first line of the caseworker's notification, with the
contacts' phone numbers and a ✉️ New invite button each (`bot.buttons.SendInvite`); the
client's receipt (`told_text`) says whom to call. A contact who links later gets what
is still open (`bot.notices.catch_up`).

A caseworker can choose to get some kinds (`KINDS`) in a daily digest instead (their
notification settings): those are kept in `digest_items` and sent by the
`caseworker_digest` reminder (`send_digest`) at their chosen local time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import phones
from bot.buttons import ExtendBy, OpenInternship, RemindLater, SendInvite
from bot.clock import local_moment
from bot.i18n import N_, Translator
from bot.reminders import Reminders
from bot.services import Services
from bot.store import caseload, internships, people, reminders, workplaces
from bot.store.models import Internship, Person, Role

TextFor = Callable[[Translator], str]

# What is about today, and goes before reminders and digests when the outbox is busy
# (`bot.limits.Lane.URGENT`): someone is sick, late, absent without notice, hurt.
URGENT_KINDS = frozenset({"sick", "late", "no_show", "accident"})

# The reminder kind that sends a caseworker's daily digest (subject: the caseworker's id).
DIGEST_KIND = "caseworker_digest"
DIGEST_EXPIRES_AFTER = timedelta(hours=12)
MAX_DIGEST_MESSAGE = 3500
MAX_OPEN_BUTTONS = 10
# Contacts of a workplace named (and offered a new invite) when it was not reached.
MAX_INVITE_BUTTONS = 3

# Every kind of notification a caseworker gets, as the callers below name them, with its
# name in the caseworker's notification settings.
KINDS = {
    "sick": N_("Sick reports"),
    "certificate": N_("Medical certificates"),
    "late": N_("Late arrivals"),
    "appointment": N_("Appointments"),
    "accident": N_("Work accidents"),
    "no_show": N_("Did not come"),
    "hours": N_("Internship hours"),
    "evaluation": N_("Evaluations"),
    "reminder": N_("Reminders"),
    "first_day": N_("First workday"),
    "blocked": N_("Blocked the bot"),
}


@dataclass(frozen=True)
class WhomToCall:
    """Whom a client calls about an internship: its workplace's contact and its
    caseworker (each with a phone number when one is known)."""

    contact: Person | None = None
    caseworker: Person | None = None


@dataclass(frozen=True)
class Told:
    """Who heard about something: the client's receipt says exactly that."""

    workplace: bool
    caseworker: bool
    # The workplace should have heard, but nobody there uses the bot yet (its contact has
    # not opened their invite, or none is known): the receipt says so and whom to call.
    workplace_waiting: bool = False
    # Advice for the receipt, not part of who heard (not compared).
    call: WhomToCall = field(default=WhomToCall(), compare=False)

    @classmethod
    def of(cls, reached: list[Person]) -> Told:
        return cls(
            workplace=any(p.role == Role.EMPLOYER for p in reached),
            caseworker=any(p.is_staff for p in reached),
        )


async def whom_to_call(services: Services, internship: Internship) -> WhomToCall:
    """The contact a client calls (one with a number first) and the caseworker."""
    contacts = await employer_contacts(services, internship)
    with_phone = [c for c in contacts if c.phone]
    first = with_phone or contacts
    return WhomToCall(first[0] if first else None, await caseworker_of(services, internship))


async def told_about(services: Services, internship: Internship, reached: list[Person]) -> Told:
    """Who heard about a report the workplace must hear (late, an appointment request, an
    accident); when nobody there could get it, whom the client calls comes with it."""
    told = Told.of(reached)
    return Told(
        told.workplace,
        told.caseworker,
        workplace_waiting=not told.workplace,
        call=await whom_to_call(services, internship),
    )


def told_text(t: Translator, told: Told) -> str:
    """For the client: who knows now (never "we told them" when nobody was reached), and
    when the workplace does not use the bot yet, whom to call there."""
    lines = [_reached_text(t, told)]
    if told.workplace_waiting and not told.workplace:
        lines += [
            t._("Your workplace does not use this bot yet, so it was not told."),
            phones.call_workplace(t, told.call.contact, told.call.caseworker),
        ]
    return "\n".join(lines)


def _reached_text(t: Translator, told: Told) -> str:
    caseworker = told.call.caseworker
    if told.workplace and told.caseworker:
        return t._("Your workplace and your caseworker know it now.")
    if told.caseworker:
        return t._("Your caseworker knows it now.")
    if told.workplace:
        if caseworker is None:
            return t._("Your workplace knows it now. Please also call your caseworker.")
        return t._("Your workplace knows it now.") + " " + phones.call_caseworker(t, caseworker)
    if caseworker is None:
        return t._(
            "We could not reach your caseworker through this bot. Please call your caseworker."
        )
    return (
        t._("We could not reach your caseworker through this bot.")
        + " "
        + phones.call_caseworker(t, caseworker)
    )


# A workplace nobody of which uses the bot yet


@dataclass(frozen=True)
class Unreached:
    """A workplace that should hear about a report, but none of its contacts has opened
    their invite (or none is known): the caseworker is told first, with their numbers
    and a button to send each a new invite."""

    workplace: str
    contacts: list[Person]


async def unreached(services: Services, internship: Internship) -> Unreached | None:
    """None when someone at the internship's workplace uses the bot."""
    contacts = await employer_contacts(services, internship)
    if any(c.telegram_user_id is not None for c in contacts):
        return None
    place = await workplaces.get(services.db, internship.workplace_id)
    return Unreached(place.name if place else "?", contacts)


def unreached_line(t: Translator, workplace: Unreached) -> str:
    """The first line of the caseworker's notification: the workplace was NOT reached."""
    lines = [
        t._(
            "⚠️ <b>{workplace} was NOT reached</b>: nobody there uses the bot yet.",
            workplace=workplace.workplace,
        )
    ]
    for contact in workplace.contacts[:MAX_INVITE_BUTTONS]:
        if contact.phone:
            lines.append(
                t._("📞 Call {name}: {phone}", name=contact.name, phone=phones.shown(contact.phone))
            )
        else:
            lines.append(t._("📞 No phone number of {name} is known.", name=contact.name))
    if not workplace.contacts:
        lines.append(t._("No contact person is known for this workplace."))
    return "\n".join(lines)


def invite_rows(
    t: Translator, internship_id: int, workplace: Unreached
) -> list[list[InlineKeyboardButton]]:
    """✉️ New invite for each contact who has not linked yet."""
    return [
        [
            InlineKeyboardButton(
                t.plain("✉️ New invite for {name}", name=contact.name)[:60],
                callback_data=SendInvite(internship_id, contact.id).pack(),
            )
        ]
        for contact in workplace.contacts[:MAX_INVITE_BUTTONS]
    ]


def with_unreached(text_for: TextFor, workplace: Unreached | None) -> TextFor:
    """The caseworker's text, with the workplace NOT reached as its first line."""
    if workplace is None:
        return text_for
    return lambda t: unreached_line(t, workplace) + "\n\n" + text_for(t)


class Audience(StrEnum):
    EMPLOYER = "employer"
    CASEWORKER = "caseworker"
    BOTH = "both"


def caseworker_buttons(
    t: Translator, internship_id: int, extend_by: int | None = None
) -> InlineKeyboardMarkup:
    """Open the internship, (optionally) extend it, or be reminded later."""
    row = [
        InlineKeyboardButton(t.plain("📂 Open"), callback_data=OpenInternship(internship_id).pack())
    ]
    if extend_by:
        row.append(
            InlineKeyboardButton(
                t.plain("➕ Extend {days} d", days=extend_by),
                callback_data=ExtendBy(internship_id, extend_by).pack(),
            )
        )
    row.append(
        InlineKeyboardButton(t.plain("⏰ Later"), callback_data=RemindLater(internship_id).pack())
    )
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
    urgent: bool = False,
    workplace_unreached: Unreached | None = None,
) -> list[Person]:
    """Queue `text_for(translator)` for the employer contact(s) and/or the caseworker.

    Urgent notifications (an accident, a negative evaluation) always go out at once,
    whatever the caseworker chose for the daily digest; they and those about today
    (`URGENT_KINDS`) go before reminders when the outbox is busy. Returns the people
    it was queued for (those without Telegram are skipped). With `workplace_unreached`,
    the caseworker's text starts by saying so, and has the buttons for new invites.
    """
    recipients: list[tuple[Person, InlineKeyboardMarkup | None]] = []
    buttons: InlineKeyboardMarkup | None
    if audience in (Audience.EMPLOYER, Audience.BOTH):
        for contact in await employer_contacts(services, internship):
            t = services.i18n.translator(contact.language)
            recipients.append((contact, employer_buttons(t) if employer_buttons else None))
    if audience in (Audience.CASEWORKER, Audience.BOTH):
        caseworker = await caseworker_of(services, internship)
        if caseworker is not None:
            t = services.i18n.translator(caseworker.language)
            buttons = caseworker_buttons(t, internship.id, extend_by)
            if workplace_unreached is not None:
                rows = [
                    *invite_rows(t, internship.id, workplace_unreached),
                    *buttons.inline_keyboard,
                ]
                buttons = InlineKeyboardMarkup(rows)
            recipients.append((caseworker, buttons))
    staff_text = with_unreached(text_for, workplace_unreached)
    reached = []
    for person, buttons in recipients:
        t = services.i18n.translator(person.language)
        text = staff_text(t) if person.is_staff else text_for(t)
        if not urgent and person.is_staff and await wants_in_digest(services, person, kind):
            await to_digest(services, person, internship.id, kind, text)
            reached.append(person)
            continue
        key = f"{dedupe_key}:{person.id}" if dedupe_key else None
        at_once = urgent or kind in URGENT_KINDS
        if await services.outbox.message(
            person, text, buttons, kind=kind, dedupe_key=key, urgent=at_once
        ):
            reached.append(person)
    return reached


async def wants_in_digest(services: Services, caseworker: Person, kind: str) -> bool:
    """Whether the caseworker chose to get this kind in their daily digest."""
    if caseworker.telegram_user_id is None:
        return False
    mode = (await caseload.preferences(services.db, caseworker.id)).get(kind)
    return mode == "digest"


def next_digest_at(services: Services, at: time) -> datetime:
    """The next moment, after now, of the local digest time."""
    tz = services.settings.timezone
    now = services.clock.now()
    today = now.astimezone(tz).date()
    due = local_moment(today, at, tz)
    return due if due > now else local_moment(today + timedelta(days=1), at, tz)


async def plan_digest(services: Services, caseworker_id: int) -> None:
    """(Re)plan the caseworker's next digest at their time, when something waits for it."""
    await services.reminders.cancel(services, [DIGEST_KIND], caseworker_id)
    if not await caseload.pending_digest(services.db, caseworker_id):
        return
    due = next_digest_at(services, await caseload.digest_time(services.db, caseworker_id))
    await services.reminders.plan(
        services, DIGEST_KIND, caseworker_id, due, due + DIGEST_EXPIRES_AFTER
    )


async def to_digest(
    services: Services, caseworker: Person, internship_id: int | None, kind: str, text: str
) -> None:
    """Keep a notification for the caseworker's daily digest instead of sending it now."""
    await caseload.add_digest_item(
        services.db, caseworker.id, internship_id, kind, text, services.clock.now()
    )
    due = next_digest_at(services, await caseload.digest_time(services.db, caseworker.id))
    await services.reminders.plan(
        services, DIGEST_KIND, caseworker.id, due, due + DIGEST_EXPIRES_AFTER
    )


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


# The digest


def digest_messages(t: Translator, texts: list[str]) -> list[str]:
    """The digest's texts in as few messages as Telegram allows."""
    header = t.ngettext(
        "🗞 <b>Your daily digest</b>: {n} notification",
        "🗞 <b>Your daily digest</b>: {n} notifications",
        len(texts),
    )
    messages, current = [], header
    for text in texts:
        piece = f"\n\n— — —\n{text}"
        if len(current) + len(piece) > MAX_DIGEST_MESSAGE:
            messages.append(current)
            current = text[:MAX_DIGEST_MESSAGE]
        else:
            current += piece
    messages.append(current)
    return messages


async def send_digest(services: Services, reminder: reminders.Reminder) -> str | None:
    """The `caseworker_digest` reminder: everything waiting, in one go, with open buttons."""
    person = await people.get(services.db, reminder.subject_id)
    if person is None or person.telegram_user_id is None:
        return "caseworker not reachable"
    items = await caseload.pending_digest(services.db, person.id)
    if not items:
        return "nothing waiting"
    t = services.i18n.translator(person.language)
    seen: list[int] = []
    for item in items:
        if item.internship_id is not None and item.internship_id not in seen:
            seen.append(item.internship_id)
    buttons = []
    for internship_id in seen[:MAX_OPEN_BUTTONS]:
        internship = await internships.get(services.db, internship_id)
        client = await people.get(services.db, internship.client_id) if internship else None
        name = client.name if client else str(internship_id)
        buttons.append(
            [
                InlineKeyboardButton(
                    f"📂 {name}"[:60], callback_data=OpenInternship(internship_id).pack()
                )
            ]
        )
    messages = digest_messages(t, [item.text for item in items])
    for number, text in enumerate(messages, start=1):
        markup = InlineKeyboardMarkup(buttons) if number == len(messages) and buttons else None
        await services.outbox.message(
            person, text, markup, kind="digest", dedupe_key=f"digest:{reminder.id}:{number}"
        )
    await caseload.mark_digest_sent(services.db, [item.id for item in items], services.clock.now())
    return None


def register_reminders(reminders_: Reminders) -> None:
    reminders_.register(DIGEST_KIND, send_digest, label=N_("daily digest"))
