"""Conversations in progress survive the deploy that names their states (migration 0011).

A database at version 10 holds conversation rows as the release before named states
stored them (`bot.persistence`: the conversation's name, the key [chat id, user id],
the state as the JSON of its number) and the scratch data that release kept. Starting
the real bot on it migrates it; the person's next answer, to the question the old
release sent, goes on at the right step.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from telegram.ext import ConversationHandler

from bot.clock import FakeClock
from bot.config import Settings
from bot.db import load_migrations
from bot.store import hours, internships, sick_reports
from bot.store.sick_reports import Doctor
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser

OLD_VERSION = 10
# The harness numbers its users from 100001: the world's caseworker, employer and client.
CASEWORKER, EMPLOYER, CLIENT = 100001, 100002, 100003
# The states of the release before, per conversation: `range(n)`.
OLD_STATES = {
    "accident": 4,
    "appointment": 7,
    "caseload": 3,
    "evaluation": 9,
    "export": 1,
    "hours": 8,
    "late": 1,
    "new_internship": 17,
    "no_show": 2,
    "notification_settings": 2,
    "sick_report": 12,
}

Row = tuple[str, int, int]


def old_database(settings: Settings, rows: list[Row], scratch: dict[int, Any]) -> None:
    """A database at version 10 (migrated as `Database.migrate` does) holding `rows`
    (conversation, user id in a private chat, old number) and `scratch` per user id."""
    path = settings.database_path
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for migration in load_migrations():
            if migration.version <= OLD_VERSION:
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                    f"PRAGMA user_version = {migration.version};\nCOMMIT;"
                )
        assert conn.execute("PRAGMA user_version").fetchone()[0] == OLD_VERSION
        conn.executemany(
            "INSERT INTO conversation_states (name, key, state) VALUES (?, ?, ?)",
            [(name, json.dumps([user, user]), json.dumps(number)) for name, user, number in rows],
        )
        conn.executemany(
            "INSERT INTO user_data (user_id, data) VALUES (?, ?)",
            [(user, json.dumps(data)) for user, data in scratch.items()],
        )
    finally:
        conn.close()


@asynccontextmanager
async def deployed(
    settings: Settings, clock: FakeClock, rows: list[Row], scratch: dict[int, Any] | None = None
) -> AsyncIterator[tuple[BotHarness, factories.World]]:
    """The new release started on that database, and the people the rows belong to."""
    old_database(settings, rows, scratch or {})
    bot = await BotHarness.start(settings, clock)
    try:
        w = await factories.world(bot)
        assert (w.caseworker_chat.id, w.employer_chat.id, w.client_chat.id) == (
            CASEWORKER,
            EMPLOYER,
            CLIENT,
        )
        yield bot, w
    finally:
        await bot.stop()


def shown_before(bot: BotHarness, chat: ChatUser, text: str, buttons: dict[str, str]) -> None:
    """A question the old release sent to `chat`, with its buttons (label: data)."""
    markup = {"inline_keyboard": [[{"text": k, "callback_data": v}] for k, v in buttons.items()]}
    bot.fake.api.call(
        "sendMessage", {"chat_id": chat.id, "text": text, "reply_markup": json.dumps(markup)}, {}
    )


async def rows_of(bot: BotHarness) -> dict[tuple[str, int], object]:
    rows = await bot.services.db.fetchall("SELECT name, key, state FROM conversation_states")
    return {(r["name"], json.loads(r["key"])[1]): json.loads(r["state"]) for r in rows}


async def scratch_of(bot: BotHarness, user: int) -> dict[str, Any]:
    data = await bot.services.db.fetchval("SELECT data FROM user_data WHERE user_id = ?", (user,))
    return json.loads(data) if data else {}


def conversations(bot: BotHarness) -> dict[str, ConversationHandler[Any]]:
    """The application's persistent conversations by name, nested ones included."""
    found: dict[str, ConversationHandler[Any]] = {}
    handlers = [h for group in bot.app.handlers.values() for h in group]
    while handlers:
        handler = handlers.pop()
        if isinstance(handler, ConversationHandler):
            if handler.persistent and handler.name:
                found[handler.name] = handler
            handlers += handler.entry_points + handler.fallbacks
            handlers += [h for step in handler.states.values() for h in step]
    return found


