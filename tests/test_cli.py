"""The command line, run as a real process: clear sentences and exit codes, no tracebacks."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

from bot.cli import build_parser
from bot.exports import IMPORT_COLUMNS
from bot.store.invites import hash_token
from tests.harness import BOT_USERNAME, TEST_TOKEN

ROOT = Path(__file__).resolve().parent.parent


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "TIMEZONE", "DEFAULT_LANGUAGE"))
    }
    environment.update({"DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_says_one_sentence_and_exits_2(tmp_path: Path) -> None:
    result = cli(tmp_path, "run")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_no_command_means_run(tmp_path: Path) -> None:
    result = cli(tmp_path)
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr


def test_malformed_token(tmp_path: Path) -> None:
    result = cli(tmp_path, "run", TELEGRAM_BOT_TOKEN="not-a-token")
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = cli(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("run", "invite", "db"):
        assert command in result.stdout


def test_invite_caseworker_prints_a_deep_link_and_stores_only_the_hash(tmp_path: Path) -> None:
    result = cli(
        tmp_path,
        "invite",
        "caseworker",
        "--name",
        "An Peeters",
        TELEGRAM_BOT_USERNAME=BOT_USERNAME,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", result.stdout)
    assert match, result.stdout
    token = match.group(1)
    assert len(token) >= 22  # at least 128 random bits in base64
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as conn:
        person = conn.execute("SELECT name, role FROM people").fetchall()
        hashes = [row[0] for row in conn.execute("SELECT token_hash FROM invites")]
        dump = "\n".join(conn.iterdump())
    assert person == [("An Peeters", "caseworker")]
    assert hashes == [hash_token(token)]
    assert token not in dump


def test_invite_link_works_in_the_bot(tmp_path: Path) -> None:
    """The printed link is the one the bot accepts (checked by hash in the database)."""
    result = cli(tmp_path, "invite", "admin", "--name", "Admin", TELEGRAM_BOT_USERNAME=BOT_USERNAME)
    assert result.returncode == 0
    assert "Admin" in result.stdout


def test_invite_without_username_or_token(tmp_path: Path) -> None:
    result = cli(tmp_path, "invite", "caseworker", "--name", "An")
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr


def test_corrupt_database_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bot.sqlite3").write_bytes(b"this is not a database at all" * 100)
    for args in (("db", "check"), ("run",)):
        result = cli(tmp_path, *args, TELEGRAM_BOT_TOKEN=TEST_TOKEN)
        assert result.returncode != 0
        assert "damaged or is not a SQLite database" in result.stderr
        assert "Traceback" not in result.stderr


def test_read_only_data_folder(tmp_path: Path) -> None:
    # /proc is read-only even for root, so this holds on any machine.
    for path in ("/proc/self/werkervaring.sqlite3", "/proc/werkervaring/bot.sqlite3"):
        result = cli(tmp_path, "db", "migrate", DATABASE_PATH=path)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert "cannot be written" in result.stderr or "Cannot create the data folder" in (
            result.stderr
        )


def test_unknown_time_zone(tmp_path: Path) -> None:
    result = cli(tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, TIMEZONE="Europe/Antwerp")
    assert result.returncode == 2
    assert "not a known time zone" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_switch_that_is_neither_yes_nor_no(tmp_path: Path) -> None:
    result = cli(tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, ONE_CORE="misschien")
    assert result.returncode == 2
    assert result.stderr.strip() == "ONE_CORE='misschien' must be yes or no."


def test_db_migrate_then_check(tmp_path: Path) -> None:
    migrate = cli(tmp_path, "db", "migrate")
    assert migrate.returncode == 0 and "schema version" in migrate.stdout
    check = cli(tmp_path, "db", "check")
    assert check.returncode == 0 and "integrity: ok" in check.stdout


def test_newer_database_is_refused(tmp_path: Path) -> None:
    assert cli(tmp_path, "db", "migrate").returncode == 0
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 9999")
    result = cli(tmp_path, "db", "check")
    assert result.returncode == 1
    assert "newer than this version of the bot" in result.stderr


def test_version_is_the_packages(tmp_path: Path) -> None:
    result = cli(tmp_path, "--version")
    assert result.returncode == 0
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert result.stdout.strip() == f"werkervaring-bot {pyproject['project']['version']}"


def test_db_check_needs_no_token_and_creates_no_database(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=\n", "utf-8")
    missing = cli(tmp_path, "db", "check")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "There is no database at" in missing.stderr and "db migrate" in missing.stderr
    assert not (tmp_path / "data" / "bot.sqlite3").exists()
    assert cli(tmp_path, "db", "migrate").returncode == 0
    check = cli(tmp_path, "db", "check")
    assert check.returncode == 0 and "integrity: ok" in check.stdout, check.stderr


def test_import_help_lists_the_columns(tmp_path: Path) -> None:
    result = cli(tmp_path, "internships", "import", "--help")
    assert result.returncode == 0
    for column in IMPORT_COLUMNS:
        assert re.search(rf"^  {column}( \*)? ", result.stdout, re.MULTILINE), column
    assert re.search(r"^  start_date \*", result.stdout, re.MULTILINE)


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_command_and_argument_is_explained() -> None:
    """Every (sub)command's --help says what each of its arguments is for."""
    parsers = _parsers(build_parser())
    arguments = [
        (parser.prog, action)
        for parser in parsers
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
    ]
    # A group of commands is explained by the help of each command in it.
    arguments += [
        (parser.prog, choice)
        for parser in parsers
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    ]
    unexplained = [f"{prog} {action.dest}" for prog, action in arguments if not action.help]
    assert unexplained == []
    commands = [p for p in parsers if p.prog != "werkervaring-bot"]
    assert len(commands) > 10
    # A command with arguments of its own (not a group of commands) says what it does.
    bare = [
        p.prog
        for p in commands
        if not p.description
        and any(
            not isinstance(a, argparse._SubParsersAction | argparse._HelpAction) for a in p._actions
        )
    ]
    assert bare == []


