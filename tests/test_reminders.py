"""The one scheduling design: reminder rows, the heartbeat, `werkervaring-bot reminders list`."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.commands import cmd_list
from bot.config import Settings
from bot.notices.evaluations import DUE, HEADS_UP
from bot.services import Services
from bot.store import reminders as store
from bot.store.models import Person, Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser

ROOT = Path(__file__).resolve().parent.parent


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


async def register_test_kinds(bot: BotHarness, chat_of: dict[int, ChatUser]) -> list[str]:
    """Two kinds for these tests, with two people as subjects: "test_hello" greets the
    person; "test_broken" fails until something is appended to the returned list."""
    fixed: list[str] = []
    people: dict[int, Person] = {}
    for name in ("An Peeters", "Bram Wouters"):
        person, chat = await factories.person(bot, Role.CASEWORKER, name)
        people[person.id] = person
        chat_of[person.id] = chat

    async def hello(services: Services, reminder: store.Reminder) -> str | None:
        await services.outbox.message(people[reminder.subject_id], "Hello", kind="reminder")
        return None

    async def broken(services: Services, reminder: store.Reminder) -> str | None:
        if not fixed:
            raise RuntimeError("a bug")
        return await hello(services, reminder)

    bot.services.reminders.register("test_hello", hello)
    bot.services.reminders.register("test_broken", broken)
    return fixed


async def test_a_failing_reminder_blocks_nothing_and_is_retried_at_the_next_tick(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    chats: dict[int, ChatUser] = {}
    fixed = await register_test_kinds(bot, chats)
    first, second = chats
    soon = bot.clock.now() + timedelta(minutes=1)
    later = soon + timedelta(hours=1)
    await bot.services.reminders.plan(bot.services, "test_broken", first, soon, later)
    await bot.services.reminders.plan(bot.services, "test_hello", second, soon, later)

    with caplog.at_level(logging.ERROR, logger="bot.reminders"):
        await bot.advance(timedelta(minutes=1))

    assert chats[second].texts == ["Hello"]
    assert chats[first].texts == []
    assert any("failed; retrying" in r.getMessage() for r in caplog.records)

    fixed.append("fixed")
    await bot.advance(timedelta(seconds=30))
    assert chats[first].texts == ["Hello"]
    await bot.advance(timedelta(hours=2))
    assert chats[first].texts == ["Hello"] and chats[second].texts == ["Hello"]


async def test_many_due_at_once_are_sent_in_batches_each_once(bot: BotHarness) -> None:
    chats: dict[int, ChatUser] = {}
    await register_test_kinds(bot, chats)
    first, second = chats
    start = bot.clock.now()
    for minutes in range(1, 6):
        due = start + timedelta(minutes=minutes)
        for person in (first, second):
            kind = "test_broken" if (minutes, person) == (3, first) else "test_hello"
            await bot.services.reminders.plan(bot.services, kind, person, due, due + timedelta(1))

    bot.clock.set(start + timedelta(minutes=10))
    sent = await bot.services.reminders.dispatch_due(bot.services, limit=3)
    await bot.deliver()

    assert sent == 9
    assert chats[first].texts == ["Hello"] * 4
    assert chats[second].texts == ["Hello"] * 5


async def test_two_heartbeats_at_once_send_a_reminder_once(bot: BotHarness) -> None:
    chats: dict[int, ChatUser] = {}
    await register_test_kinds(bot, chats)
    person = next(iter(chats))
    due = bot.clock.now() + timedelta(minutes=1)
    await bot.services.reminders.plan(bot.services, "test_hello", person, due, due + timedelta(1))

    bot.clock.set(due)
    counts = await asyncio.gather(
        bot.services.reminders.dispatch_due(bot.services),
        bot.services.reminders.dispatch_due(bot.services),
    )
    await bot.deliver()

    assert sorted(counts) == [0, 1]
    assert chats[person].texts == ["Hello"]


async def test_a_cancelled_reminder_planned_again_is_pending_again(bot: BotHarness) -> None:
    chats: dict[int, ChatUser] = {}
    await register_test_kinds(bot, chats)
    person = next(iter(chats))
    due = bot.clock.now() + timedelta(hours=1)
    reminders = bot.services.reminders
    await reminders.plan(bot.services, "test_hello", person, due, due + timedelta(1))
    await reminders.cancel(bot.services, ["test_hello"], person)
    assert [r.status for r in await store.for_subject(bot.services.db, person, ["test_hello"])] == [
        "cancelled"
    ]

    await reminders.plan(bot.services, "test_hello", person, due, due + timedelta(1))
    await bot.advance(timedelta(hours=1))

    assert chats[person].texts == ["Hello"]


async def test_replanning_an_unchanged_internship_keeps_its_reminders(bot: BotHarness) -> None:
    w = await factories.world(bot)
    before = await store.for_subject(bot.services.db, w.internship.id, [HEADS_UP, DUE])

    await bot.services.reminders.replan_internship(bot.services, w.internship.id)

    assert await store.for_subject(bot.services.db, w.internship.id, [HEADS_UP, DUE]) == before
    assert [r.status for r in before] == ["pending", "pending"]


async def test_reminders_list_shows_the_pending_reminders_of_the_next_days(
    bot: BotHarness, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    w = await factories.world(bot)
    bot.clock.set(local(date(2026, 11, 23), 9, 0))

    assert await cmd_list(settings, 17, bot.clock) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Pending reminders due before Thu 2026-12-10 09:00 CET (Europe/Brussels time):"
    )
    assert f"Wed 2026-12-09 14:00 CET  evaluation_heads_up    internship {w.internship.id}" in (
        lines
    )
    assert f"Thu 2026-12-10 08:00 CET  evaluation_due         internship {w.internship.id}" in (
        lines
    )
    assert not any("evaluation_deadline" in line for line in lines)
    assert lines[-1] == f"{len(lines) - 2} reminders."


async def test_reminders_list_flags_what_is_overdue(
    bot: BotHarness, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await factories.world(bot)
    # Nothing ran while the clock moved: the heads-up is overdue.
    bot.clock.set(local(date(2026, 12, 9), 15, 0))

    await cmd_list(settings, 1, bot.clock)

    out = capsys.readouterr().out
    assert "Wed 2026-12-09 14:00 CET  evaluation_heads_up" in out
    assert "(overdue: is the bot running?)" in out


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "TIMEZONE"))
    }
    environment["DATABASE_PATH"] = str(tmp_path / "data" / "werkervaring.sqlite3")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_reminders_list_on_the_command_line(bot: BotHarness, tmp_path: Path) -> None:
    w = await factories.world(bot)

    result = cli(tmp_path, "reminders", "list", "--days", "3650")

    assert result.returncode == 0, result.stderr
    assert f"Wed 2026-12-09 14:00 CET  evaluation_heads_up    internship {w.internship.id}" in (
        result.stdout
    )
    assert "Traceback" not in result.stderr


def test_reminders_list_refuses_a_number_of_days_that_is_not_positive(tmp_path: Path) -> None:
    result = cli(tmp_path, "reminders", "list", "--days", "0")
    assert result.returncode == 2
    assert "not a whole number greater than zero" in result.stderr
    assert "Traceback" not in result.stderr


def test_reminders_list_on_an_empty_database(tmp_path: Path) -> None:
    result = cli(tmp_path, "reminders", "list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 reminders."
