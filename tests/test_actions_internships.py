"""The caseworker's internship actions, called directly (no Telegram): each allowed, each
refused for another role or another caseload (`NotAllowed`), each refused when the
internship no longer fits (`StaleState`), and what the database holds after."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot.actions import internships as actions
from bot.actions.internships import Draft, Later, NewWorkplace, Outcome
from bot.actions.people import COMMAND_LINE
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    NotAllowed,
    NotFound,
    NothingSubmitted,
    StaleState,
)
from bot.store import audit, caseload, hours, internships, invites, people, reminders
from bot.store.models import InternshipStatus, Person, Role, Schedule, WorkplaceKind
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BotHarness

WEEK = Schedule(frozenset({0, 1, 2, 3, 4}), time(8, 30), time(16, 30))


class Others:
    """Everyone who may not act on the world's internship, and an admin who may."""

    bert: Person
    admin: Person


@pytest.fixture
async def w(bot: BotHarness) -> World:
    return await factories.world(bot)


@pytest.fixture
async def others(bot: BotHarness) -> Others:
    found = Others()
    found.bert, _ = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    found.admin, _ = await factories.person(bot, Role.ADMIN, "Ilse Admin")
    return found


def outsiders(w: World, others: Others) -> list[Person | None]:
    """A caseworker of another caseload, the workplace, the client, and nobody."""
    return [others.bert, w.employer, w.client, None]


async def pending(bot: BotHarness, internship_id: int) -> list[datetime]:
    planned = await reminders.for_subject(
        bot.services.db, internship_id, bot.services.reminders.internship_kinds
    )
    return sorted(r.due_at for r in planned if r.status == "pending")


async def actions_of(bot: BotHarness, internship_id: int) -> list[str]:
    return [e.action for e in await audit.for_subject(bot.services.db, "internship", internship_id)]


async def cancelled(bot: BotHarness, w: World) -> None:
    await actions.cancel(bot.services, w.caseworker, w.internship.id)


# Extending


async def test_extend(bot: BotHarness, w: World, others: Others) -> None:
    before = await pending(bot, w.internship.id)
    # Nine workdays from Monday 30 November end on Thursday 10 December; five more: the 17th.
    changed = await actions.extend(bot.services, w.caseworker, w.internship.id, 5)
    assert changed.extension_workdays == 5 and changed.total_workdays == 14
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored == changed
    assert max(await pending(bot, w.internship.id)) > max(before)
    assert (await actions_of(bot, w.internship.id))[-1] == "internship.extended"
    await bot.deliver()
    assert "verlengd" in w.employer_chat.last_text and "langer" in w.client_chat.last_text
    assert "donderdag 17 december" in w.employer_chat.last_text
    # An admin may too; what they saw rides along.
    again = await actions.extend(bot.services, others.admin, w.internship.id, 1, seen=5)
    assert again.extension_workdays == 6


async def test_extend_refused(bot: BotHarness, w: World, others: Others) -> None:
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.extend(bot.services, outsider, w.internship.id, 2)
    with pytest.raises(NotFound):
        await actions.extend(bot.services, w.caseworker, 987654321, 2)
    for workdays in (0, actions.MAX_WORKDAYS + 1):
        with pytest.raises(InvalidValue):
            await actions.extend(bot.services, w.caseworker, w.internship.id, workdays)
    # A second tap of the same confirmation: it saw no extension, there is one now.
    await actions.extend(bot.services, w.caseworker, w.internship.id, 2, seen=0)
    with pytest.raises(StaleState):
        await actions.extend(bot.services, w.caseworker, w.internship.id, 2, seen=0)
    await cancelled(bot, w)
    with pytest.raises(StaleState):
        await actions.extend(bot.services, w.caseworker, w.internship.id, 2)
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored is not None and stored.extension_workdays == 2
    assert (await actions_of(bot, w.internship.id)).count("internship.extended") == 1


# Moving the start


async def test_move_start(bot: BotHarness, w: World) -> None:
    changed = await actions.move_start(
        bot.services, w.caseworker, w.internship.id, date(2026, 12, 2)
    )
    assert changed.start_date == date(2026, 12, 2)
    assert min(await pending(bot, w.internship.id)).date() >= date(2026, 12, 1)
    entries = await audit.for_subject(bot.services.db, "internship", w.internship.id)
    assert entries[-1].details == {"old": "2026-11-30", "new": "2026-12-02"}
    await bot.deliver()
    assert "woensdag 2 december" in w.employer_chat.last_text


