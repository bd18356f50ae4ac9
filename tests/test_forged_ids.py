"""Buttons with forged ids beyond SQLite's integers are answered, never crash."""

from __future__ import annotations

import dataclasses
import logging
import re
import typing
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pytest

from bot.callbacks import FAMILIES
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


def codec_data() -> list[str]:
    """The data of every button family (`bot.callbacks`) with an id, the id made huge."""
    found = []
    for prefix, family in FAMILIES.items():
        if prefix.startswith("test:"):
            continue
        hints = typing.get_type_hints(family)
        kinds = [hints[f.name] for f in dataclasses.fields(family)]  # type: ignore[arg-type]
        ids = [i for i, kind in enumerate(kinds) if int in (kind, *typing.get_args(kind))]
        if not ids:
            continue
        parts = family(*(_value(kind) for kind in kinds)).pack()[len(prefix) + 1 :].split(":")
        parts[ids[0]] = HUGE
        found.append(":".join([prefix, *parts]))
    return found


def _value(kind: Any) -> Any:
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if kind is int or int in args:
        return 1
    if typing.get_origin(kind) is Literal:
        return args[0]
    if len(args) == 1:
        return _value(args[0])
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return next(iter(kind))
    return date(2026, 12, 1) if kind is date else "x"


async def test_huge_ids_in_buttons(bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    prefixes = button_prefixes()
    forged = [p + HUGE for p in prefixes] + codec_data()
    assert len(forged) > 10
    w = await factories.world(bot)
    caplog.set_level(logging.ERROR)
    for chat in (w.client_chat, w.employer_chat, w.caseworker_chat):
        await chat.send("/start")
        for data in [*forged, f"cw:open:{HUGE}", f"cl:ext!:{HUGE}:2"]:
            before = len(bot.fake.calls_of("answerCallbackQuery"))
            await chat.press_data(data)
            assert len(bot.fake.calls_of("answerCallbackQuery")) > before, data
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
