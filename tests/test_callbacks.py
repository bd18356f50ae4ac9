"""Button data codecs (`bot.callbacks`): every family packs and parses its own data."""

from __future__ import annotations

import itertools
import typing
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal, get_args, get_origin

import pytest

import bot.handlers  # noqa: F401  (registers every family the bot uses)
from bot.callbacks import FAMILIES, MAX_BYTES, MAX_INT, Button


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


@dataclass(frozen=True)
class Sample(Button, prefix="test:sample"):
    id: int
    day: date
    colour: Colour
    choice: Literal["a", "b"]
    other: int | None


@dataclass(frozen=True)
class Bare(Button, prefix="test:bare"):
    pass


def samples(kind: Any) -> list[Any]:
    """Values of a field type, its extremes included."""
    args = get_args(kind)
    if type(None) in args:
        [inner] = [a for a in args if a is not type(None)]
        return [None, *samples(inner)]
    if kind is int:
        return [0, 7, MAX_INT]
    if kind is date:
        return [date(2026, 1, 1), date(2099, 12, 31)]
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return list(kind)
    if get_origin(kind) is Literal:
        return list(args)
    if kind is str:
        return ["nl", "abc"]
    raise AssertionError(f"no samples for {kind!r}")


def instances(family: type[Button]) -> list[Button]:
    hints = typing.get_type_hints(family)
    names = [n for n in family.__dataclass_fields__]  # type: ignore[attr-defined]
    combos = itertools.product(*(samples(hints[n]) for n in names))
    return [family(*values) for values in itertools.islice(combos, 50)]


@pytest.mark.parametrize("prefix", sorted(FAMILIES))
def test_every_family_round_trips_within_telegrams_64_bytes(prefix: str) -> None:
    family = FAMILIES[prefix]
    for button in instances(family):
        data = button.pack()
        assert len(data.encode()) <= MAX_BYTES
        assert family.parse(data) == button
        assert family.matches(data)
        # No other family takes it for one of its own.
        others = [p for p, f in FAMILIES.items() if f is not family and f.matches(data)]
        assert others == [], (data, others)


def test_forged_and_truncated_data_is_no_press() -> None:
    good = Sample(12, date(2026, 12, 8), Colour.RED, "a", None).pack()
    assert good == "test:sample:12:2026-12-08:red:a:-"
    for forged in [
        good[:-2],
        good + ":9",
        good.replace("12", "-12"),
        good.replace("12", "1" * 20),
        good.replace("12", "012"),
        good.replace("2026-12-08", "2026-13-08"),
        good.replace("red", "blue"),
        good.replace(":a:", ":c:"),
        good.replace("test:sample", "test:other"),
        "",
        None,
        "x" * 100,
    ]:
        assert Sample.parse(forged) is None, forged
    assert Bare.parse("test:bare") == Bare()
    assert Bare.parse("test:bare:1") is None


def test_pack_refuses_what_telegram_would_refuse() -> None:
    with pytest.raises(ValueError, match="out of range"):
        Sample(MAX_INT + 1, date(2026, 1, 1), Colour.RED, "a", None).pack()

    @dataclass(frozen=True)
    class Long(Button, prefix="test:long"):
        text: str

    with pytest.raises(ValueError, match="64 bytes"):
        Long("x" * 60).pack()
    with pytest.raises(ValueError, match="cannot be button data"):
        Long("a:b").pack()
