"""The database layer: transactions, savepoints and migrations on a real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db import Database, load_migrations


async def test_nested_failure_is_undone_and_outer_work_kept(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.sqlite3")
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES ('outer')")
            with pytest.raises(RuntimeError):
                async with db.transaction():
                    await db.execute("INSERT INTO t VALUES ('inner')")
                    raise RuntimeError("handler failed")
        rows = await db.fetchall("SELECT v FROM t")
        assert [r["v"] for r in rows] == ["outer"]
    finally:
        await db.close()


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.sqlite3")
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES ('x')")
                raise RuntimeError
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 0
    finally:
        await db.close()


async def test_migrations_are_applied_once_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = await Database.open(path)
    latest = load_migrations()[-1].version
    assert await db.schema_version() == latest
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    await db.close()
    again = await Database.open(path)
    try:
        assert await again.migrate() == []
    finally:
        await again.close()
