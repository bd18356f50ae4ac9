"""The hours actions, called directly (no Telegram): who may, when, and what is stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.actions import hours as actions
from bot.actions.hours import Draft
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    NotAllowed,
    NotFound,
    OutsideInternship,
    StaleState,
)
from bot.clock import to_db
from bot.store import hours, internships
from bot.store.models import Person, Role
from bot.workdays import internship_days
from tests import factories
from tests.factories import World
from tests.harness import BotHarness

EIGHT_HOURS = 8 * 60


@pytest.fixture
async def w(bot: BotHarness) -> World:
    return await factories.world(bot)


def every_day(w: World, minutes: int = EIGHT_HOURS) -> dict[date, int]:
    return dict.fromkeys(internship_days(w.internship), minutes)


async def audit_actions(bot: BotHarness) -> list[str]:
    rows = await bot.services.db.fetchall("SELECT action FROM audit_log ORDER BY id")
    return [row["action"] for row in rows]


async def lock(bot: BotHarness, w: World) -> None:
    await bot.services.db.execute(
        "INSERT INTO hours_locks (internship_id, locked_by, locked_at) VALUES (?, ?, ?)",
        (w.internship.id, w.caseworker.id, to_db(bot.clock.now())),
    )


async def nothing_stored(bot: BotHarness, w: World) -> None:
    assert await hours.history(bot.services.db, w.internship.id) == []
    assert "hours.submitted" not in await audit_actions(bot)
    await bot.deliver()
    assert w.caseworker_chat.inbox == []


# Submitting


async def test_the_hours_per_day_are_a_version_and_the_caseworker_hears(
    bot: BotHarness, w: World
) -> None:
    sent = await actions.submit(bot.services, w.employer, w.internship.id, per_day=every_day(w))

    assert sent.previous is None and sent.caseworker_told
    stored = await hours.latest(bot.services.db, w.internship.id)
    assert stored == sent.submission
    assert (stored.version, stored.total_minutes, stored.submitted_by) == (
        1,
        9 * EIGHT_HOURS,
        w.employer.id,
    )
    assert stored.per_day == every_day(w)
    assert stored.submitted_at == bot.clock.now()
    assert await audit_actions(bot) == ["hours.submitted"]
    await bot.deliver()
    assert w.caseworker_chat.last_text.startswith(
        "⏱ Stage-uren van Samir El Amrani bij Kringwinkel Zuid: <b>72u00</b>"
    )
    assert "ma 30 nov: 8u00" in w.caseworker_chat.last_text


async def test_a_correction_in_total_is_the_next_version(bot: BotHarness, w: World) -> None:
    first = await actions.submit(bot.services, w.employer, w.internship.id, per_day=every_day(w))
    bot.clock.advance(timedelta(days=1))
    colleague, _ = await factories.person(bot, Role.EMPLOYER, "Jan Claes", workplace=w.workplace)

    second = await actions.submit(bot.services, colleague, w.internship.id, 70 * 60)

    assert second.previous == first.submission
    history = await hours.history(bot.services.db, w.internship.id)
    assert [(h.version, h.total_minutes, h.submitted_by, h.per_day) for h in history] == [
        (1, 72 * 60, w.employer.id, every_day(w)),
        (2, 70 * 60, colleague.id, None),
    ]
    await bot.deliver()
    assert "Dit is een verbetering: versie 1 zei 72u00." in w.caseworker_chat.last_text


async def test_the_hours_of_another_workplace_or_by_another_role_are_refused(
    bot: BotHarness, w: World
) -> None:
    place = await factories.workplace(bot, "Sociaal Restaurant Noord")
    other, _ = await factories.person(bot, Role.EMPLOYER, "Els Maes", workplace=place)
    without_workplace, _ = await factories.person(bot, Role.EMPLOYER, "Zonder Werkplek")
    admin, _ = await factories.person(bot, Role.ADMIN, "Ada Admin")
    refused: list[Person] = [other, without_workplace, w.client, w.caseworker, admin]
    for person in refused:
        with pytest.raises(NotAllowed):
            await actions.submit(bot.services, person, w.internship.id, 72 * 60)
        with pytest.raises(NotAllowed):
            await actions.sheet(bot.services, person, w.internship.id)
    with pytest.raises(NotFound):
        await actions.submit(bot.services, w.employer, 999, 72 * 60)
    await nothing_stored(bot, w)


async def test_a_cancelled_internship_takes_no_hours(bot: BotHarness, w: World) -> None:
    await internships.cancel(bot.services.db, w.internship.id, bot.clock.now())

    with pytest.raises(StaleState):
        await actions.submit(bot.services, w.employer, w.internship.id, 72 * 60)
    with pytest.raises(StaleState):
        await actions.sheet(bot.services, w.employer, w.internship.id)
    await nothing_stored(bot, w)


async def test_locked_hours_take_no_new_version(bot: BotHarness, w: World) -> None:
    await lock(bot, w)

    with pytest.raises(AlreadyLocked):
        await actions.submit(bot.services, w.employer, w.internship.id, 72 * 60)
    await nothing_stored(bot, w)
    sheet = await actions.sheet(bot.services, w.employer, w.internship.id)
    assert sheet.locked_by == "An Peeters"


@pytest.mark.parametrize(
    ("total", "per_day"),
    [
        (None, None),
        (72 * 60, {date(2026, 11, 30): 480}),
        (-1, None),
        (9 * 12 * 60 + 1, None),
        (None, {date(2026, 11, 30): 480}),
    ],
    ids=["neither", "both", "negative", "more-than-the-internship-holds", "a-day-missing"],
)
async def test_hours_the_internship_cannot_hold_are_refused(
    bot: BotHarness, w: World, total: int | None, per_day: dict[date, int] | None
) -> None:
    with pytest.raises(InvalidValue):
        await actions.submit(bot.services, w.employer, w.internship.id, total, per_day)
    await nothing_stored(bot, w)


async def test_a_day_of_more_than_twelve_hours_or_outside_the_internship_is_refused(
    bot: BotHarness, w: World
) -> None:
    too_long = {**every_day(w), date(2026, 12, 1): 12 * 60 + 1}
    with pytest.raises(InvalidValue):
        await actions.submit(bot.services, w.employer, w.internship.id, per_day=too_long)
    # A Saturday is none of the internship's days.
    saturday = {**every_day(w), date(2026, 12, 5): 0}
    with pytest.raises(OutsideInternship):
        await actions.submit(bot.services, w.employer, w.internship.id, per_day=saturday)
    await nothing_stored(bot, w)


# What the employer works from


async def test_the_sheet_offers_the_scheduled_hours_and_zero_on_a_sick_day(
    bot: BotHarness, w: World
) -> None:
    await bot.services.db.execute(
        "INSERT INTO sick_reports (internship_id, client_id, reported_at, first_day, "
        "expected_last_day, doctor, status, updated_at) VALUES (?, ?, ?, ?, ?, 'seen', 'open', ?)",
        (
            w.internship.id,
            w.client.id,
            to_db(bot.clock.now()),
            "2026-12-01",
            "2026-12-01",
            to_db(bot.clock.now()),
        ),
    )
    sheet = await actions.sheet(bot.services, w.employer, w.internship.id)

    assert sheet.client_name == "Samir El Amrani" and sheet.locked_by is None
    assert len(sheet.days) == 9 and sheet.scheduled == EIGHT_HOURS
    assert sheet.prefill(date(2026, 11, 30)) == EIGHT_HOURS
    assert sheet.prefill(date(2026, 12, 1)) == 0
    assert sheet.prefill(date(2026, 12, 1), {date(2026, 12, 1): 90}) == 90
    assert sheet.expected_total() == 8 * EIGHT_HOURS
    assert sheet.max_total == 9 * 12 * 60

    # The last version pre-fills the days of a correction.
    await actions.submit(bot.services, w.employer, w.internship.id, per_day=every_day(w, 240))
    corrected = await actions.sheet(bot.services, w.employer, w.internship.id)
    assert corrected.prefill(date(2026, 11, 30)) == 240


def test_a_draft_stored_before_the_states_had_names_still_loads() -> None:
    scratch = {
        "hours": {
            "internship_id": 7,
            "mode": "day",
            "days": {"2026-11-30": 480},
            "index": 1,
            "total": None,
            "editing": False,
        }
    }
    draft = Draft.load(scratch)
    assert draft == Draft(7, days={"2026-11-30": 480}, index=1)
    assert draft.per_day and draft.has_progress and draft.total_minutes() == 480
    draft.save(scratch)
    assert scratch["hours"] == {
        "internship_id": 7,
        "days": {"2026-11-30": 480},
        "index": 1,
        "total": None,
    }
    total = Draft.load({"hours": {"internship_id": 7, "mode": "total", "days": None, "total": 60}})
    assert total is not None and not total.per_day and total.total_minutes() == 60
    assert Draft.load({}) is None
    assert Draft.load({"hours": {"internship_id": "7"}}) is None
