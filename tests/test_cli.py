"""The command line, run as a real process: clear sentences and exit codes, no tracebacks."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

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
