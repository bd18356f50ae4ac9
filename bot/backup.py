"""`werkervaring-bot db backup FILE`: a consistent copy of the database, also while the bot
runs.

SQLite's online backup API copies the pages under one read transaction: in WAL mode
the bot keeps writing meanwhile (readers and the writer do not block each other), and
the copy is the database as it was at one moment, with everything committed by then.
Copying the file with `cp` instead could catch a write halfway, or miss what still
sits in the `-wal` file.

The copy is written next to FILE under another name, checked (`PRAGMA
integrity_check`), and only then renamed to FILE, so FILE is never a half copy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.db import DatabaseError, explain

# How long the copy waits for a write in progress (the bot's transactions are short).
BUSY_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    schema_version: int
    integrity: str


def backup(source: Path, target: Path) -> Backup:
    """Copy `source` to `target` (replacing it) and check the copy. Blocking: run it in a
    thread."""
    if not source.exists():
        raise DatabaseError(f"There is no database at {source} to back up.")
    if target.resolve() == source.resolve():
        raise DatabaseError("The backup must go to another file than the database itself.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy(source, partial)
        checked = _check(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise DatabaseError(explain(source, exc)) from exc
    except OSError as exc:
        raise DatabaseError(f"Cannot write the backup {target}: {exc.strerror}.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return Backup(target, target.stat().st_size, *checked)


def _copy(source: Path, partial: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    # Only read from: a read-only open would fail on a WAL database whose -shm file is
    # missing (the bot not running), so an ordinary connection that never writes.
    src = sqlite3.connect(source)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        dst = sqlite3.connect(partial)
        try:
            # All pages in one step, so under one read transaction: a consistent snapshot.
            src.backup(dst)
            # The copy is one self-contained file: no -wal beside it to lose.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _check(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
    if integrity != "ok":
        raise DatabaseError(f"The backup failed its integrity check ({integrity}).")
    return version, integrity
