"""The SQLite database: one connection, WAL mode, versioned migrations.

All SQL of the bot lives in `bot.store`; this module only knows how to open the
file, apply migrations and run statements in transactions.

Statements run on the event loop's own thread. The bot's statements are small
indexed look-ups and writes that take microseconds in SQLite, while handing each
one to a worker thread and back (as aiosqlite does) costs two thread switches and
a fight for the GIL: that hop was most of the time spent per update (see
`bench/`). Nothing slow is left on the loop's thread:

- the connection does not block on a busy database (`busy_timeout` 0): a
  statement that finds another process holding the lock is tried again after an
  asynchronous pause, up to `BUSY_TIMEOUT` seconds;
- copying the write-ahead log back into the database file (a checkpoint, with
  its fsync) runs on a worker thread with a connection of its own, every
  `CHECKPOINT_EVERY` commits, instead of inside whichever commit crossed SQLite's
  threshold. SQLite's own automatic checkpoint stays as a safety net for a log
  that grows past `AUTOCHECKPOINT_PAGES` anyway.
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
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

Params = Sequence[Any] | dict[str, Any]

# How long a statement keeps trying while another process holds the write lock (seconds).
BUSY_TIMEOUT = 5.0
# The first pause before trying again; it doubles up to `_BUSY_MAX_PAUSE`.
_BUSY_PAUSE = 0.002
_BUSY_MAX_PAUSE = 0.1
# A checkpoint on the worker thread after this many commits (about 1 MB of log each time
# for the bot's small transactions).
CHECKPOINT_EVERY = 200
# SQLite's own checkpoint, inside a commit, only when the log grew this long (40 MB).
AUTOCHECKPOINT_PAGES = 10_000
# Prepared statements kept per connection (the bot has a few hundred distinct ones).
CACHED_STATEMENTS = 512

# Set while the current task runs inside `Database.transaction()`, so statements
# in that task join the transaction instead of waiting for the lock it holds.
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "in_transaction", default=False
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

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = asyncio.Lock()
        self._savepoints = 0
        self._commits = 0
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpointing: asyncio.Future[None] | None = None

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
            conn = sqlite3.connect(
                path,
                isolation_level=None,
                check_same_thread=False,
                cached_statements=CACHED_STATEMENTS,
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
            conn.close()
            raise DatabaseError(explain(path, exc)) from exc
        except DatabaseError:
            conn.close()
            raise
        return db

    async def _configure(self) -> None:
        # A read forces SQLite to look at the file, so a corrupt file fails here.
        for pragma in (
            "PRAGMA schema_version",
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            # Never block the event loop: a busy database is retried asynchronously.
            "PRAGMA busy_timeout=0",
            # NORMAL is durable in WAL mode except for power loss; a process crash loses nothing.
            "PRAGMA synchronous=NORMAL",
            # Checkpoints run on a worker thread (see `_committed`); this is the safety net.
            f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}",
        ):
            await self._run(partial(self._fetchall, pragma))

    async def close(self) -> None:
        if self._checkpointing is not None:
            # Let a running checkpoint finish (its failure was logged already).
            await asyncio.wait([self._checkpointing])
        if self._checkpointer is not None:
            self._checkpointer.close()
        self._conn.close()

    def _committed(self) -> None:
        """Count a commit; every `CHECKPOINT_EVERY`, start a checkpoint on a worker thread."""
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY or self._checkpointing is not None:
            return
        loop = asyncio.get_running_loop()
        self._checkpointing = loop.run_in_executor(None, self._checkpoint)
        self._checkpointing.add_done_callback(self._checkpointed)

    def _checkpoint(self) -> None:
        """On a worker thread: copy the log into the database without blocking anybody."""
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self._checkpointer.execute("PRAGMA busy_timeout=1000")
        self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _checkpointed(self, future: asyncio.Future[None]) -> None:
        self._checkpointing = None
        if not future.cancelled() and future.exception() is not None:
            # Harmless: the next one (or SQLite's own) catches up.
            log.warning("Background checkpoint failed: %s", future.exception())

    async def schema_version(self) -> int:
        row = await self._run(lambda: self._conn.execute("PRAGMA user_version").fetchone())
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
                await self._run(partial(self._conn.executescript, script))
            except sqlite3.Error:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            log.info("Applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration.version)
        return applied

    async def integrity_check(self) -> str:
        row = await self._run(lambda: self._conn.execute("PRAGMA integrity_check").fetchone())
        return str(row[0]) if row else "no answer"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the statements of the block atomically.

        A nested block is a savepoint of the outer transaction: when it fails, its own
        statements are undone and the outer transaction decides about the rest.
        """
        if _in_transaction.get():
            self._savepoints += 1
            name = f"sp{self._savepoints}"
            self._conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                raise
            self._conn.execute(f"RELEASE {name}")
            return
        async with self._lock:
            token = _in_transaction.set(True)
            try:
                await self._statement("BEGIN IMMEDIATE", ())
                try:
                    yield
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                try:
                    await self._statement("COMMIT", ())
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                self._committed()
            finally:
                _in_transaction.reset(token)

    async def _run(self, work: Callable[[], T]) -> T:
        """Do `work` on the connection; while another process holds the database, pause
        (without blocking the loop) and try again, up to `BUSY_TIMEOUT` seconds."""
        try:
            return work()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT
        pause = _BUSY_PAUSE
        while True:
            await asyncio.sleep(pause)
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or loop.time() >= deadline:
                    raise
            pause = min(pause * 2, _BUSY_MAX_PAUSE)

    def _fetchall(self, sql: str) -> list[Any]:
        return self._conn.execute(sql).fetchall()

    async def _statement(self, sql: str, params: Params) -> sqlite3.Cursor:
        """Run one statement now, retrying while the database is busy."""
        try:
            # The common case first, without building the retry machinery.
            return self._conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        return await self._run(partial(self._conn.execute, sql, params))

    async def _cursor(self, sql: str, params: Params) -> sqlite3.Cursor:
        """Run one statement in turn: inside this task's transaction, or once no other
        task's transaction holds the connection. Read the cursor before awaiting again."""
        if _in_transaction.get():
            return await self._statement(sql, params)
        async with self._lock:
            return await self._statement(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the last row id (for INSERT) or 0."""
        cursor = await self._cursor(sql, params)
        rowid = cursor.lastrowid or 0
        cursor.close()
        return rowid

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        cursor = await self._cursor(sql, params)
        count = cursor.rowcount
        cursor.close()
        return count

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if _in_transaction.get():
            await self._run(partial(self._conn.executemany, sql, rows))
            return
        async with self._lock:
            await self._run(partial(self._conn.executemany, sql, rows))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        cursor = await self._cursor(sql, params)
        row: sqlite3.Row | None = cursor.fetchone()
        cursor.close()
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        cursor = await self._cursor(sql, params)
        rows: list[sqlite3.Row] = cursor.fetchall()
        return rows

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_BUSY)
    return "database is locked" in str(exc)


def probe(path: Path) -> None:
    """Check, before the connection is configured, that the file can be read and written,
    so every such problem becomes one sentence."""
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