async def test_move_start_refused(bot: BotHarness, w: World, others: Others) -> None:
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.move_start(bot.services, outsider, w.internship.id, date(2026, 12, 2))
    saturday, today = date(2026, 12, 5), date(2026, 11, 23)
    with pytest.raises(InvalidValue) as invalid:
        await actions.move_start(bot.services, w.caseworker, w.internship.id, saturday)
    assert invalid.value.reason == actions.NOT_A_WORKDAY
    for day in (today, today + timedelta(days=400)):
        with pytest.raises(InvalidValue) as invalid:
            await actions.move_start(bot.services, w.caseworker, w.internship.id, day)
        assert invalid.value.reason == actions.OUT_OF_RANGE
    # Once the internship has started, its start stays.
    await bot.advance_to(datetime(2026, 11, 30, 9, 0, tzinfo=BRUSSELS))
    with pytest.raises(StaleState):
        await actions.move_start(bot.services, w.caseworker, w.internship.id, date(2026, 12, 7))
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored is not None and stored.start_date == date(2026, 11, 30)


# Cancelling


async def test_cancel(bot: BotHarness, w: World, others: Others) -> None:
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.cancel(bot.services, outsider, w.internship.id)
    assert await pending(bot, w.internship.id) != []
    changed = await actions.cancel(bot.services, w.caseworker, w.internship.id)
    assert changed.status == InternshipStatus.CANCELLED
    assert await pending(bot, w.internship.id) == []
    await bot.deliver()
    assert (
        "geannuleerd" in w.employer_chat.last_text and "gaat niet door" in w.client_chat.last_text
    )
    with pytest.raises(StaleState):
        await actions.cancel(bot.services, w.caseworker, w.internship.id)
    assert (await actions_of(bot, w.internship.id)).count("internship.cancelled") == 1


# Closing


async def test_close_favourable_with_the_signing_date(bot: BotHarness, w: World) -> None:
    signed = date(2026, 12, 11)
    closed = await actions.close(
        bot.services, w.caseworker, w.internship.id, Outcome.FAVOURABLE, signed
    )
    assert closed.status == InternshipStatus.CLOSED and closed.outcome == "favourable"
    assert (await caseload.closing(bot.services.db, w.internship.id)).contract_signed_on == signed
    assert await pending(bot, w.internship.id) == []


async def test_close_refused(bot: BotHarness, w: World, others: Others) -> None:
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.close(bot.services, outsider, w.internship.id, Outcome.NEGATIVE)
    # Favourable needs the day of the contract; the others have none.
    with pytest.raises(InvalidValue):
        await actions.close(bot.services, w.caseworker, w.internship.id, Outcome.FAVOURABLE)
    with pytest.raises(InvalidValue):
        await actions.close(
            bot.services, w.caseworker, w.internship.id, Outcome.NEGATIVE, date(2026, 12, 11)
        )
    await actions.close(bot.services, w.caseworker, w.internship.id, Outcome.LESS_FAVOURABLE)
    with pytest.raises(StaleState):
        await actions.close(bot.services, w.caseworker, w.internship.id, Outcome.NEGATIVE)
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored is not None and stored.outcome == "less_favourable"


# Second chance


async def test_second_chance_closes_an_open_internship(bot: BotHarness, w: World) -> None:
    marked = await actions.second_chance(bot.services, w.caseworker, w.internship.id)
    assert marked.status == InternshipStatus.CLOSED and marked.outcome == "negative"
    assert (await caseload.closing(bot.services.db, w.internship.id)).second_chance
    # Marked once: a second time no longer fits.
    with pytest.raises(StaleState):
        await actions.second_chance(bot.services, w.caseworker, w.internship.id)


async def test_second_chance_after_closing(bot: BotHarness, w: World, others: Others) -> None:
    await actions.close(bot.services, w.caseworker, w.internship.id, Outcome.LESS_FAVOURABLE)
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.second_chance(bot.services, outsider, w.internship.id)
    marked = await actions.second_chance(bot.services, w.caseworker, w.internship.id)
    assert marked.outcome == "less_favourable"
    assert (await caseload.closing(bot.services.db, w.internship.id)).second_chance
    assert (await actions_of(bot, w.internship.id))[-1] == "internship.second_chance"


