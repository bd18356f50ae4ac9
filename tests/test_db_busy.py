"""The database while another process writes: the bot waits without blocking its event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.db import Database


async def test_a_write_waits_for_another_process_and_then_succeeds(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES ('command line')")

        write = asyncio.create_task(db.execute("INSERT INTO t VALUES ('bot')"))
        for _ in range(5):
            await asyncio.sleep(0)
        # The loop runs on (we are here) while the bot's statement waits for the lock.
        assert not write.done()

        other.execute("COMMIT")
        other.close()
        await write
        rows = await db.fetchall("SELECT v FROM t ORDER BY rowid")
        assert [r["v"] for r in rows] == ["command line", "bot"]
    finally:
        await db.close()


async def test_a_transaction_waits_for_another_process_and_then_commits(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        async def report() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES ('one')")
                await db.execute("INSERT INTO t VALUES ('two')")

        task = asyncio.create_task(report())
        for _ in range(5):
            await asyncio.sleep(0)
        assert not task.done()

        other.execute("ROLLBACK")
        other.close()
        await task
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 2
    finally:
        await db.close()


async def test_reads_go_on_while_another_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        await db.execute("INSERT INTO t VALUES ('kept')")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES ('not yet')")
        # Write-ahead log: a reader sees the last commit at once, without waiting.
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 1
        other.execute("ROLLBACK")
        other.close()
    finally:
        await db.close()
