"""A full disk while people act: each is told once, nothing half-stored, recovery after.

The real bot process runs against the HTTP Bot API double; the test lowers the
process's file-size limit (`prlimit`, as a full disk looks to SQLite: every write
beyond the limit fails) while clients report that they are late, then lifts it.
The bot's log goes to a pipe, which no file-size limit touches, so the test can
read what it logged during the outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import signal
import sys
from collections import Counter
from pathlib import Path

from tests.botapi_double import BotApiDouble
from tests.test_crash_recovery import (
    CLIENTS,
    LIMIT,
    BotProcess,
    Client,
    db_counts,
    make_world,
    message_update,
)

NOT_SAVED = "kon nu niet bewaard worden"


class PipedBot(BotProcess):
    """The bot with its log in a pipe, read line by line into `lines`."""

    def __init__(self, tmp_path: Path, double: BotApiDouble, database: Path) -> None:
        super().__init__(tmp_path, double, database)
        self.env["LOG_LEVEL"] = "INFO"
        self.lines: list[str] = []

    async def start_piped(self) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=self.tmp_path,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        asyncio.get_running_loop().create_task(self._read(process))
        return process

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            self.lines.append(line.decode(errors="replace"))


def texts(double: BotApiDouble, client: Client, part: str) -> list[str]:
    return [t for t in double.texts_to(client.telegram_id) if part in t]


async def test_a_full_disk_is_told_once_stores_nothing_half_and_recovers(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    clients = await make_world(database)
    double = BotApiDouble()
    await double.start()
    bot = PipedBot(tmp_path, double, database)
    process = await bot.start_piped()
    update_id = 20_000

    def send(client: Client, text: str) -> None:
        nonlocal update_id
        update_id += 1
        double.queue(message_update(update_id, client, text))

    try:
        for client in clients:
            send(client, "/late")
        await double.until(lambda: all(texts(double, c, "Hoeveel te laat") for c in clients), LIMIT)

        # The disk is full: every write beyond the first byte of any file fails.
        # (The soft limit only: lifting a hard limit again needs more than we may.)
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
        for client in clients:
            send(client, "30")
        await double.until(lambda: all(texts(double, c, NOT_SAVED) for c in clients), LIMIT)
        # Half of them try again at once, and each attempt is answered once.
        for client in clients[: CLIENTS // 2]:
            send(client, "30")
        await double.until(
            lambda: all(len(texts(double, c, NOT_SAVED)) == 2 for c in clients[: CLIENTS // 2]),
            LIMIT,
        )
        assert db_counts(database)["reports"] == Counter()
        # Never a receipt, never the question again.
        for client in clients:
            assert texts(double, client, "Bedankt") == []
            assert len(texts(double, client, "Hoeveel te laat")) == 1
            assert len(texts(double, client, NOT_SAVED)) == (2 if client in clients[:10] else 1)
        # The cause is logged, once (not once per message).
        assert len([line for line in bot.lines if "database cannot be written" in line]) == 1

        # Room again: the same answer now goes through, for everyone, once.
        resource.prlimit(
            process.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
        )
        for client in clients:
            send(client, "30")
        await double.until(lambda: all(texts(double, c, "Bedankt") for c in clients), LIMIT)
        await double.until(
            lambda: db_counts(database)["outbox"] == Counter({"sent": 2 * CLIENTS}), LIMIT
        )
        assert db_counts(database)["reports"] == Counter({c.person_id: 1 for c in clients})
        for client in clients:
            assert len(texts(double, client, "Bedankt")) == 1
            received = double.texts_to(client.employer_chat) + double.texts_to(
                client.caseworker_chat
            )
            assert len([t for t in received if f"{client.name} komt vandaag te laat" in t]) == 2
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), LIMIT)
        await double.stop()
    assert code == 0, "".join(bot.lines[-40:])