async def test_every_old_step_continues_at_a_step_of_the_new_conversations(
    settings: Settings, clock: FakeClock
) -> None:
    # One person per old step; the steps told apart by their scratch data too.
    rows: list[Row] = []
    scratch: dict[int, Any] = {}
    for name, count in OLD_STATES.items():
        for number in range(count):
            rows.append((name, 200000 + len(rows), number))
    for name, number, data in (
        ("sick_report", 2, {"sick_report": {"mode": "prolong", "report_id": 1}}),
        ("sick_report", 3, {"sick_report": {"mode": "prolong", "report_id": 1}}),
        ("hours", 4, {"hours": {"internship_id": 1, "mode": "day", "editing": True}}),
        ("caseload", 0, {"caseload": {"internship_id": 1}}),
    ):
        user = 200000 + len(rows)
        rows.append((name, user, number))
        scratch[user] = data
    async with deployed(settings, clock, rows, scratch) as (bot, _):
        migrated = await rows_of(bot)
        known = conversations(bot)
        assert len(migrated) == len(rows)
        for (name, user), state in migrated.items():
            assert name in known, (name, user)
            assert state in known[name].states, (name, user, state)
        # Where the number alone does not say the step, the scratch data did.
        assert migrated["sick_longer", 200000 + len(rows) - 4] == "length"
        assert migrated["sick_longer", 200000 + len(rows) - 3] == "length_date"
        assert migrated["hours_entry", 200000 + len(rows) - 2] == "edit_day"
        assert "caseload" not in {name for name, _ in migrated}


async def test_a_sick_report_at_how_long_goes_on_with_the_answer(
    settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    draft = {"sick_report": {"mode": "new", "first_day": "2026-12-01"}}
    async with deployed(settings, clock, [("sick_report", CLIENT, 2)], {CLIENT: draft}) as (
        bot,
        w,
    ):
        samir = w.client_chat
        shown_before(bot, samir, "Hoe lang denk je ziek te zijn?", {"2 dagen": "sick:len:2"})
        await samir.press("2 dagen")
        assert samir.last_text == "Ben je bij een dokter geweest?"
        assert await rows_of(bot) == {("sick_report", CLIENT): "doctor"}
        await samir.press("🩺 Ik ga nog naar de dokter")
        assert "Ziek vanaf: dinsdag 1 december" in samir.last_text
        assert "Tot: woensdag 2 december" in samir.last_text
        await samir.press("✅ Ja, versturen")
        [report] = await sick_reports.open_for_client(bot.services.db, w.client.id)
        assert report.expected_last_day == date(2026, 12, 2)


async def test_sick_longer_at_how_long_goes_on_in_its_own_conversation(
    settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=BRUSSELS))
    draft = {"sick_report": {"mode": "prolong", "report_id": 1, "first_day": "2026-12-01"}}
    async with deployed(settings, clock, [("sick_report", CLIENT, 2)], {CLIENT: draft}) as (
        bot,
        w,
    ):
        report = await sick_reports.create(
            bot.services.db,
            w.client.id,
            w.internship.id,
            date(2026, 12, 1),
            date(2026, 12, 2),
            Doctor.SEEN,
            False,
            clock.now(),
        )
        assert report.id == 1
        assert await rows_of(bot) == {("sick_longer", CLIENT): "length"}
        samir = w.client_chat
        shown_before(bot, samir, "Hoe lang denk je nog ziek te zijn?", {"3 dagen": "sick:len:3"})
        await samir.press("3 dagen")
        # Three workdays more than the two reported: Thursday, Friday and Monday.
        assert samir.last_text == "📅 Tot: maandag 7 december\n\nKlopt dit?"
        await samir.press("✅ Ja, versturen")
        longer = await sick_reports.get(bot.services.db, report.id)
        assert longer is not None and longer.expected_last_day == date(2026, 12, 7)