async def test_no_second_chance_after_cancelling(bot: BotHarness, w: World) -> None:
    await cancelled(bot, w)
    with pytest.raises(StaleState):
        await actions.second_chance(bot.services, w.caseworker, w.internship.id)
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored is not None and stored.status == InternshipStatus.CANCELLED


# Reassigning


async def test_reassign(bot: BotHarness, w: World, others: Others) -> None:
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.reassign(bot.services, outsider, w.internship.id, others.bert.id)
    with pytest.raises(NotFound):
        await actions.reassign(bot.services, w.caseworker, w.internship.id, w.client.id)
    with pytest.raises(StaleState):
        await actions.reassign(bot.services, w.caseworker, w.internship.id, w.caseworker.id)
    changed = await actions.reassign(bot.services, w.caseworker, w.internship.id, others.bert.id)
    assert changed.caseworker_id == others.bert.id
    assert (await actions_of(bot, w.internship.id))[-1] == "internship.reassigned"
    # Now it is Bert's, and no longer An's.
    with pytest.raises(NotAllowed):
        await actions.extend(bot.services, w.caseworker, w.internship.id, 1)
    await actions.extend(bot.services, others.bert, w.internship.id, 1)


async def test_the_new_caseworker_is_told(bot: BotHarness, w: World) -> None:
    bert, bert_chat = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    await actions.reassign(bot.services, w.caseworker, w.internship.id, bert.id)
    await bot.deliver()
    assert (
        "An Peeters heeft de stage van Samir El Amrani aan jou overgedragen" in bert_chat.last_text
    )
    assert "📂 Openen" in bert_chat.last.button_labels


# Locking the hours


async def test_lock_hours(bot: BotHarness, w: World, others: Others) -> None:
    with pytest.raises(NothingSubmitted):
        await actions.lock_hours(bot.services, w.caseworker, w.internship.id)
    await hours.add_version(
        bot.services.db, w.internship.id, w.employer.id, bot.clock.now(), 72 * 60, None
    )
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.lock_hours(bot.services, outsider, w.internship.id)
    assert await hours.lock_of(bot.services.db, w.internship.id) is None
    lock = await actions.lock_hours(bot.services, w.caseworker, w.internship.id)
    assert lock.locked_by == w.caseworker.id
    assert await hours.lock_of(bot.services.db, w.internship.id) is not None
    with pytest.raises(AlreadyLocked):
        await actions.lock_hours(bot.services, others.admin, w.internship.id)
    assert (await actions_of(bot, w.internship.id)).count("hours.locked") == 1


# Later


async def test_remind_later(bot: BotHarness, w: World, others: Others) -> None:
    for outsider in outsiders(w, others):
        with pytest.raises(NotAllowed):
            await actions.remind_later(bot.services, outsider, w.internship.id, Later.IN_TWO_HOURS)
    due = await actions.remind_later(
        bot.services, w.caseworker, w.internship.id, Later.TOMORROW_MORNING
    )
    assert due == datetime(2026, 11, 24, 9, 0, tzinfo=BRUSSELS)
    [planned] = await reminders.for_subject(bot.services.db, w.internship.id, [actions.LATER_KIND])
    assert planned.due_at == due and planned.status == "pending"
    await bot.advance_to(datetime(2026, 11, 24, 9, 1, tzinfo=BRUSSELS))
    assert "terugkomen op de stage van Samir El Amrani" in w.caseworker_chat.last_text


async def test_no_reminder_for_a_cancelled_internship(bot: BotHarness, w: World) -> None:
    await cancelled(bot, w)
    with pytest.raises(StaleState):
        await actions.remind_later(bot.services, w.caseworker, w.internship.id, Later.IN_TWO_HOURS)
    assert await reminders.for_subject(bot.services.db, w.internship.id, [actions.LATER_KIND]) == []


# Creating


