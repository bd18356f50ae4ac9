"""The Thursday evaluation reminders, as the workplace and the caseworker see them.

The world's internship starts Monday 30 November 2026 (full time, 9 workdays), so
the evaluation is due Thursday 10 December before 12:00: heads-up Wednesday 9 at
14:00, "due this morning" Thursday 10 at 08:00, what is still missing at 12:00.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta

import pytest

from bot.clock import FakeClock, to_db
from bot.config import ReminderTimes, Settings
from bot.notices.evaluations import DEADLINE, DUE, HEADS_UP, KINDS
from bot.store import evaluations, hours, internships
from bot.store import reminders as reminder_store
from bot.store.models import Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser

HEADS_UP_TEXT = "⏰ Herinnering: de evaluatie van de stage van Samir El Amrani"
DUE_TEXT = "📝 Vandaag vóór 12:00: de evaluatie van de stage van Samir El Amrani."
DEADLINE_TEXT = "⚠️ De evaluatie van de stage van Samir El Amrani moest vandaag vóór 12:00"
CASEWORKER_TEXT = "⚠️ Kringwinkel Zuid heeft nog niet alles bezorgd voor de stage van Samir"
HOURS_LINE = "• de exacte stage-uren"
EVALUATION_LINE = "• de evaluatie (resultaat en formulier)"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


WED = date(2026, 12, 9)
THU = date(2026, 12, 10)


async def submit_hours(bot: BotHarness, w: factories.World) -> None:
    await hours.add_version(
        bot.services.db, w.internship.id, w.employer.id, bot.clock.now(), 9 * 8 * 60, None
    )


async def submit_evaluation(bot: BotHarness, w: factories.World, submit: bool = True) -> None:
    draft = evaluations.Evaluation(internship_id=w.internship.id)
    await evaluations.save_draft(bot.services.db, draft, bot.clock.now())
    if submit:
        await evaluations.submit(bot.services.db, w.internship.id, w.employer.id, bot.clock.now())


async def run_until(bot: BotHarness, end: datetime) -> None:
    """Keep the bot running until `end`: a tick at every moment a reminder becomes due."""
    while True:
        due = await reminder_store.next_due_at(bot.services.db)
        if due is None or due > end or due <= bot.clock.now():
            break
        await bot.advance_to(due)
    await bot.advance_to(end)


def evaluation_texts(chat: ChatUser) -> list[str]:
    """What one person got about evaluations (not, say, the first-day messages)."""
    return [text for text in chat.texts if "evaluat" in text.lower()]


async def evaluation_history(bot: BotHarness, internship_id: int) -> list[reminder_store.Reminder]:
    history = await bot.services.reminders.history(bot.services, internship_id)
    return [r for r in history if r.kind in KINDS]


async def statuses(bot: BotHarness, internship_id: int) -> dict[str, tuple[str, str]]:
    """Per kind, the (status, note) of its newest non-cancelled reminder."""
    rows = await reminder_store.for_subject(bot.services.db, internship_id, KINDS)
    return {r.kind: (r.status, r.note) for r in rows if r.status != "cancelled"}


@pytest.fixture
async def world(bot: BotHarness) -> factories.World:
    return await factories.world(bot)


async def test_heads_up_the_workday_before_at_two_with_buttons_for_hours_and_evaluation(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(WED, 13, 59))
    assert evaluation_texts(world.employer_chat) == []

    await run_until(bot, local(WED, 14, 0))
    heads_up = world.employer_chat.last
    assert heads_up.text.startswith(HEADS_UP_TEXT)
    assert "donderdag 10 december 2026, vóór 12:00" in heads_up.text
    assert HOURS_LINE in heads_up.text and EVALUATION_LINE in heads_up.text
    assert heads_up.button_labels == ["⏱ Uren doorgeven", "📝 Evaluatie invullen"]
    assert [b["callback_data"] for b in heads_up.inline_buttons] == [
        f"hours:start:{world.internship.id}",
        f"eval:start:{world.internship.id}",
    ]
    assert evaluation_texts(world.caseworker_chat) == []
    assert evaluation_texts(world.client_chat) == []


async def test_due_this_morning_at_eight(bot: BotHarness, world: factories.World) -> None:
    await run_until(bot, local(THU, 7, 59))
    assert len(evaluation_texts(world.employer_chat)) == 1

    await run_until(bot, local(THU, 8, 0))
    assert len(evaluation_texts(world.employer_chat)) == 2
    assert world.employer_chat.last_text.startswith(DUE_TEXT)
    assert [b["callback_data"] for b in world.employer_chat.last.inline_buttons] == [
        f"hours:start:{world.internship.id}",
        f"eval:start:{world.internship.id}",
    ]


async def test_what_is_missing_at_noon_goes_to_employer_and_caseworker(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(WED, 14, 0))
    await run_until(bot, local(THU, 9, 0))
    await submit_hours(bot, world)

    await run_until(bot, local(THU, 11, 59))
    assert evaluation_texts(world.caseworker_chat) == []

    await run_until(bot, local(THU, 12, 0))
    second = world.employer_chat.last
    assert second.text.startswith(DEADLINE_TEXT)
    assert EVALUATION_LINE in second.text and HOURS_LINE not in second.text
    assert second.button_labels == ["📝 Evaluatie invullen"]
    told = world.caseworker_chat.last
    assert told.text.startswith(CASEWORKER_TEXT)
    assert EVALUATION_LINE in told.text and HOURS_LINE not in told.text
    assert f"cw:open:{world.internship.id}" in [b["callback_data"] for b in told.inline_buttons]

    # Nothing more afterwards.
    await run_until(bot, local(date(2026, 12, 14), 12, 0))
    assert len(evaluation_texts(world.employer_chat)) == 3
    assert len(evaluation_texts(world.caseworker_chat)) == 1


async def test_nothing_is_sent_once_hours_and_evaluation_are_in(
    bot: BotHarness, world: factories.World
) -> None:
    await submit_hours(bot, world)
    await submit_evaluation(bot, world)

    await run_until(bot, local(date(2026, 12, 11), 9, 0))

    assert evaluation_texts(world.employer_chat) == []
    assert evaluation_texts(world.caseworker_chat) == []
    assert await statuses(bot, world.internship.id) == {
        HEADS_UP: ("skipped", "already submitted"),
        DUE: ("skipped", "already submitted"),
        DEADLINE: ("skipped", "already submitted"),
    }


async def test_a_draft_evaluation_is_not_submitted(bot: BotHarness, world: factories.World) -> None:
    await submit_hours(bot, world)
    await submit_evaluation(bot, world, submit=False)

    await run_until(bot, local(WED, 14, 0))

    text = world.employer_chat.last_text
    assert EVALUATION_LINE in text and HOURS_LINE not in text
    assert world.employer_chat.last.button_labels == ["📝 Evaluatie invullen"]


async def test_submitting_after_the_heads_up_stops_the_later_reminders(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(WED, 14, 0))
    await submit_hours(bot, world)
    await submit_evaluation(bot, world)

    await run_until(bot, local(THU, 23, 0))

    assert len(evaluation_texts(world.employer_chat)) == 1
    assert evaluation_texts(world.caseworker_chat) == []


async def test_each_contact_gets_it_in_their_own_language(bot: BotHarness) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    _, dutch = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens", workplace=place)
    _, french = await factories.person(bot, Role.EMPLOYER, "Luc Dubois", "fr", workplace=place)
    client, _ = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    # No contact of its own: every contact of the workplace is reminded.
    await factories.internship(bot, client, place, caseworker, start=date(2026, 11, 30))

    await run_until(bot, local(WED, 14, 0))

    assert dutch.last_text.startswith(HEADS_UP_TEXT)
    assert french.last_text.startswith(
        "⏰ Rappel : l'évaluation du stage de Samir El Amrani est attendue le jeudi 10 décembre"
    )
    assert french.last.button_labels == ["⏱ Envoyer les heures", "📝 Remplir l'évaluation"]


async def test_when_the_contact_cannot_be_reached_the_caseworker_still_hears_at_noon(
    bot: BotHarness,
) -> None:
    caseworker, caseworker_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    client, _ = await factories.person(bot, Role.CLIENT, "Samir El Amrani")
    internship = await factories.internship(bot, client, place, caseworker)

    await run_until(bot, local(THU, 12, 0))

    assert caseworker_chat.last_text.startswith(CASEWORKER_TEXT)
    assert await statuses(bot, internship.id) == {
        HEADS_UP: ("skipped", "nobody reachable on Telegram"),
        DUE: ("skipped", "nobody reachable on Telegram"),
        DEADLINE: ("sent", ""),
    }


async def test_an_extension_moves_the_reminders_to_the_new_due_day(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(date(2026, 12, 7), 10, 0))
    # Sick for a week: extended by five workdays, so due Thursday 17 December.
    await internships.extend(bot.services.db, world.internship.id, 5, bot.clock.now(), expected=0)
    await bot.services.reminders.replan_internship(bot.services, world.internship.id)

    await run_until(bot, local(date(2026, 12, 15), 23, 0))
    assert evaluation_texts(world.employer_chat) == []

    await run_until(bot, local(date(2026, 12, 16), 14, 0))
    assert "donderdag 17 december 2026" in world.employer_chat.last_text
    history = await evaluation_history(bot, world.internship.id)
    assert [(r.kind, r.due_at, r.status) for r in history] == [
        (HEADS_UP, local(date(2026, 12, 16), 14), "sent"),
        (DUE, local(date(2026, 12, 17), 8), "pending"),
        (DEADLINE, local(date(2026, 12, 17), 12), "pending"),
    ]


async def test_an_extension_after_the_heads_up_reminds_again_for_the_new_day(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(WED, 15, 0))
    assert len(evaluation_texts(world.employer_chat)) == 1
    await internships.extend(bot.services.db, world.internship.id, 5, bot.clock.now(), expected=0)
    await bot.services.reminders.replan_internship(bot.services, world.internship.id)

    await run_until(bot, local(date(2026, 12, 17), 8, 0))

    assert len(evaluation_texts(world.employer_chat)) == 3
    assert "donderdag 17 december 2026" in evaluation_texts(world.employer_chat)[1]


async def test_a_cancelled_internship_gets_no_reminders(
    bot: BotHarness, world: factories.World
) -> None:
    await internships.cancel(bot.services.db, world.internship.id, bot.clock.now())
    await bot.services.reminders.replan_internship(bot.services, world.internship.id)

    await run_until(bot, local(date(2026, 12, 11), 9, 0))

    assert evaluation_texts(world.employer_chat) == []
    assert evaluation_texts(world.caseworker_chat) == []
    assert await evaluation_history(bot, world.internship.id) == []


async def test_a_change_without_a_replan_is_still_respected(
    bot: BotHarness, world: factories.World
) -> None:
    # The internship is cancelled, but nobody asked for a replan.
    await internships.cancel(bot.services.db, world.internship.id, bot.clock.now())

    await run_until(bot, local(date(2026, 12, 11), 9, 0))

    assert evaluation_texts(world.employer_chat) == []
    assert await evaluation_history(bot, world.internship.id) == []


async def test_a_new_start_date_moves_the_reminders(
    bot: BotHarness, world: factories.World
) -> None:
    await internships.move_start(
        bot.services.db, world.internship.id, date(2027, 1, 11), bot.clock.now()
    )
    await bot.services.reminders.replan_internship(bot.services, world.internship.id)

    await run_until(bot, local(date(2026, 12, 11), 9, 0))
    assert evaluation_texts(world.employer_chat) == []

    await run_until(bot, local(date(2027, 1, 20), 14, 0))
    assert "donderdag 21 januari 2027" in world.employer_chat.last_text


async def test_ascension_thursday_moves_everything_a_day_earlier(bot: BotHarness) -> None:
    w = await factories.world(bot, start=date(2027, 4, 26))
    # Due Wednesday 5 May 2027 (Thursday 6 is Ascension): heads-up Tuesday 4 May.
    await run_until(bot, local(date(2027, 5, 4), 13, 59))
    assert evaluation_texts(w.employer_chat) == []
    await run_until(bot, local(date(2027, 5, 4), 14, 0))
    assert "woensdag 5 mei 2027" in w.employer_chat.last_text
    await run_until(bot, local(date(2027, 5, 5), 8, 0))
    assert w.employer_chat.last_text.startswith(DUE_TEXT)


async def test_spring_forward_week_reminders_at_local_wall_clock_times(bot: BotHarness) -> None:
    # Summer time starts Sunday 28 March 2027 (and Monday 29 is Easter Monday): the
    # internship from Monday 22 March is due Thursday 1 April, planned in winter time.
    w = await factories.world(bot, start=date(2027, 3, 22))
    history = await evaluation_history(bot, w.internship.id)
    assert [to_db(r.due_at) for r in history] == [
        "2027-03-31T12:00:00+00:00",  # 14:00 CEST
        "2027-04-01T06:00:00+00:00",  # 08:00 CEST
        "2027-04-01T10:00:00+00:00",  # 12:00 CEST
    ]

    await run_until(bot, local(date(2027, 3, 31), 13, 59))
    assert evaluation_texts(w.employer_chat) == []
    await run_until(bot, local(date(2027, 3, 31), 14, 0))
    assert "donderdag 1 april 2027" in w.employer_chat.last_text
    await run_until(bot, local(date(2027, 4, 1), 7, 59))
    assert len(evaluation_texts(w.employer_chat)) == 1
    await run_until(bot, local(date(2027, 4, 1), 8, 0))
    assert w.employer_chat.last_text.startswith(DUE_TEXT)
    await run_until(bot, local(date(2027, 4, 1), 11, 59))
    assert evaluation_texts(w.caseworker_chat) == []
    await run_until(bot, local(date(2027, 4, 1), 12, 0))
    assert w.caseworker_chat.last_text.startswith(CASEWORKER_TEXT)


async def test_fall_back_week_planned_in_summer_time_sent_in_winter_time(
    bot: BotHarness,
) -> None:
    # Planned on 20 October 2027 (summer time); winter time starts Sunday 31 October.
    # From Monday 25 October, All Saints skipped: due Thursday 4 November.
    await run_until(bot, local(date(2027, 10, 20), 10, 0))
    w = await factories.world(bot, start=date(2027, 10, 25))

    await run_until(bot, local(date(2027, 11, 3), 13, 59))
    assert evaluation_texts(w.employer_chat) == []
    await run_until(bot, local(date(2027, 11, 3), 14, 0))
    assert "donderdag 4 november 2027" in w.employer_chat.last_text
    await run_until(bot, local(date(2027, 11, 4), 7, 59))
    assert len(evaluation_texts(w.employer_chat)) == 1
    await run_until(bot, local(date(2027, 11, 4), 8, 0))
    assert w.employer_chat.last_text.startswith(DUE_TEXT)


# Restarts: stop the application, start a new one on the same database file and clock.


@pytest.fixture
async def harnesses(settings: Settings, clock: FakeClock) -> AsyncIterator[list[BotHarness]]:
    """Started harnesses, stopped at the end; the last one is the running bot."""
    running = [await BotHarness.start(settings, clock)]
    yield running
    await running[-1].stop()


async def restart(running: list[BotHarness], settings: Settings, at: datetime | None) -> None:
    """Stop the bot; start it again at `at` (the clock moves while it is down)."""
    await running[-1].stop()
    if at is not None:
        running[-1].clock.set(at)
    running.append(await BotHarness.start(settings, running[-1].clock))
    await running[-1].tick()


def seen_by(running: list[BotHarness], chat: ChatUser) -> list[str]:
    """Every message one person got, from every run of the bot."""
    texts = [m.text for h in running for m in h.fake.sent_to(chat.id)]
    return [text for text in texts if "evaluat" in text.lower()]


RESTART_MOMENTS = [
    local(date(2026, 12, 8), 12, 0),
    local(WED, 13, 59),
    local(WED, 14, 0),
    local(WED, 14, 1),
    local(THU, 8, 0),
    local(THU, 11, 59),
    local(THU, 12, 0),
    local(THU, 18, 0),
]


@pytest.mark.parametrize("moment", RESTART_MOMENTS, ids=lambda m: m.strftime("%a-%H%M"))
async def test_a_restart_at_any_moment_sends_each_reminder_once(
    harnesses: list[BotHarness], settings: Settings, moment: datetime
) -> None:
    w = await factories.world(harnesses[0])
    await run_until(harnesses[-1], moment)

    await restart(harnesses, settings, at=None)
    await run_until(harnesses[-1], local(date(2026, 12, 11), 9, 0))

    employer = seen_by(harnesses, w.employer_chat)
    assert len(employer) == 3
    assert employer[0].startswith(HEADS_UP_TEXT)
    assert employer[1].startswith(DUE_TEXT)
    assert employer[2].startswith(DEADLINE_TEXT)
    assert len(seen_by(harnesses, w.caseworker_chat)) == 1


async def test_a_restart_right_after_sending_does_not_send_again(
    harnesses: list[BotHarness], settings: Settings
) -> None:
    w = await factories.world(harnesses[0])
    # The reminder is stored with its message, but the bot stops before delivering it.
    harnesses[-1].clock.set(local(WED, 14, 0))
    await harnesses[-1].services.reminders.dispatch_due(harnesses[-1].services)

    await restart(harnesses, settings, at=local(WED, 14, 1))
    await harnesses[-1].tick()

    employer = seen_by(harnesses, w.employer_chat)
    assert len(employer) == 1 and employer[0].startswith(HEADS_UP_TEXT)


async def test_a_missed_heads_up_is_sent_late_until_the_due_morning(
    harnesses: list[BotHarness], settings: Settings
) -> None:
    w = await factories.world(harnesses[0])
    await run_until(harnesses[-1], local(WED, 12, 0))

    await restart(harnesses, settings, at=local(THU, 7, 30))

    assert seen_by(harnesses, w.employer_chat)[0].startswith(HEADS_UP_TEXT)


async def test_a_missed_reminder_that_is_no_longer_useful_is_skipped_and_logged(
    harnesses: list[BotHarness], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    w = await factories.world(harnesses[0])
    await run_until(harnesses[-1], local(WED, 12, 0))

    with caplog.at_level(logging.WARNING, logger="bot.reminders"):
        await restart(harnesses, settings, at=local(THU, 9, 30))

    employer = seen_by(harnesses, w.employer_chat)
    assert len(employer) == 1 and employer[0].startswith(DUE_TEXT)
    assert await statuses(harnesses[-1], w.internship.id) == {
        HEADS_UP: ("skipped", "expired"),
        DUE: ("sent", ""),
        DEADLINE: ("pending", ""),
    }
    assert any("Skipped reminder" in r.getMessage() for r in caplog.records)


async def test_down_all_due_day_morning_only_the_noon_reminder_is_sent_late(
    harnesses: list[BotHarness], settings: Settings
) -> None:
    w = await factories.world(harnesses[0])
    await run_until(harnesses[-1], local(WED, 12, 0))

    await restart(harnesses, settings, at=local(THU, 16, 0))

    employer = seen_by(harnesses, w.employer_chat)
    assert len(employer) == 1 and employer[0].startswith(DEADLINE_TEXT)
    assert seen_by(harnesses, w.caseworker_chat)[0].startswith(CASEWORKER_TEXT)

    await restart(harnesses, settings, at=local(date(2026, 12, 12), 9, 0))
    assert len(seen_by(harnesses, w.employer_chat)) == 1


async def test_new_reminder_times_after_a_restart_move_what_was_not_sent_yet(
    harnesses: list[BotHarness], settings: Settings
) -> None:
    w = await factories.world(harnesses[0])
    await run_until(harnesses[-1], local(THU, 8, 30))
    assert len(seen_by(harnesses, w.employer_chat)) == 2

    # Redeployed with "due" at 09:00 and the deadline at 11:00.
    later = Settings(
        token=settings.token,
        database_path=settings.database_path,
        bot_username=settings.bot_username,
        reminder_times=ReminderTimes(evaluation_due=time(9, 0), evaluation_deadline=time(11, 0)),
    )
    await restart(harnesses, later, at=local(THU, 9, 0))
    # The due-morning reminder went out already today: not again at 09:00.
    assert len(seen_by(harnesses, w.employer_chat)) == 2

    await run_until(harnesses[-1], local(THU, 10, 59))
    assert seen_by(harnesses, w.caseworker_chat) == []
    await run_until(harnesses[-1], local(THU, 11, 0))
    assert seen_by(harnesses, w.employer_chat)[-1].startswith(
        "⚠️ De evaluatie van de stage van Samir El Amrani moest vandaag vóór 11:00"
    )
    assert len(seen_by(harnesses, w.employer_chat)) == 3


async def test_caseworker_sees_which_reminders_were_sent_when(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(WED, 14, 0))
    await submit_hours(bot, world)
    await submit_evaluation(bot, world)
    await run_until(bot, local(THU, 8, 0))

    history = await evaluation_history(bot, world.internship.id)
    assert [(r.kind, r.status, r.done_at) for r in history] == [
        (HEADS_UP, "sent", local(WED, 14, 0)),
        (DUE, "skipped", local(THU, 8, 0)),
        (DEADLINE, "pending", None),
    ]
    t = bot.services.i18n.translator("nl")
    assert [t.plain(bot.services.reminders.label(r.kind)) for r in history] == [
        "Evaluatie: herinnering de werkdag ervoor",
        "Evaluatie: herinnering op de ochtend zelf",
        "Evaluatie: nog niet binnen op de deadline",
    ]


async def test_replanning_never_sends_a_sent_reminder_again(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await run_until(bot, local(WED, 14, 0))
    # A replan for another reason plans the same reminders again.
    await bot.services.reminders.replan_internship(bot.services, w.internship.id)
    await bot.advance(timedelta(minutes=5))
    assert len(evaluation_texts(w.employer_chat)) == 1


async def test_the_reminder_buttons_open_the_hours_and_evaluation_flows(
    bot: BotHarness, world: factories.World
) -> None:
    await run_until(bot, local(WED, 14, 0))
    reminder = world.employer_chat.last

    opened_hours = await world.employer_chat.press_data(
        f"hours:start:{world.internship.id}", reminder
    )
    await world.employer_chat.send("/cancel")
    opened_evaluation = await world.employer_chat.press_data(
        f"eval:start:{world.internship.id}", reminder
    )

    assert "de uren van Samir El Amrani" in opened_hours[0].text
    assert opened_evaluation[0].text.startswith("📝 Evaluatie van Samir El Amrani.")
