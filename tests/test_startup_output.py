"""What `werkervaring-bot run` prints, as a real process against the Bot API double: at
INFO, who it runs as and what it applied, but no framework warnings and nothing on every
heartbeat of the reminders (every 30 seconds)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import to_db
from bot.privacy import PURGE_KIND
from tests.botapi_double import BOT_USERNAME, BotApiDouble
from tests.harness import TEST_TOKEN

# Generous: the machine may be shared; the wait ends as soon as the heartbeat has run.
LIMIT = 60


def _environment(double: BotApiDouble, database: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "PYTHONWARNINGS", "LOG_LEVEL"))
        and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_BOT_USERNAME=BOT_USERNAME,
        TELEGRAM_API_BASE_URL=double.base_url,
        DATABASE_PATH=str(database),
        LOG_LEVEL="INFO",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def _purge_status(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT status FROM reminders WHERE kind = ? ORDER BY id LIMIT 1", (PURGE_KIND,)
        ).fetchone()
    return str(row[0])


async def test_a_running_bot_prints_no_warnings_and_nothing_per_heartbeat(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    double = BotApiDouble()
    await double.start()
    env = _environment(double, database)
    migrate = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "db", "migrate", cwd=tmp_path, env=env
    )
    assert await migrate.wait() == 0
    # A nightly purge that fell due a minute ago: the first heartbeat sends it, so the
    # test sees the heartbeat run without waiting for a clock.
    now = datetime.now(UTC)
    with sqlite3.connect(database) as conn:
        conn.execute(
            "INSERT INTO reminders (kind, subject_id, due_at, expires_at) VALUES (?, 0, ?, ?)",
            (PURGE_KIND, to_db(now - timedelta(minutes=1)), to_db(now + timedelta(days=1))),
        )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await double.until(lambda: _purge_status(database) != "pending", LIMIT)
    finally:
        process.terminate()
        output, _ = await asyncio.wait_for(process.communicate(), LIMIT)
        await double.stop()
    lines = output.decode().splitlines()
    assert process.returncode == 0, lines
    assert any(f"is running as @{BOT_USERNAME}" in line for line in lines), lines
    assert [line for line in lines if "warning" in line.lower()] == []
    # The heartbeat ran (the purge was sent) and said nothing.
    assert _purge_status(database) == "sent"
    assert [line for line in lines if "Running job" in line or "executed" in line] == []
    # Every line is one of the bot's log lines: no traceback, no stray print.
    assert all(" INFO " in line for line in lines), lines
