"""The desk's pages served by the running process while the bot handles updates.

`python -m bench.desk`: the real application (on the fake Bot API transport) and the
real desk on uvicorn in one event loop, as `werkervaring-bot run` has them. One
caseworker with 60 open internships (hours submitted, several sick), one of them with
a long timeline (40 hours versions, 30 sick reports, 100 history entries). While
clients keep the bot busy (each `/internship` is a whole update: gatekeeper, handler,
commit, reply), a browser-like client asks for the caseload page and the long detail
page over real HTTP, one request after the other. Each page's p50 and p95 in
milliseconds, and the updates handled meanwhile, go to stdout and bench/desk.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx

from bench.stats import percentile
from bot.actions import hours as hours_actions
from bot.clock import FakeClock
from bot.config import Settings
from bot.desk.server import DeskServer
from bot.store import audit, sick_reports
from bot.store.models import Role
from tests import factories
from tests.desk_client import link_from_bot
from tests.harness import BOT_USERNAME, TEST_TOKEN, BotHarness, ChatUser

RESULTS = Path(__file__).with_name("desk.json")
BRUSSELS = ZoneInfo("Europe/Brussels")
INTERNSHIPS = 60
REQUESTS = 300
TARGET_P95_MS = 50.0
UPDATES_PER_SECOND = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def seed(h: BotHarness) -> tuple[ChatUser, list[ChatUser], int]:
    caseworker, caseworker_chat = await factories.person(h, Role.CASEWORKER, "An Peeters")
    places = [await factories.workplace(h, f"Werkplek {n}") for n in range(6)]
    employers = [
        (await factories.person(h, Role.EMPLOYER, f"Contact {n}", workplace=place))[0]
        for n, place in enumerate(places)
    ]
    clients: list[ChatUser] = []
    long_id = 0
    for n in range(INTERNSHIPS):
        client, chat = await factories.person(h, Role.CLIENT, f"Cliënt Nummer {n}")
        clients.append(chat)
        place, employer = places[n % 6], employers[n % 6]
        start = date(2026, 11, 16) + timedelta(weeks=n % 3)
        internship = await factories.internship(h, client, place, caseworker, employer, start)
        await hours_actions.submit(h.services, employer, internship.id, total_minutes=60 * n)
        if n % 7 == 0:
            await sick_reports.create(
                h.services.db,
                client.id,
                internship.id,
                start,
                None,
                sick_reports.Doctor.SEEN,
                False,
                h.clock.now(),
            )
        if n == 0:
            long_id = internship.id
            for version in range(40):
                await hours_actions.submit(
                    h.services, employer, internship.id, total_minutes=30 * version
                )
            for day in range(30):
                await sick_reports.create(
                    h.services.db,
                    client.id,
                    internship.id,
                    start + timedelta(days=day),
                    start + timedelta(days=day),
                    sick_reports.Doctor.NO,
                    day % 2 == 0,
                    h.clock.now(),
                )
            for entry in range(100):
                await audit.record(
                    h.services.db,
                    h.clock.now(),
                    caseworker.id,
                    "internship.extended",
                    "internship",
                    internship.id,
                    workdays=entry,
                )
    await h.deliver()
    return caseworker_chat, clients, long_id


async def keep_busy(clients: list[ChatUser], stop: asyncio.Event, per_second: float) -> int:
    """Clients asking the bot for their internship, `per_second` updates a second (about
    what Telegram lets a bot answer: 30 messages a second in all)."""
    handled = 0
    began = time.perf_counter()
    while not stop.is_set():
        await clients[handled % len(clients)].send("/internship")
        handled += 1
        ahead = began + handled / per_second - time.perf_counter()
        if ahead > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), ahead)
    return handled


async def timed(web: httpx.AsyncClient, path: str) -> float:
    began = time.perf_counter()
    answer = await web.get(path)
    elapsed = (time.perf_counter() - began) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{path}: {answer.status_code}")
    return elapsed


async def measure(per_second: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            token=TEST_TOKEN,
            database_path=Path(folder) / "desk.sqlite3",
            bot_username=BOT_USERNAME,
            desk_port=free_port(),
        )
        clock = FakeClock(datetime(2026, 11, 30, 7, 0, tzinfo=BRUSSELS))
        h = await BotHarness.start(replace(settings), clock)
        desk = DeskServer(h.services, h.app.bot)
        await desk.start()
        try:
            caseworker_chat, clients, long_id = await seed(h)
            link = await link_from_bot(caseworker_chat)
            async with httpx.AsyncClient(base_url=settings.desk_url) as web:
                await web.post(urlsplit(link).path)
                pages = {"caseload": "/caseload", "detail": f"/internships/{long_id}"}
                for path in pages.values():
                    await timed(web, path)  # warm: templates compiled, caches filled
                stop = asyncio.Event()
                busy = asyncio.create_task(keep_busy(clients, stop, per_second))
                times: dict[str, list[float]] = {name: [] for name in pages}
                for _ in range(REQUESTS):
                    for name, path in pages.items():
                        times[name].append(await timed(web, path))
                stop.set()
                updates = await busy
        finally:
            await desk.stop()
            await h.stop()
    figures: dict[str, Any] = {"internships": INTERNSHIPS, "requests_per_page": REQUESTS}
    for name, values in times.items():
        figures[f"{name}_p50_ms"] = round(percentile(values, 0.5), 2)
        figures[f"{name}_p95_ms"] = round(percentile(values, 0.95), 2)
    figures["updates_per_s_asked"] = per_second
    figures["updates_handled_meanwhile"] = updates
    figures["target_p95_ms"] = TARGET_P95_MS
    return figures


def main() -> int:
    per_second = float(sys.argv[1]) if len(sys.argv) > 1 else UPDATES_PER_SECOND
    figures = asyncio.run(measure(per_second))
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    for key, value in figures.items():
        print(f"{key:28} {value}")
    slow = [k for k, v in figures.items() if k.endswith("_p95_ms") and v > TARGET_P95_MS]
    if slow:
        print(f"over {TARGET_P95_MS} ms: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