async def test_hours_entered_mid_week_go_on_with_the_next_day(
    settings: Settings, clock: FakeClock
) -> None:
    draft = {
        "hours": {
            "internship_id": 1,
            "mode": "day",
            "days": {"2026-11-30": 480, "2026-12-01": 480},
            "index": 2,
            "total": None,
            "editing": False,
        }
    }
    async with deployed(settings, clock, [("hours", EMPLOYER, 4)], {EMPLOYER: draft}) as (bot, w):
        assert await rows_of(bot) == {("hours_entry", EMPLOYER): "day"}
        mieke = w.employer_chat
        await mieke.send("7,5")
        assert "Dag 4 van 9: <b>donderdag 3 december 2026</b>" in mieke.last_text
        entered = (await scratch_of(bot, EMPLOYER))["hours"]["days"]
        assert entered == {"2026-11-30": 480, "2026-12-01": 480, "2026-12-02": 450}


async def test_a_day_picked_from_the_summary_goes_back_to_the_summary(
    settings: Settings, clock: FakeClock
) -> None:
    days = [
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-10",
    ]
    draft = {
        "hours": {
            "internship_id": 1,
            "mode": "day",
            "days": dict.fromkeys(days, 480),
            "index": 1,
            "total": None,
            "editing": True,
        }
    }
    async with deployed(settings, clock, [("hours", EMPLOYER, 4)], {EMPLOYER: draft}) as (bot, w):
        mieke = w.employer_chat
        await mieke.send("6")
        assert "<b>Totaal: 70u00</b>" in mieke.last_text
        await mieke.press("✅ Bevestigen en versturen")
        sent = await hours.latest(bot.services.db, w.internship.id)
        assert sent is not None and sent.total_minutes == 70 * 60


async def test_an_evaluation_at_its_first_area_goes_on_in_evaluation_entry(
    settings: Settings, clock: FakeClock
) -> None:
    draft = {"evaluation": {"internship_id": 1, "area": 0}}
    async with deployed(settings, clock, [("evaluation", EMPLOYER, 2)], {EMPLOYER: draft}) as (
        bot,
        w,
    ):
        assert await rows_of(bot) == {("evaluation_entry", EMPLOYER): "area"}
        mieke = w.employer_chat
        shown_before(bot, mieke, "Onderdeel 1 van 7", {"🟢 Goed": "eval:level:0:good"})
        await mieke.press("🟢 Goed")
        assert "Onderdeel 2 van 7" in mieke.last_text


async def test_a_typed_extension_goes_on_with_its_scratch_data_moved(
    settings: Settings, clock: FakeClock
) -> None:
    draft = {"caseload": {"internship_id": 1}}
    async with deployed(settings, clock, [("caseload", CASEWORKER, 0)], {CASEWORKER: draft}) as (
        bot,
        w,
    ):
        assert await rows_of(bot) == {("caseload_extend", CASEWORKER): "days"}
        assert await scratch_of(bot, CASEWORKER) == {"caseload_extend": {"internship_id": 1}}
        an = w.caseworker_chat
        await an.send("5")
        assert "met 5 werkdagen verlengen" in an.last_text
        await an.press("✅ Verlengen")
        extended = await internships.get(bot.services.db, w.internship.id)
        assert extended is not None and extended.extension_workdays == 5


async def test_a_step_that_no_longer_exists_ends_with_the_menu(
    settings: Settings, clock: FakeClock
) -> None:
    # A number the release before never had, and a conversation that is gone.
    rows = [("sick_report", CLIENT, 12), ("caseload", CASEWORKER, 3)]
    async with deployed(settings, clock, rows) as (bot, w):
        assert await rows_of(bot) == {}
        samir = w.client_chat
        await samir.send("hallo")
        assert samir.last_text == "Sorry, dat begreep ik niet. Gebruik de knoppen hieronder."
        assert "🤒 Ik ben ziek" in samir.keyboard
        # The flow starts afresh from the menu.
        await samir.send("🤒 Ik ben ziek")
        assert samir.last_text == "🤒 Sinds wanneer ben je ziek?"