def _invite(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(tmp_path, "invite", *args, TELEGRAM_BOT_USERNAME=BOT_USERNAME)


def _token(result: subprocess.CompletedProcess[str]) -> str:
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", result.stdout)
    assert match, result.stdout + result.stderr
    return match.group(1)


def test_invite_refuses_the_same_name_twice_and_again_makes_a_new_link(tmp_path: Path) -> None:
    first = _token(_invite(tmp_path, "caseworker", "--name", "An Peeters"))
    twice = _invite(tmp_path, "caseworker", "--name", "An Peeters")
    assert twice.returncode == 1 and "Traceback" not in twice.stderr
    assert "There is already a caseworker called An Peeters" in twice.stderr
    assert "--again" in twice.stderr
    as_admin = _invite(tmp_path, "admin", "--name", "An Peeters")
    assert as_admin.returncode == 1 and "already a caseworker" in as_admin.stderr
    again = _invite(tmp_path, "caseworker", "--name", "An Peeters", "--again")
    assert again.returncode == 0, again.stderr
    second = _token(again)
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as conn:
        assert conn.execute("SELECT name, role FROM people").fetchall() == [
            ("An Peeters", "caseworker")
        ]
        invites = dict(conn.execute("SELECT token_hash, revoked_at IS NULL FROM invites"))
    # The older unused link no longer works; the new one does.
    assert invites == {hash_token(first): 0, hash_token(second): 1}
    nobody = _invite(tmp_path, "caseworker", "--name", "Bert Claes", "--again")
    assert nobody.returncode == 1 and "no caseworker or admin called Bert Claes" in nobody.stderr


def test_invite_again_for_someone_already_linked_says_what_to_do(tmp_path: Path) -> None:
    _invite(tmp_path, "caseworker", "--name", "An Peeters")
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as conn:
        conn.execute("UPDATE people SET telegram_user_id = 4242")
    again = _invite(tmp_path, "caseworker", "--name", "An Peeters", "--again")
    assert again.returncode == 1 and "already linked" in again.stderr
    assert "revoke" in again.stderr


def test_backup_while_another_connection_writes(tmp_path: Path) -> None:
    """The copy is the database at one moment: committed rows in, a transaction still
    open left out, whatever else is written meanwhile; it opens and passes the check."""
    assert cli(tmp_path, "db", "migrate").returncode == 0
    database = tmp_path / "data" / "bot.sqlite3"
    insert = "INSERT INTO workplaces (name, created_at) VALUES (?, '2026-12-04T00:00:00+00:00')"
    writer = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    writer.execute("PRAGMA busy_timeout = 60000")
    writer.execute(insert, ("Committed before",))
    pending = sqlite3.connect(database, isolation_level=None)
    pending.execute("BEGIN IMMEDIATE")
    pending.execute(insert, ("Not committed",))
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        # Waits for `pending`'s lock, then writes as fast as it can until the copy is made.
        n = 0
        while not stop.is_set():
            n += 1
            writer.execute(insert, (f"During {n}",))
            written.append(n)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        copy = tmp_path / "backup" / "copy.sqlite3"
        copy.parent.mkdir()
        result = cli(tmp_path, "db", "backup", str(copy))
        pending.execute("ROLLBACK")
    finally:
        stop.set()
        thread.join()
        pending.close()
        writer.close()
    assert result.returncode == 0, result.stderr
    assert "integrity: ok" in result.stdout
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [row[0] for row in conn.execute("SELECT name FROM workplaces ORDER BY id")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert names == ["Committed before"]
    assert written, "the writer went on after the copy"
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sqlite3"]


def test_backup_of_no_database(tmp_path: Path) -> None:
    result = cli(tmp_path, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == 1 and "There is no database at" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
