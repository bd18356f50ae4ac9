"""What caseworkers (and admins) do with internships, one action each.

`create`, `extend`, `move_start`, `cancel`, `close` (with the outcome and the
contract-signing date), `second_chance`, `reassign`, `lock_hours`, `remind_later`.
Each checks that the actor is a caseworker who follows the internship (or an
admin), and that the internship is in a state where it fits; writes the store;
plans the internship's reminders again; tells the other people concerned (the
workplace, the client, a new caseworker) in their own language; and audits.

`create` also serves the CSV import of the command line (`people.COMMAND_LINE`). An
actor of None is nobody (an update from someone not linked): always `NotAllowed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot import notify, phones, workdays
from bot.actions import people as people_actions
from bot.actions.people import Actor, Invitation, actor_id, require_staff
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    NotAllowed,
    NotFound,
    NothingSubmitted,
    StaleState,
    require_internship,
    require_open,
    require_role,
)
from bot.clock import local_moment
from bot.i18n import N_, Translator
from bot.notify import Audience
from bot.reminders import Reminders
from bot.services import Services
from bot.store import audit, caseload, internships, people, reminders, workplaces
from bot.store.caseload import HoursLock
from bot.store.internships import NewInternship
from bot.store.models import Internship, InternshipStatus, Person, Role, Schedule, WorkplaceKind
from bot.text import check_length, check_name

STAFF = (Role.CASEWORKER, Role.ADMIN)
# The longest internship, the longest extension, and the longest texts of an internship,
# in the bot and in the import alike.
MAX_WORKDAYS = 60
MAX_ADDRESS = 200
MAX_FIRST_DAY_TEXT = 300
LATER_KIND = "caseworker_later"
# Reasons of `InvalidValue` a caller tells apart.
OUT_OF_RANGE = "out of range"
NOT_A_WORKDAY = "not a workday"


class Outcome(StrEnum):
    FAVOURABLE = "favourable"
    LESS_FAVOURABLE = "less_favourable"
    NEGATIVE = "negative"


class Later(StrEnum):
    """When "remind me later" comes back."""

    IN_TWO_HOURS = "2h"
    TOMORROW_MORNING = "tm"


TOMORROW_AT = time(9, 0)


# Who may, and what fits


async def followed(services: Services, actor: Person | None, internship_id: int) -> Internship:
    """The internship, when the actor is staff who may see it; else `NotAllowed` or
    `NotFound`. Also what the caseworker flows ask before they show a question."""
    person = require_role(actor, STAFF)
    return require_internship(person, await internships.get(services.db, internship_id))


async def _name(services: Services, person_id: int | None) -> str:
    person = await people.get(services.db, person_id) if person_id is not None else None
    return person.name if person else ""


# Creating


@dataclass(frozen=True)
class NewWorkplace:
    name: str
    address: str


@dataclass(frozen=True)
class Draft:
    """A new internship as entered: the client (new, or the one of `previous_id`, a second
    chance), the workplace (existing or new), the contact (existing, new by name, or none),
    the schedule, the dates and the first-day texts."""

    start: date
    schedule: Schedule
    length: int
    client_name: str = ""
    client_language: str | None = None
    previous_id: int | None = None
    workplace_id: int | None = None
    new_workplace: NewWorkplace | None = None
    contact_id: int | None = None
    contact_name: str = ""
    # A new contact's phone number as typed (`bot.phones`); "" for none.
    contact_phone: str = ""
    meeting_point: str = ""
    first_day_contact: str = ""
    what_to_bring: str = ""
    dutch_lessons: str = ""
    # Who follows it: the actor unless an admin or the import says otherwise.
    caseworker_id: int | None = None
    # The line of the CSV file it came from (the import).
    source_line: int | None = None


@dataclass(frozen=True)
class Created:
    internship: Internship
    # Links for the people who have none yet: the client, a new contact.
    invitations: list[Invitation] = field(default_factory=list)


async def create(services: Services, actor: Actor | None, draft: Draft) -> Created:
    """Store the internship with its new people and workplace, their invites, and plan
    its reminders."""
    db, now = services.db, services.clock.now()
    actor = require_staff(actor)
    _check_draft(services, draft)
    invitations: list[Invitation] = []
    async with db.transaction():
        caseworker_id = await _caseworker_of(services, actor, draft)
        client = await _client(services, actor, draft)
        if client.telegram_user_id is None:
            token = await people_actions.create_invite(services, client, actor_id(actor))
            invitations.append(Invitation(client, token))
        workplace_id = await _workplace(services, actor, draft)
        contact_id = draft.contact_id
        if contact_id is not None:
            contact = await people.get(db, contact_id)
            if contact is None or contact.role != Role.EMPLOYER:
                raise NotFound
            if contact.workplace_id != workplace_id:
                raise InvalidValue("contact")
        elif draft.contact_name:
            contact = await people.create(
                db,
                Role.EMPLOYER,
                draft.contact_name,
                now,
                workplace_id=workplace_id,
                created_by=actor_id(actor),
                phone=phones.parse_phone(draft.contact_phone) if draft.contact_phone else None,
            )
            token = await people_actions.create_invite(services, contact, actor_id(actor))
            invitations.append(Invitation(contact, token))
            contact_id = contact.id
        internship = await internships.create(
            db,
            NewInternship(
                client_id=client.id,
                workplace_id=workplace_id,
                caseworker_id=caseworker_id,
                start_date=draft.start,
                employer_contact_id=contact_id,
                schedule=draft.schedule,
                length_workdays=draft.length,
                meeting_point=draft.meeting_point,
                first_day_contact=draft.first_day_contact,
                what_to_bring=draft.what_to_bring,
                dutch_lessons=draft.dutch_lessons,
            ),
            now,
        )
        if draft.previous_id is not None:
            await internships.set_previous(db, internship.id, draft.previous_id)
        details: dict[str, object] = (
            {"previous": draft.previous_id}
            if draft.source_line is None
            else {"source": "import", "line": draft.source_line}
        )
        await audit.record(
            db, now, actor_id(actor), "internship.created", "internship", internship.id, **details
        )
        await services.reminders.replan_internship(services, internship.id)
    return Created(internship, invitations)


def _check_draft(services: Services, draft: Draft) -> None:
    """The values themselves (who and what exists is checked in the transaction)."""
    if not 1 <= draft.length <= MAX_WORKDAYS:
        raise InvalidValue("length")
    if not draft.schedule.days or draft.schedule.end <= draft.schedule.start:
        raise InvalidValue("schedule")
    if not 0 <= draft.schedule.break_minutes <= workdays.longest_break(draft.schedule):
        raise InvalidValue("schedule")
    if draft.start < services.today() or not workdays.is_workday(draft.start, draft.schedule):
        raise InvalidValue("start")
    names = [draft.contact_name] if draft.contact_name else []
    if draft.contact_phone and phones.parse_phone(draft.contact_phone) is None:
        raise InvalidValue(phones.NOT_A_NUMBER)
    if draft.previous_id is None:
        names.append(draft.client_name)
        if draft.client_language is not None and not services.i18n.is_shipped(
            draft.client_language
        ):
            raise InvalidValue("language")
    if (draft.workplace_id is None) == (draft.new_workplace is None):
        raise InvalidValue("workplace")
    if draft.new_workplace is not None:
        names.append(draft.new_workplace.name)
        if check_length(draft.new_workplace.address, MAX_ADDRESS) is not None:
            raise InvalidValue("address")
    for name in names:
        refusal = check_name(name)
        if refusal is not None:
            raise InvalidValue(str(refusal))
    texts = (draft.meeting_point, draft.first_day_contact, draft.what_to_bring, draft.dutch_lessons)
    if any(check_length(text, MAX_FIRST_DAY_TEXT) is not None for text in texts):
        raise InvalidValue("text")


async def _caseworker_of(services: Services, actor: Actor, draft: Draft) -> int:
    if isinstance(actor, Person) and draft.caseworker_id in (None, actor.id):
        return actor.id
    if draft.caseworker_id is None:
        raise InvalidValue("caseworker")
    if isinstance(actor, Person) and actor.role != Role.ADMIN:
        raise NotAllowed
    caseworker = await people.get(services.db, draft.caseworker_id)
    if caseworker is None or not caseworker.is_staff:
        raise NotFound
    return caseworker.id


async def _client(services: Services, actor: Actor, draft: Draft) -> Person:
    """The new client, or for a second chance the client of the previous internship."""
    if draft.previous_id is None:
        return await people.create(
            services.db,
            Role.CLIENT,
            draft.client_name,
            services.clock.now(),
            language=draft.client_language,
            created_by=actor_id(actor),
        )
    previous = await internships.get(services.db, draft.previous_id)
    if isinstance(actor, Person):
        previous = require_internship(actor, previous)
    if previous is None:
        raise NotFound
    if previous.status == InternshipStatus.CANCELLED:
        raise StaleState
    client = await people.get(services.db, previous.client_id)
    if client is None:
        raise NotFound
    return client


async def _workplace(services: Services, actor: Actor, draft: Draft) -> int:
    db, now = services.db, services.clock.now()
    if draft.new_workplace is None:
        assert draft.workplace_id is not None
        place = await workplaces.get(db, draft.workplace_id)
        if place is None:
            raise NotFound
        if place.kind == WorkplaceKind.PRIVATE:
            # A private employer has no internship: the contract starts at once.
            raise InvalidValue("private")
        return place.id
    new = draft.new_workplace
    place = await workplaces.create(db, new.name, now, address=new.address)
    await audit.record(db, now, actor_id(actor), "workplace.created", "workplace", place.id)
    return place.id


# Changing the dates


async def extend(
    services: Services,
    actor: Person | None,
    internship_id: int,
    workdays_added: int,
    seen: int | None = None,
) -> Internship:
    """Add workdays (the last day and the evaluation due day move); the workplace and the
    client are told. With `seen` (the extension the caseworker saw when confirming) a
    second tap, or a change in between, is `StaleState` and extends nothing."""
    actor = require_role(actor, STAFF)
    if not 1 <= workdays_added <= MAX_WORKDAYS:
        raise InvalidValue("workdays")
    db, now = services.db, services.clock.now()
    async with db.transaction():
        internship = require_open(await followed(services, actor, internship_id))
        expected = internship.extension_workdays if seen is None else seen
        if not await internships.extend(db, internship.id, workdays_added, now, expected):
            raise StaleState
        await audit.record(
            db,
            now,
            actor.id,
            "internship.extended",
            "internship",
            internship.id,
            workdays=workdays_added,
        )
        await services.reminders.replan_internship(services, internship.id)
        changed = await internships.get(db, internship.id)
        assert changed is not None
        await _tell_about_dates(services, changed, extended=True)
    return changed


async def move_start(
    services: Services, actor: Person | None, internship_id: int, day: date
) -> Internship:
    """A new first day, before the internship started: after today, within a year, on a
    workday of its schedule. The workplace and the client are told."""
    actor = require_role(actor, STAFF)
    db, now = services.db, services.clock.now()
    today = services.today()
    async with db.transaction():
        internship = require_open(await followed(services, actor, internship_id))
        if internship.start_date <= today:
            raise StaleState
        if day <= today or day > today + timedelta(days=366):
            raise InvalidValue(OUT_OF_RANGE)
        if not workdays.is_workday(day, internship.schedule):
            raise InvalidValue(NOT_A_WORKDAY)
        await internships.move_start(db, internship.id, day, now)
        await audit.record(
            db,
            now,
            actor.id,
            "internship.start_moved",
            "internship",
            internship.id,
            old=internship.start_date.isoformat(),
            new=day.isoformat(),
        )
        await services.reminders.replan_internship(services, internship.id)
        changed = await internships.get(db, internship.id)
        assert changed is not None
        await _tell_about_dates(services, changed, extended=False)
    return changed


async def _tell_about_dates(services: Services, internship: Internship, extended: bool) -> None:
    """Tell the workplace and the client the new dates (inside the caller's transaction)."""
    client = await people.get(services.db, internship.client_id)
    client_name = client.name if client else ""
    first, last = workdays.internship_days(internship)[0], workdays.last_day(internship)

    def for_employer(t: Translator) -> str:
        if extended:
            return t._(
                "The internship of {client} is extended. The last day is now {last}; the "
                "evaluation is due on {due}.",
                client=client_name,
                last=t.date(last, "EEEE d MMMM"),
                due=t.date(workdays.due_day(internship), "EEEE d MMMM"),
            )
        return t._(
            "The internship of {client} now starts on {first}.",
            client=client_name,
            first=t.date(first, "EEEE d MMMM"),
        )

    def for_client(t: Translator) -> str:
        if extended:
            return t._(
                "Your internship is longer. Your last day is now {last}.",
                last=t.date(last, "EEEE d MMMM"),
            )
        return t._(
            "Your internship starts on another day: {first}.", first=t.date(first, "EEEE d MMMM")
        )

    await notify.about_internship(
        services, internship, for_employer, "internship", Audience.EMPLOYER
    )
    if client is not None:
        await notify.to_person(services, client, for_client, "internship")


# Ending


async def cancel(services: Services, actor: Person | None, internship_id: int) -> Internship:
    """Cancel an open internship: its reminders stop; the workplace and the client are told."""
    actor = require_role(actor, STAFF)
    db, now = services.db, services.clock.now()
    async with db.transaction():
        internship = require_open(await followed(services, actor, internship_id))
        client = await people.get(db, internship.client_id)
        place = await workplaces.get(db, internship.workplace_id)
        client_name, place_name = (client.name if client else ""), (place.name if place else "")
        await internships.cancel(db, internship.id, now)
        await audit.record(db, now, actor.id, "internship.cancelled", "internship", internship.id)
        await services.reminders.replan_internship(services, internship.id)
        await notify.about_internship(
            services,
            internship,
            lambda t: t._("The internship of {client} is cancelled.", client=client_name),
            "internship",
            Audience.EMPLOYER,
        )
        if client is not None:
            await notify.to_person(
                services,
                client,
                lambda t: t._(
                    "Your internship at {workplace} will not take place. Your caseworker "
                    "will contact you.",
                    workplace=place_name,
                ),
                "internship",
            )
        changed = await internships.get(db, internship.id)
    assert changed is not None
    return changed


async def close(
    services: Services,
    actor: Person | None,
    internship_id: int,
    outcome: Outcome,
    signed_on: date | None = None,
) -> Internship:
    """Close an open internship with its outcome; a favourable one with the day the
    contract is (or was) signed. The reminders stop."""
    actor = require_role(actor, STAFF)
    if (outcome == Outcome.FAVOURABLE) != (signed_on is not None):
        raise InvalidValue("contract date")
    async with services.db.transaction():
        internship = require_open(await followed(services, actor, internship_id))
        return await _close(services, actor, internship, outcome, signed_on, False)


async def _close(
    services: Services,
    actor: Person,
    internship: Internship,
    outcome: Outcome,
    signed_on: date | None,
    second_chance: bool,
) -> Internship:
    db, now = services.db, services.clock.now()
    await internships.close(db, internship.id, outcome.value, signed_on, now, second_chance)
    await audit.record(
        db,
        now,
        actor.id,
        "internship.closed",
        "internship",
        internship.id,
        outcome=outcome.value,
        contract_signed_on=signed_on.isoformat() if signed_on else None,
        second_chance=second_chance,
    )
    await services.reminders.replan_internship(services, internship.id)
    changed = await internships.get(db, internship.id)
    assert changed is not None
    return changed


async def second_chance(services: Services, actor: Person | None, internship_id: int) -> Internship:
    """The client gets a second chance at another workplace: an open internship is closed
    (with its outcome, else negative), a closed one is marked. The new internship is then
    `create`d with this one as `previous_id`. Cancelled, or marked already: `StaleState`."""
    actor = require_role(actor, STAFF)
    db = services.db
    async with db.transaction():
        internship = await followed(services, actor, internship_id)
        outcome = Outcome(internship.outcome) if internship.outcome else Outcome.NEGATIVE
        if internship.is_open:
            return await _close(services, actor, internship, outcome, None, True)
        closing = await caseload.closing(db, internship.id)
        if internship.status == InternshipStatus.CANCELLED or closing.second_chance:
            raise StaleState
        now = services.clock.now()
        await internships.close(
            db, internship.id, outcome.value, closing.contract_signed_on, now, second_chance=True
        )
        await audit.record(
            db, now, actor.id, "internship.second_chance", "internship", internship.id
        )
        changed = await internships.get(db, internship.id)
    assert changed is not None
    return changed


# People and hours


async def reassign(
    services: Services, actor: Person | None, internship_id: int, caseworker_id: int
) -> Internship:
    """Another caseworker follows the internship from now on; they are told, with its
    buttons. The same caseworker again is `StaleState`."""
    actor = require_role(actor, STAFF)
    db, now = services.db, services.clock.now()
    async with db.transaction():
        internship = await followed(services, actor, internship_id)
        new = await people.get(db, caseworker_id)
        if new is None or new.role != Role.CASEWORKER:
            raise NotFound
        if new.id == internship.caseworker_id:
            raise StaleState
        client = await _name(services, internship.client_id)
        await internships.reassign(db, internship.id, new.id, now)
        await audit.record(
            db,
            now,
            actor.id,
            "internship.reassigned",
            "internship",
            internship.id,
            old=internship.caseworker_id,
            new=new.id,
        )
        await services.reminders.replan_internship(services, internship.id)
        await notify.to_person(
            services,
            new,
            lambda t: t._(
                "👤 {by} gave you the internship of {client}.", by=actor.name, client=client
            ),
            "internship",
            buttons=lambda t: notify.caseworker_buttons(t, internship.id),
        )
        changed = await internships.get(db, internship.id)
    assert changed is not None
    return changed


async def lock_hours(services: Services, actor: Person | None, internship_id: int) -> HoursLock:
    """The caseworker checked the hours: the workplace can no longer change them.
    `NothingSubmitted` before any hours came in, `AlreadyLocked` the second time."""
    actor = require_role(actor, STAFF)
    db, now = services.db, services.clock.now()
    async with db.transaction():
        internship = await followed(services, actor, internship_id)
        if not await caseload.latest_hours(db, [internship.id]):
            raise NothingSubmitted
        if not await caseload.lock_hours(db, internship.id, actor.id, now):
            raise AlreadyLocked
        await audit.record(db, now, actor.id, "hours.locked", "internship", internship.id)
        lock = (await caseload.hours_locks(db, [internship.id]))[internship.id]
    return lock


# Later


async def remind_later(
    services: Services, actor: Person | None, internship_id: int, when: Later
) -> datetime:
    """Plan a reminder to the caseworker to come back to an open internship; when it comes."""
    actor = require_role(actor, STAFF)
    db, now = services.db, services.clock.now()
    if when == Later.IN_TWO_HOURS:
        due = now + timedelta(hours=2)
    else:
        tomorrow = services.today() + timedelta(days=1)
        due = local_moment(tomorrow, TOMORROW_AT, services.settings.timezone)
    async with db.transaction():
        internship = require_open(await followed(services, actor, internship_id))
        await services.reminders.plan(
            services, LATER_KIND, internship.id, due, due + timedelta(days=1)
        )
        await audit.record(
            db,
            now,
            actor.id,
            "internship.remind_later",
            "internship",
            internship.id,
            due=due.isoformat(),
        )
    return due


async def remind_caseworker_later(services: Services, reminder: reminders.Reminder) -> str | None:
    """The `caseworker_later` reminder: back to an internship, with its buttons."""
    internship = await internships.get(services.db, reminder.subject_id)
    if internship is None or not internship.is_open:
        return "internship closed"
    caseworker = await people.get(services.db, internship.caseworker_id)
    if caseworker is None:
        return "no caseworker"
    client = await _name(services, internship.client_id)
    sent = await notify.to_person(
        services,
        caseworker,
        lambda t: t._("⏰ You wanted to come back to the internship of {client}.", client=client),
        "reminder",
        buttons=lambda t: notify.caseworker_buttons(t, internship.id),
        dedupe_key=f"later:{reminder.id}",
    )
    return None if sent else "caseworker not reachable"


def register_reminders(reminders_: Reminders) -> None:
    reminders_.register(LATER_KIND, remind_caseworker_later, label=N_("come back to it later"))
