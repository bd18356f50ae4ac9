"""Fixtures: the real bot on the fake Telegram, a real SQLite file, a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.i18n import LOCALES_DIR
from tests.harness import BOT_USERNAME, TEST_TOKEN, BotHarness

BRUSSELS = ZoneInfo("Europe/Brussels")


# Where the desk's browser tests wrote their screenshots (set by tests/test_desk_browser.py).
ARTEFACTS_WRITTEN = pytest.StashKey[Path]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(ARTEFACTS_WRITTEN, None)
    if folder is not None:
        terminalreporter.write_line(f"desk screenshots: {folder}")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not any(LOCALES_DIR.glob("*/LC_MESSAGES/*.mo")):
        raise pytest.UsageError("No compiled catalogs: run the tests with `make test`.")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        token=TEST_TOKEN,
        database_path=tmp_path / "data" / "werkervaring.sqlite3",
        bot_username=BOT_USERNAME,
    )


@pytest.fixture
def clock() -> FakeClock:
    # Monday 23 November 2026, 07:00 in Antwerp.
    return FakeClock(datetime(2026, 11, 23, 7, 0, tzinfo=BRUSSELS))


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(settings, clock)
    try:
        yield harness
    finally:
        await harness.stop()
