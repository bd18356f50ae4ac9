"""Buttons with forged ids beyond SQLite's integers are answered, never crash."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from tests import factories
from tests.harness import BotHarness

ROOT = Path(__file__).resolve().parent.parent
HUGE = "9" * 25


def button_prefixes() -> list[str]:
    """`prefix:` of every callback pattern that ends in an id."""
    found = set()
    for module in (ROOT / "conversations").glob("*.py"):
        for match in re.finditer(r'pattern=r"\^([a-z_]+:[a-z_!]*:?)\\d', module.read_text()):
            found.add(match.group(1))
    return sorted(found)


async def test_huge_ids_in_buttons(bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    prefixes = button_prefixes()
    assert len(prefixes) > 10
    w = await factories.world(bot)
    caplog.set_level(logging.ERROR)
    for chat in (w.client_chat, w.employer_chat, w.caseworker_chat):
        await chat.send("/start")
        for data in [p + HUGE for p in prefixes] + [f"cw:open:{HUGE}", f"cl:ext!:{HUGE}:2"]:
            before = len(bot.fake.calls_of("answerCallbackQuery"))
            await chat.press_data(data)
            assert len(bot.fake.calls_of("answerCallbackQuery")) > before, data
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