def draft(**changes: object) -> Draft:
    values: dict[str, object] = {
        "start": date(2026, 11, 30),
        "schedule": WEEK,
        "length": 9,
        "client_name": "Olena Kovalenko",
        "client_language": "uk",
        "new_workplace": NewWorkplace("Kringwinkel Noord", "Noorderlaan 12, 2030 Antwerpen"),
        "contact_name": "Jan Janssens",
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


async def test_create_with_new_people_and_a_new_workplace(bot: BotHarness) -> None:
    an, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    created = await actions.create(bot.services, an, draft())
    internship = created.internship
    assert internship.caseworker_id == an.id and internship.length_workdays == 9
    invited = {i.person.name: i for i in created.invitations}
    assert sorted(invited) == ["Jan Janssens", "Olena Kovalenko"]
    assert all([await invites.find(bot.services.db, i.token) for i in created.invitations])
    client = await people.get(bot.services.db, internship.client_id)
    assert client is not None and client.language == "uk" and client.role == Role.CLIENT
    contact = await people.get(bot.services.db, internship.employer_contact_id or 0)
    assert contact is not None and contact.workplace_id == internship.workplace_id
    assert await pending(bot, internship.id)
    assert await actions_of(bot, internship.id) == ["internship.created"]


async def test_create_refused(bot: BotHarness, w: World, others: Others) -> None:
    before = len(await people.by_role(bot.services.db, Role.CLIENT))
    for outsider in (w.employer, w.client, None):
        with pytest.raises(NotAllowed):
            await actions.create(bot.services, outsider, draft())
    # A caseworker cannot give a new internship to someone else's caseload.
    with pytest.raises(NotAllowed):
        await actions.create(bot.services, w.caseworker, draft(caseworker_id=others.bert.id))
    private = await factories.workplace(bot, "Bakkerij Peeters", kind=WorkplaceKind.PRIVATE)
    with pytest.raises(InvalidValue):
        await actions.create(
            bot.services, w.caseworker, draft(new_workplace=None, workplace_id=private.id)
        )
    other_place = await factories.workplace(bot, "Andere Werkplek")
    with pytest.raises(InvalidValue):
        await actions.create(
            bot.services,
            w.caseworker,
            draft(new_workplace=None, workplace_id=other_place.id, contact_id=w.employer.id),
        )
    for start in (date(2026, 11, 28), date(2026, 11, 20)):
        with pytest.raises(InvalidValue):
            await actions.create(bot.services, w.caseworker, draft(start=start))
    # A break longer than three hours, or leaving less than an hour of work, is refused.
    for pause in (181, -1):
        long_break = Schedule(WEEK.days, WEEK.start, WEEK.end, pause)
        with pytest.raises(InvalidValue):
            await actions.create(bot.services, w.caseworker, draft(schedule=long_break))
    short_day = Schedule(WEEK.days, time(9, 0), time(9, 45), 1)
    with pytest.raises(InvalidValue):
        await actions.create(bot.services, w.caseworker, draft(schedule=short_day))
    with pytest.raises(InvalidValue):
        await actions.create(bot.services, w.caseworker, draft(client_name="X"))
    # Nothing of the refused drafts was stored.
    assert len(await people.by_role(bot.services.db, Role.CLIENT)) == before


async def test_a_second_chance_keeps_the_client(bot: BotHarness, w: World, others: Others) -> None:
    await actions.second_chance(bot.services, w.caseworker, w.internship.id)
    place = await factories.workplace(bot, "Sociaal Restaurant De Kade")
    again = draft(previous_id=w.internship.id, new_workplace=None, workplace_id=place.id)
    with pytest.raises(NotAllowed):
        await actions.create(bot.services, others.bert, again)
    created = await actions.create(bot.services, w.caseworker, again)
    assert created.internship.client_id == w.client.id
    # The client is connected already, the contact is new.
    assert [i.person.name for i in created.invitations] == ["Jan Janssens"]
    closing = await caseload.closing(bot.services.db, created.internship.id)
    assert closing.previous_internship_id == w.internship.id


async def test_no_second_internship_after_a_cancelled_one(bot: BotHarness, w: World) -> None:
    await cancelled(bot, w)
    place = await factories.workplace(bot, "Sociaal Restaurant De Kade")
    again = draft(previous_id=w.internship.id, new_workplace=None, workplace_id=place.id)
    with pytest.raises(StaleState):
        await actions.create(bot.services, w.caseworker, again)
    assert await internships.current_for_client(bot.services.db, w.client.id) is None


async def test_the_command_line_and_admins_choose_the_caseworker(
    bot: BotHarness, others: Others
) -> None:
    for actor, name in ((COMMAND_LINE, "Klant Een"), (others.admin, "Klant Twee")):
        created = await actions.create(
            bot.services, actor, draft(caseworker_id=others.bert.id, client_name=name)
        )
        assert created.internship.caseworker_id == others.bert.id
    # The command line must say whose it is.
    with pytest.raises(InvalidValue):
        await actions.create(bot.services, COMMAND_LINE, draft())
