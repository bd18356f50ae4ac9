"""The SQLite database: one aiosqlite connection, WAL mode, versioned migrations.

All SQL of the bot lives in `bot.store`; this module only knows how to open the
file, apply migrations and run statements in transactions.

Every statement runs on aiosqlite's worker thread, so the event loop never waits
for the disk: a slow export, a purge or a checkpoint's fsync does not hold up
anyone's update. The price is a thread hop per statement, the largest part of the
bot's own cost per update (see the README's "Performance").
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]

# Prepared statements kept per connection (the bot has a few hundred distinct ones).
CACHED_STATEMENTS = 512

# Set while the current task runs inside `Database.transaction()`, so statements
# in that task join the transaction instead of waiting for the lock it holds.
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "in_transaction", default=False
)
# What the current transaction will do once it is committed (see `Database.after_commit`).
_after_commit: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "after_commit", default=None
)


class DatabaseError(Exception):
    """The database cannot be used; the message says why in one sentence."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The migrations shipped in `bot/migrations`, ordered by version."""
    migrations = []
    for entry in resources.files("bot.migrations").iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            migrations.append(
                Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8"))
            )
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise DatabaseError(f"Two migrations share a version number: {versions}.")
    return migrations


class Database:
    """An open database. Use `await Database.open(path)` and `await db.close()`."""

    def __init__(self, path: Path, conn: aiosqlite.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = asyncio.Lock()
        # How deep the current transaction's savepoints are nested. Names go by depth, so
        # the statement cache holds a handful of SAVEPOINT statements, not one per block.
        self._savepoint_depth = 0

    @classmethod
    async def open(cls, path: Path, migrate: bool = True) -> Database:
        """Open (creating folder and file when missing) and bring the schema up to date."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the data folder {path.parent}: {exc.strerror}."
            ) from exc
        probe(path)
        try:
            conn = await aiosqlite.connect(
                path, isolation_level=None, cached_statements=CACHED_STATEMENTS
            )
        except sqlite3.Error as exc:
            raise DatabaseError(explain(path, exc)) from exc
        conn.row_factory = sqlite3.Row
        db = cls(path, conn)
        try:
            await db._configure()
            if migrate:
                await db.migrate()
            else:
                await db.check_version()
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise DatabaseError(explain(path, exc)) from exc
        except DatabaseError:
            await conn.close()
            raise
        return db

    async def _configure(self) -> None:
        # A read forces SQLite to look at the file, so a corrupt file fails here.
        for pragma in (
            "PRAGMA schema_version",
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=5000",
            # NORMAL is durable in WAL mode except for power loss; a process crash loses nothing.
            "PRAGMA synchronous=NORMAL",
        ):
            async with self._conn.execute(pragma) as cursor:
                await cursor.fetchall()

    async def close(self) -> None:
        await self._conn.close()

    async def schema_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def check_version(self) -> tuple[int, int]:
        """(database version, code version); refuses a database newer than the code."""
        current = await self.schema_version()
        migrations = load_migrations()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise DatabaseError(
                f"The database {self.path} has schema version {current}, newer than this "
                f"version of the bot knows ({latest}): upgrade the bot before starting it."
            )
        return current, latest

    async def migrate(self) -> list[int]:
        """Apply the missing migrations, each in its own transaction; returns the versions."""
        current, _ = await self.check_version()
        applied = []
        for migration in load_migrations():
            if migration.version <= current:
                continue
            script = (
                f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                f"PRAGMA user_version = {migration.version};\nCOMMIT;"
            )
            try:
                await self._conn.executescript(script)
            except sqlite3.Error:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
            log.info("Applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration.version)
        return applied

    async def integrity_check(self) -> str:
        async with self._conn.execute("PRAGMA integrity_check") as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "no answer"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the statements of the block atomically.

        A nested block is a savepoint of the outer transaction: when it fails, its own
        statements are undone (and what it asked to do after the commit is forgotten),
        and the outer transaction decides about the rest.
        """
        if _in_transaction.get():
            hooks = _after_commit.get()
            planned = len(hooks) if hooks is not None else 0
            self._savepoint_depth += 1
            name = f"sp{self._savepoint_depth}"
            try:
                await self._conn.execute(f"SAVEPOINT {name}")
                try:
                    yield
                except BaseException:
                    await self._conn.execute(f"ROLLBACK TO {name}")
                    await self._conn.execute(f"RELEASE {name}")
                    if hooks is not None:
                        del hooks[planned:]
                    raise
                await self._conn.execute(f"RELEASE {name}")
            finally:
                self._savepoint_depth -= 1
            return
        hooks = []
        async with self._lock:
            token = _in_transaction.set(True)
            hooks_token = _after_commit.set(hooks)
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                try:
                    await self._conn.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (disk full, I/O error) leaves the transaction open.
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
            finally:
                _after_commit.reset(hooks_token)
                _in_transaction.reset(token)
        # Committed, and the lock is free again for whatever the hooks start. A failing
        # hook must not make a committed transaction look failed to its caller.
        for hook in hooks:
            try:
                hook()
            except Exception:
                log.exception("An after-commit step failed")

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Call `hook` once the current transaction is committed (never if it is rolled
        back); outside a transaction, at once. For what must not happen before the data
        it speaks of is stored, such as sending a message."""
        hooks = _after_commit.get()
        if hooks is None or not _in_transaction.get():
            hook()
        else:
            hooks.append(hook)

    @property
    def in_transaction(self) -> bool:
        """Whether the current task is inside `transaction()`."""
        return _in_transaction.get()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if _in_transaction.get():
            yield
            return
        async with self._lock:
            yield

    # Each call below is one trip to aiosqlite's thread, the main cost per statement:
    # a write's cursor is done once executed (nothing to close), and reads fetch
    # their rows in the same trip.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one writing statement; returns the last row id (for INSERT) or 0."""
        async with self._turn():
            cursor = await self._conn.execute(sql, params)
        return cursor.lastrowid or 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run one writing statement; returns how many rows it changed."""
        async with self._turn():
            cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._turn():
            await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row (queries here select by key or end in LIMIT 1)."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._turn():
            rows = await self._conn.execute_fetchall(sql, params)
        return list(rows)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


# `storage_problem` of a database held by another process: it passes in a moment.
BUSY = "busy"
# What SQLite says when the file cannot be written now: a full disk (or a file-size
# limit: "disk I/O error"), a read-only file or folder, a file that vanished.
_STORAGE_TEXTS = (
    "database or disk is full",
    "disk i/o error",
    "readonly database",
    "read-only",
    "unable to open database",
    "out of memory",
)


def storage_problem(error: BaseException) -> str | None:
    """Why the database cannot be written now (`BUSY` when it is held elsewhere), or None
    when `error` is something else (a bug in a statement, say)."""
    if not isinstance(error, sqlite3.Error):
        return None
    text = str(error).lower()
    if "database is locked" in text or "database is busy" in text:
        return BUSY
    if any(marker in text for marker in _STORAGE_TEXTS):
        return text
    return None


def probe(path: Path) -> None:
    """Check, before the async connection exists, that the file can be read and written.

    A failed aiosqlite connect leaves its worker thread to report into a closed event
    loop; probing with plain sqlite3 first turns every such problem into one sentence.
    """
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA schema_version").fetchall()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(explain(path, exc)) from exc


def explain(path: Path, exc: sqlite3.Error) -> str:
    """One sentence for an SQLite error met while opening the database."""
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return (
            f"The database file {path} is damaged or is not a SQLite database: restore it "
            "from a backup or point DATABASE_PATH to another file."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return (
            f"The database file {path} cannot be written: check that the bot may write to "
            "it and to its folder."
        )
    return f"The database file {path} cannot be used: {text}."
