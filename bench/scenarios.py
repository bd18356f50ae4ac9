"""The benchmark scenarios; each prints one JSON line of figures (run by bench/__main__.py)."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import seed
from bench.echo import measure_buttons, measure_echo
from bench.stats import percentile
from bench.timed import EnforcingTelegram, RealTimeHarness, ShiftedClock, TimedHarness
from bot.app import build_application
from bot.clock import FakeClock, to_db
from bot.config import Settings
from bot.db import Database
from bot.runner import keep_to_one_core
from bot.services import open_services
from bot.store import outbox
from bot.store.models import Role
from tests import factories
from tests.harness import BOT_USERNAME, TEST_TOKEN, ChatUser

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Monday inside the benchmark internships, before the workday starts.
MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=BRUSSELS)
MONDAY = MONDAY_MORNING.date()
# The evaluation of internships starting that Monday is due on Thursday 10 December.
THURSDAY_EVALUATION = datetime(2026, 12, 10, 8, 0, tzinfo=BRUSSELS)
# One employer submitting hours for every this many clients reporting sick.
EMPLOYER_SHARE = 5
Step = Callable[[], Awaitable[object]]


def settings_in(folder: str) -> Settings:
    return Settings(
        token=TEST_TOKEN, database_path=Path(folder) / "bench.sqlite3", bot_username=BOT_USERNAME
    )


# Variants of the bare bot: echo, answering presses, answering presses exactly once.
ECHO, BUTTONS, BUTTONS_ONCE = 0, 1, 2


async def echo(updates: int, variant: int = ECHO) -> dict[str, float]:
    """The bare echo bot (one Bot API call per update), or the bare bot answering presses
    as the conversations do (three), or that bot recording each update in the database."""
    users = max(1, updates // 6)
    if variant == ECHO:
        timings = await measure_echo(updates, users)
    elif variant == BUTTONS:
        timings = await measure_buttons(updates, users)
    else:
        with tempfile.TemporaryDirectory() as folder:
            db = await Database.open(Path(folder) / "bench.sqlite3")
            try:
                timings = await measure_buttons(updates, users, db)
            finally:
                await db.close()
    return {"updates_per_s": len(timings) / sum(timings), "p99_ms": percentile(timings, 0.99) * 1e3}


def client_steps(client: ChatUser) -> list[Step]:
    """A complete sick report, tap by tap, as a client does it (tests/test_sick_report.py)."""
    return [
        lambda: client.send("🤒 Ik ben ziek"),
        lambda: client.press("Vandaag"),
        lambda: client.press("1 dag"),
        lambda: client.press("✅ Ik ben bij de dokter geweest"),
        lambda: client.press("✅ Ja, versturen"),
    ]


def employer_steps(employer: ChatUser) -> list[Step]:
    """Hours per day for one trainee: one tap per normal day (tests/test_hours.py)."""
    return [
        lambda: employer.send("⏱ Stage-uren"),
        lambda: employer.press("📅 Per dag"),
        *[lambda: employer.press("✅ 8u00") for _ in range(9)],
        lambda: employer.press("✅ Bevestigen en versturen"),
    ]


async def populate(h: TimedHarness, clients: int, employers: int | None = None) -> list[list[Step]]:
    """Clients in running internships, each with the steps of a full sick report, and
    employers (one trainee each, at their own workplace) with the steps of their hours."""
    if employers is None:
        employers = clients // EMPLOYER_SHARE
    caseworker, _ = await factories.person(h, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(h)
    contact, _ = await factories.person(h, Role.EMPLOYER, "Mieke Janssens", workplace=place)
    scripts = []
    for n in range(clients):
        client, chat = await factories.person(h, Role.CLIENT, f"Klant {n}")
        await factories.internship(h, client, place, caseworker, contact, start=MONDAY)
        scripts.append(client_steps(chat))
    for n in range(employers):
        own_place = await factories.workplace(h, f"Werkplaats {n}")
        mentor, chat = await factories.person(h, Role.EMPLOYER, f"Mentor {n}", workplace=own_place)
        trainee, _ = await factories.person(h, Role.CLIENT, f"Stagiair {n}")
        await factories.internship(h, trainee, own_place, caseworker, mentor, start=MONDAY)
        scripts.append(employer_steps(chat))
    return scripts


async def conversation(
    clients: int, past: int, harness: type[TimedHarness] = TimedHarness
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        h = await harness.start(settings_in(folder), FakeClock(MONDAY_MORNING))
        try:
            if past:
                await seed.past_internships(h.services.db, past, to_db(MONDAY_MORNING))
            scripts = await populate(h, clients)
            h.start_timing()
            started = time.perf_counter()
            # Round robin: every client is in the middle of a conversation at once.
            for step in range(max(len(s) for s in scripts)):
                for script in scripts:
                    if step < len(script):
                        await script[step]()
                await h.deliver()
            wall = time.perf_counter() - started
        finally:
            await h.stop()
    timings = h.timings
    return {
        "updates_per_s": len(timings) / sum(timings),
        "wall_updates_per_s": len(timings) / wall,
        "mean_ms": sum(timings) / len(timings) * 1e3,
        "p50_ms": percentile(timings, 0.5) * 1e3,
        "p99_ms": percentile(timings, 0.99) * 1e3,
        "updates": len(timings),
        "api_calls_per_update": h.api_calls / len(timings),
    }


async def fanout(internships: int) -> dict[str, float]:
    """Evaluation reminders for many internships due the same Thursday morning, delivered
    by the outbox to a fake Bot API that answers 429 above 30 messages a second.

    The clock runs in real time, so the outbox keeps to Telegram's limits exactly as in
    production (`bot.limits`: the overall rate, per-chat pacing, lanes).
    """
    with tempfile.TemporaryDirectory() as folder:
        clock = ShiftedClock(MONDAY_MORNING)
        services = await open_services(settings_in(folder), clock)
        fake = EnforcingTelegram(limit=30)
        app = build_application(services, request=fake, get_updates_request=fake)
        await app.initialize()
        try:
            h = RealTimeHarness(services, app, fake)
            caseworker, _ = await factories.person(h, Role.CASEWORKER, "An Peeters")
            for n in range(internships):
                place = await factories.workplace(h, f"Werkplaats {n}")
                contact, _ = await factories.person(
                    h, Role.EMPLOYER, f"Mentor {n}", workplace=place
                )
                client, _ = await factories.person(h, Role.CLIENT, f"Klant {n}")
                await factories.internship(h, client, place, caseworker, contact, start=MONDAY)
            # The heads-ups went out on Wednesday afternoon; the bot has been running since
            # (its start-up replanning is behind it) and its outbox is empty.
            await services.db.execute(
                "UPDATE reminders SET status = 'sent', done_at = ? WHERE kind = ?",
                (to_db(THURSDAY_EVALUATION - timedelta(hours=18)), "evaluation_heads_up"),
            )
            clock.set(THURSDAY_EVALUATION - timedelta(minutes=1))
            await services.reminders.dispatch_due(services)
            await services.db.execute("UPDATE outbox SET status = 'sent' WHERE status = 'pending'")

            clock.set(THURSDAY_EVALUATION)
            started = time.perf_counter()
            queued = await services.reminders.dispatch_due(services)
            compute = time.perf_counter() - started
            started = time.perf_counter()
            while (await outbox.count_by_status(services.db)).get("pending", 0):
                await services.outbox.drain(app.bot)
                await asyncio.sleep(0.01)
            deliver = time.perf_counter() - started
            failed = (await outbox.count_by_status(services.db)).get("failed", 0)
        finally:
            await app.shutdown()
            await services.db.close()
    return {
        "compute_s": compute,
        "queued": queued,
        "delivered": fake.delivered,
        "deliver_s": deliver,
        "rate_per_s": fake.delivered / deliver if deliver else 0.0,
        "retry_after": fake.retry_afters,
        "failed": failed,
    }


async def memory(active: int, in_progress: int) -> dict[str, float]:
    """Peak RSS with many active internships and conversations halfway."""
    with tempfile.TemporaryDirectory() as folder:
        h = await TimedHarness.start(settings_in(folder), FakeClock(MONDAY_MORNING))
        try:
            scripts = await populate(h, active, employers=0)
            for script in scripts[:in_progress]:
                for step in script[:3]:
                    await step()
        finally:
            await h.stop()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"peak_rss_mb": peak_kb / 1024}


SCENARIOS = {"echo": echo, "conversation": conversation, "fanout": fanout, "memory": memory}

if __name__ == "__main__":
    name, *numbers = sys.argv[1:]
    # As `werkervaring-bot run` does by default (ONE_CORE), the echo bot included.
    keep_to_one_core()
    figures = asyncio.run(SCENARIOS[name](*(int(n) for n in numbers)))  # type: ignore[operator]
    print(json.dumps(figures))
