"""Test data made through the store layer, and linked chat users."""

from __future__ import annotations

from datetime import date, time

from bot.actions import people as people_actions
from bot.store import internships, people, workplaces
from bot.store.internships import NewInternship
from bot.store.models import Internship, Person, Role, Schedule, Workplace, WorkplaceKind
from tests.harness import BotHarness, ChatUser


async def person(
    h: BotHarness,
    role: Role,
    name: str,
    language: str | None = "nl",
    workplace: Workplace | None = None,
) -> tuple[Person, ChatUser]:
    """A person with a linked Telegram account (linked directly in the store)."""
    user = h.user(name.split()[0], language_code=language)
    created = await people.create(
        h.services.db,
        role,
        name,
        h.clock.now(),
        language=language,
        workplace_id=workplace.id if workplace else None,
    )
    await people.link_telegram(h.services.db, created.id, user.id)
    linked = await people.get(h.services.db, created.id)
    assert linked is not None
    return linked, user


async def invited(h: BotHarness, role: Role, name: str) -> tuple[Person, str]:
    """A person with a fresh invite token, not linked yet."""
    invitation = await people_actions.invite_person(
        h.services, people_actions.COMMAND_LINE, role, name
    )
    return invitation.person, invitation.token


async def workplace(
    h: BotHarness, name: str = "Kringwinkel Zuid", kind: WorkplaceKind = WorkplaceKind.NONPROFIT
) -> Workplace:
    return await workplaces.create(
        h.services.db,
        name,
        h.clock.now(),
        address="Sint-Bernardsesteenweg 1, 2020 Antwerpen",
        kind=kind,
    )


async def internship(
    h: BotHarness,
    client: Person,
    place: Workplace,
    caseworker: Person,
    contact: Person | None = None,
    start: date = date(2026, 11, 30),
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4}),
    day_start: time = time(8, 30),
    day_end: time = time(16, 30),
    length: int = 9,
    break_minutes: int = 0,
) -> Internship:
    created = await internships.create(
        h.services.db,
        NewInternship(
            client_id=client.id,
            workplace_id=place.id,
            caseworker_id=caseworker.id,
            employer_contact_id=contact.id if contact else None,
            start_date=start,
            schedule=Schedule(days, day_start, day_end, break_minutes),
            length_workdays=length,
            meeting_point="Receptie",
            first_day_contact="Mieke",
            what_to_bring="Identiteitskaart, veiligheidsschoenen",
        ),
        h.clock.now(),
    )
    await h.services.reminders.replan_internship(h.services, created.id)
    return created


class World:
    """A typical setting: a caseworker, a workplace with a contact, a client in an internship."""

    caseworker: Person
    caseworker_chat: ChatUser
    workplace: Workplace
    employer: Person
    employer_chat: ChatUser
    client: Person
    client_chat: ChatUser
    internship: Internship


async def world(
    h: BotHarness,
    client_language: str = "nl",
    start: date = date(2026, 11, 30),
    kind: WorkplaceKind = WorkplaceKind.NONPROFIT,
    break_minutes: int = 0,
) -> World:
    w = World()
    w.caseworker, w.caseworker_chat = await person(h, Role.CASEWORKER, "An Peeters")
    w.workplace = await workplace(h, kind=kind)
    w.employer, w.employer_chat = await person(
        h, Role.EMPLOYER, "Mieke Janssens", workplace=w.workplace
    )
    w.client, w.client_chat = await person(h, Role.CLIENT, "Samir El Amrani", client_language)
    w.internship = await internship(
        h, w.client, w.workplace, w.caseworker, w.employer, start, break_minutes=break_minutes
    )
    return w
