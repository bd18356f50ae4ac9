"""`kill -9` at random moments: the real bot process against a Bot API double over HTTP.

Clients report that they will be late (`/late`, then `30`): each report is stored
and its two notifications (workplace contact and caseworker) are queued in one
transaction. While hundreds of these updates are being handled, the bot is killed
with SIGKILL at random moments (before or after Telegram answered a call) and
started again. At the end:

- every update was handled (none lost) and every report is stored exactly once;
- every notification was delivered, and every update got its reply;
- at most the message in flight at each crash reached someone twice.

Set CRASH_SEED to replay a run; the seed is in the failure message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.db import Database
from bot.store import internships, people, workplaces
from bot.store.internships import NewInternship
from bot.store.models import Role
from tests.botapi_double import BotApiDouble
from tests.harness import BOT_USERNAME, TEST_TOKEN

CLIENTS = 20
REPORTS_EACH = 5
KILLS = 6
# Generous: a healthy run takes a few seconds per incarnation.
LIMIT = 40.0


@dataclass(frozen=True)
class Client:
    person_id: int
    telegram_id: int
    name: str
    employer_chat: int
    caseworker_chat: int


async def make_world(path: Path, count: int = CLIENTS, start: date | None = None) -> list[Client]:
    """Clients, each with their own workplace contact and caseworker (all linked, Dutch),
    their internships starting on `start` (today)."""
    db = await Database.open(path)
    now = Clock().now()
    clients = []
    try:
        for i in range(count):
            caseworker = await people.create(db, Role.CASEWORKER, f"Deskundige {i:02d}", now, "nl")
            place = await workplaces.create(db, f"Werkplek {i:02d}", now)
            employer = await people.create(
                db, Role.EMPLOYER, f"Mentor {i:02d}", now, "nl", workplace_id=place.id
            )
            client = await people.create(db, Role.CLIENT, f"Klant {i:02d}", now, "nl")
            chats = (500000 + i, 600000 + i, 700000 + i)
            for person, chat in zip((client, employer, caseworker), chats, strict=True):
                await people.link_telegram(db, person.id, chat)
            await internships.create(
                db,
                NewInternship(
                    client_id=client.id,
                    workplace_id=place.id,
                    caseworker_id=caseworker.id,
                    employer_contact_id=employer.id,
                    start_date=start or date.today(),
                ),
                now,
            )
            clients.append(Client(client.id, chats[0], client.name, chats[1], chats[2]))
    finally:
        await db.close()
    return clients


def message_update(update_id: int, client: Client, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 1_795_000_000,
        "chat": {"id": client.telegram_id, "type": "private", "first_name": client.name},
        "from": {
            "id": client.telegram_id,
            "is_bot": False,
            "first_name": client.name,
            "language_code": "nl",
        },
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def the_updates(clients: list[Client]) -> list[dict[str, Any]]:
    """Each client: /late, 30, /late, 30, ... interleaved with the other clients."""
    updates = []
    update_id = 10_000
    for _ in range(REPORTS_EACH):
        for text in ("/late", "30"):
            for client in clients:
                update_id += 1
                updates.append(message_update(update_id, client, text))
    return updates


class BotProcess:
    def __init__(self, tmp_path: Path, double: BotApiDouble, database: Path) -> None:
        self.tmp_path = tmp_path
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TELEGRAM_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"))
            and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
        }
        self.env.update(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_BOT_USERNAME=BOT_USERNAME,
            TELEGRAM_API_BASE_URL=double.base_url,
            DATABASE_PATH=str(database),
            LOG_LEVEL=os.environ.get("CRASH_LOG_LEVEL", "WARNING"),
            NO_PROXY="127.0.0.1,localhost",
        )
        self.runs = 0
        self.double = double
        self.log = tmp_path / "bot.log"

    async def start(self, *arguments: str) -> asyncio.subprocess.Process:
        self.runs += 1
        with self.log.open("a") as log:
            log.write(f"--- run {self.runs}\n")
        # The working folder has no .env, so only the environment above counts.
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            *arguments,
            cwd=self.tmp_path,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=asyncio.subprocess.STDOUT,
        )


def db_counts(database: Path) -> dict[str, Any]:
    conn = sqlite3.connect(database)
    try:
        return {
            "processed": {r[0] for r in conn.execute("SELECT update_id FROM processed_updates")},
            "reports": Counter(
                r[0] for r in conn.execute("SELECT client_id FROM absences WHERE kind = 'late'")
            ),
            "outbox": Counter(
                r[0] for r in conn.execute("SELECT status FROM outbox WHERE kind = 'late'")
            ),
            "pending": conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
            ).fetchone()[0],
            "outbox_by_recipient": Counter(
                r[0] for r in conn.execute("SELECT chat_id FROM outbox WHERE kind = 'late'")
            ),
        }
    finally:
        conn.close()


def all_done(database: Path, double: BotApiDouble, last_update_id: int) -> bool:
    if double.confirmed_offset <= last_update_id:
        return False
    counts = db_counts(database)
    # Every notification sent, and every reply too (replies are outbox rows until sent).
    return bool(
        counts["outbox"].get("sent", 0) == 2 * CLIENTS * REPORTS_EACH and counts["pending"] == 0
    )


async def test_kill_9_at_random_moments_loses_nothing_and_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("CRASH_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    database = tmp_path / "data" / "bot.sqlite3"
    clients = await make_world(database)
    updates = the_updates(clients)
    last_update_id = updates[-1]["update_id"]
    double = BotApiDouble()
    await double.start()
    bot = BotProcess(tmp_path, double, database)
    kills = 0
    try:
        for update in updates:
            double.queue(update)
        for _ in range(KILLS):
            process = await bot.start()
            double.arm(
                at_call=rng.randint(2, 60),
                before_answer=rng.random() < 0.5,
                action=_killer(process, delay=rng.choice([0.0, rng.random() * 0.03])),
            )
            exited = asyncio.ensure_future(process.wait())
            finished = asyncio.ensure_future(
                double.until(lambda: all_done(database, double, last_update_id), LIMIT)
            )
            await asyncio.wait({exited, finished}, timeout=LIMIT, return_when="FIRST_COMPLETED")
            finished.cancel()
            if not exited.done():
                # Everything was handled before the chosen moment came.
                double.kill = None
                process.kill()
                await exited
            assert process.returncode == -signal.SIGKILL, _explain(seed, bot, "did not crash")
            kills += 1
            if all_done(database, double, last_update_id):
                break

        process = await bot.start()
        try:
            await double.until(lambda: all_done(database, double, last_update_id), LIMIT)
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), LIMIT)
        assert code == 0, _explain(seed, bot, f"exit code {code} after SIGTERM")
    finally:
        await double.stop()

    why = _explain(seed, bot, f"{kills} kills")

    counts = db_counts(database)
    # No update lost: every one is recorded as handled.
    assert {u["update_id"] for u in updates} <= counts["processed"], why
    # No effect stored twice (nor lost): exactly the reports sent.
    assert counts["reports"] == Counter({c.person_id: REPORTS_EACH for c in clients}), why
    # Every notification queued once per recipient and delivered.
    assert counts["outbox"] == Counter({"sent": 2 * CLIENTS * REPORTS_EACH}), why
    for client in clients:
        assert counts["outbox_by_recipient"][client.employer_chat] == REPORTS_EACH, why
        assert counts["outbox_by_recipient"][client.caseworker_chat] == REPORTS_EACH, why

    # What people saw: everything, and at most the message in flight at a crash twice.
    # Updates of different chats are handled side by side, so a crash can catch one
    # message in flight to each chat: nobody sees more than one repeat per crash.
    for client in clients:
        received = double.texts_to(client.telegram_id)
        questions = [t for t in received if "Hoeveel te laat" in t]
        thanks = [t for t in received if "Bedankt" in t]
        assert len(questions) >= REPORTS_EACH, (why, received)
        assert len(thanks) >= REPORTS_EACH, (why, received)
        # (The first-day card may reach them too: it is not a reply.)
        others = [
            t
            for t in received
            if t not in questions and t not in thanks and "eerste stagedag" not in t
        ]
        assert not others, (why, others)
        assert len(questions) + len(thanks) - 2 * REPORTS_EACH <= kills, (why, received)
        for chat in (client.employer_chat, client.caseworker_chat):
            # (The first-day card may also reach them: only the late notices count here.)
            notices = [
                t for t in double.texts_to(chat) if f"{client.name} komt vandaag te laat" in t
            ]
            assert REPORTS_EACH <= len(notices) <= REPORTS_EACH + kills, (why, notices)


def _killer(process: asyncio.subprocess.Process, delay: float) -> Callable[[], None]:
    """SIGKILL the bot at once, or a few milliseconds later (while it works on the answer)."""

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()

    def action() -> None:
        if delay:
            asyncio.get_running_loop().call_later(delay, kill)
        else:
            kill()

    return action


def _explain(seed: int, bot: BotProcess, what: str) -> str:
    tail = bot.log.read_text()[-3000:] if bot.log.exists() else ""
    return f"CRASH_SEED={seed} ({what}); bot log:\n{tail}"


# Webhook mode


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def post_update(port: int, update: dict[str, Any], secret: str) -> int | None:
    """POST an update as Telegram would; the status, or None when the bot died meanwhile."""
    body = json.dumps(update).encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"POST /hook HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        status = await reader.readline()
        await reader.read()
        writer.close()
    except ConnectionError:
        return None
    return int(status.split()[1]) if status else None


async def start_listening(bot: BotProcess, arguments: list[str]) -> asyncio.subprocess.Process:
    """Start the bot in webhook mode; it listens before it calls setWebhook."""
    hooks = bot.double.calls.count("setWebhook")
    process = await bot.start(*arguments)
    await bot.double.until(lambda: bot.double.calls.count("setWebhook") > hooks, LIMIT)
    return process


async def test_webhook_mode_answers_after_the_commit_even_across_kill_9(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    [client, *_] = await make_world(database)
    double = BotApiDouble()
    await double.start()
    bot = BotProcess(tmp_path, double, database)
    port, secret = free_port(), "geheim_123"
    arguments = ["--webhook", f"http://127.0.0.1:{port}/hook", "--port", str(port)]
    arguments += ["--secret-token", secret]
    first, second = message_update(1, client, "/late"), message_update(2, client, "30")
    try:
        process = await start_listening(bot, arguments)
        assert await post_update(port, first, secret) == 200
        assert [t for t in double.texts_to(client.telegram_id) if "Hoeveel te laat" in t]

        # Killed after the commit, while the receipt goes out: Telegram never got its 200,
        # and the person never saw the receipt.
        double.arm(at_call=1, before_answer=True, action=_killer(process, delay=0.0))
        assert await post_update(port, second, secret) is None
        await process.wait()
        assert db_counts(database)["reports"] == Counter({client.person_id: 1})
        assert not [t for t in double.texts_to(client.telegram_id) if "Bedankt" in t]

        # After the restart the stored receipt goes out; Telegram sends the update again,
        # and once more by mistake: both are skipped.
        process = await start_listening(bot, arguments)
        assert await post_update(port, second, secret) == 200
        assert await post_update(port, second, secret) == 200
        assert db_counts(database)["reports"] == Counter({client.person_id: 1})
        await double.until(lambda: db_counts(database)["outbox"] == Counter({"sent": 2}), LIMIT)
        await double.until(
            lambda: bool([t for t in double.texts_to(client.telegram_id) if "Bedankt" in t]),
            LIMIT,
        )
        hooks = [c for c in double.calls if c == "setWebhook"]
        assert len(hooks) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), LIMIT)
        await double.stop()
    assert code == 0, bot.log.read_text()[-3000:]
    assert db_counts(database)["reports"] == Counter({client.person_id: 1})
    assert len([t for t in double.texts_to(client.telegram_id) if "Bedankt" in t]) == 1


def cores_of_threads(pid: int) -> set[frozenset[int]]:
    """The cores each thread of a process may run on."""
    return {
        frozenset(os.sched_getaffinity(int(task.name)))
        for task in Path(f"/proc/{pid}/task").iterdir()
    }


async def running_process_cores(tmp_path: Path, **env: str) -> set[frozenset[int]]:
    database = tmp_path / "data" / "bot.sqlite3"
    await make_world(database)
    double = BotApiDouble()
    await double.start()
    bot = BotProcess(tmp_path, double, database)
    bot.env.update(env)
    process = await bot.start()
    try:
        # Polling: the database is open, so aiosqlite's thread runs too.
        await double.until(lambda: "getUpdates" in double.calls, LIMIT)
        return cores_of_threads(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), LIMIT)
        await double.stop()


async def test_the_running_bot_keeps_its_threads_on_one_core(tmp_path: Path) -> None:
    assert len(os.sched_getaffinity(0)) > 1, "this test needs a machine with two cores"
    [cores] = await running_process_cores(tmp_path)
    assert len(cores) == 1


async def test_one_core_no_leaves_the_cores_to_the_system(tmp_path: Path) -> None:
    assert await running_process_cores(tmp_path, ONE_CORE="no") == {
        frozenset(os.sched_getaffinity(0))
    }
